"""Writes a 30-day trace in the Azure format: the bundled hour (19,366 requests) played 720 times,
each copy an hour after the last (13.9 million requests, about 600 MB). Every 1,000th pair of rows
is swapped, as real traces are not always written in time order, so reading it sorts.
Usage: python3 bench/month-trace.py OUT.csv"""
import datetime
import sys

SOURCE = "examples/traces/azure-llm-conv-2023.csv"
with open(SOURCE) as f:
    header = f.readline()
    rows = []
    for line in f:
        stamp, prompt, output = line.rstrip("\n").split(",")
        day, frac = stamp.split(".")
        t = datetime.datetime.strptime(day, "%Y-%m-%d %H:%M:%S")
        rows.append((t, frac, prompt, output))
with open(sys.argv[1], "w") as out:
    out.write(header)
    n = 0
    pending = None
    for hour in range(720):
        shift = datetime.timedelta(hours=hour)
        for t, frac, prompt, output in rows:
            line = f"{(t + shift).strftime('%Y-%m-%d %H:%M:%S')}.{frac},{prompt},{output}\n"
            n += 1
            if pending is None and n % 1000 == 0:
                pending = line
                continue
            out.write(line)
            if pending is not None:
                out.write(pending)
                pending = None
    if pending is not None:
        out.write(pending)
