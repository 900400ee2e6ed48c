#!/usr/bin/env bash
# A 30-day trace in a 512 MB heap: writes the month (bench/month-trace.py: the bundled Azure hour
# played 720 times, 13.9 million requests, some rows out of order) once, then simulates it through
# one spec with -Xmx512m with this build and optionally a previous one: wall and processor time,
# peak resident memory, and how the run ended. --max-requests lifts the default guard (10 million
# requests for a heap this size) above the month's 13.9 million.
# Usage: bench/simulate-month.sh [OLD_JAR] [SPEC]   (default SPEC examples/simulate/native-target-tracking.yaml)
set -uo pipefail
cd "$(dirname "$0")/.."
OLD="${1:-}"
SPEC="${2:-examples/simulate/native-target-tracking.yaml}"
MONTH=target/month-trace.csv
mkdir -p target
[ -f "$MONTH" ] || python3 bench/month-trace.py "$MONTH"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), -Xmx512m, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "trace: $MONTH ($(($(wc -l <"$MONTH") - 1)) requests), spec: $SPEC"
for jar in cli/target/copyscale.jar ${OLD:+"$OLD"}; do
  OUT=$(mktemp)
  /usr/bin/time -f '%e %U %S %M' -o "$OUT.time" java -Xmx512m -jar "$jar" simulate "$SPEC" --trace "$MONTH" --max-requests 20000000 --json --no-progress >"$OUT" 2>"$OUT.err"
  status=$?
  read -r wall user sys rss < <(tail -1 "$OUT.time") || true
  if [ $status -eq 0 ]; then
    ended=$(python3 -c "import json; r = json.load(open('$OUT'))['results'][0]; print(f\"{r['requests']:,} requests simulated\")")
  else
    ended="exit $status: $(grep -m1 -o 'OutOfMemoryError[^\"]*' "$OUT.err" "$OUT" | head -1 | cut -d: -f2-)"
  fi
  printf '%-28s wall %7.1f s  cpu %7.1f s  peak RSS %5d MiB  %s\n' "$jar" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024)) "$ended"
  rm -f "$OUT" "$OUT.err" "$OUT.time"
done
