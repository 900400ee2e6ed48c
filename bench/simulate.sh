#!/usr/bin/env bash
# Simulator throughput: a simulated week of the Azure trace (the hour played 168 times back to back,
# 3.25 million requests) through each bundled example spec, one spec per run, in a fresh JVM with a
# capped heap. Prints simulated requests per wall-clock second (JVM start and trace loading
# included, so it understates the loop's own speed) and the run's peak resident memory.
# Usage: bench/simulate.sh [HEAP]   (default HEAP 512m; build first: ./mvnw -B package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
HEAP="${1:-512m}"
JAR=cli/target/copyscale.jar
[ -f "$JAR" ] || { echo "build first: ./mvnw -B package -DskipTests"; exit 2; }
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), -Xmx$HEAP"
printf '%-48s %10s %9s %14s %12s\n' "spec" "requests" "wall s" "requests/s" "peak RSS MiB"
for spec in examples/simulate/*.yaml; do
  OUT=$(mktemp)
  START=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$OUT.rss" java -Xmx"$HEAP" -jar "$JAR" simulate "$spec" --repeat 168 --json --no-progress >"$OUT"
  END=$(date +%s.%N)
  REQUESTS=$(python3 -c "import json,sys; print(json.load(open('$OUT'))['results'][0]['requests'])")
  python3 - "$spec" "$REQUESTS" "$START" "$END" "$(cat "$OUT.rss")" <<'PY'
import sys
spec, n, start, end, rss = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
wall = end - start
print(f"{spec:48s} {n:10,d} {wall:9.2f} {n / wall:14,.0f} {rss / 1024:12.0f}")
PY
  rm -f "$OUT" "$OUT.rss"
done
