#!/usr/bin/env bash
# Times the README's main command, as a user runs it: a fresh JVM running
#   java -jar cli/target/copyscale.jar simulate examples/simulate/*.yaml --report target/report
# (the Azure hour through the four example configurations, with the report), RUNS times (default 5)
# after one warm-up run that fills the page cache, and prints each run's wall and CPU time, the
# median wall time and the load average before the runs: on a shared machine other work inflates the
# wall time, so read it with the load. The jar is built first only if missing (./mvnw -B -q package
# -DskipTests). Exit status 0 whatever the times: it is a benchmark, not a test.
#
# Usage: bench/readme-command.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
JAR=cli/target/copyscale.jar
[ -f "$JAR" ] || ./mvnw -B -q package -DskipTests >&2
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
run() {
  /usr/bin/time -f "%e %U %S" -o "$1" \
    java -jar "$JAR" simulate examples/simulate/*.yaml --report target/report --no-progress >/dev/null
}
run /dev/null
WALLS=()
for i in $(seq 1 "$RUNS"); do
  T="$(mktemp)"
  run "$T"
  read -r WALL USER SYS < "$T"
  rm -f "$T"
  WALLS+=("$WALL")
  printf 'run %d: %5.2f s wall, %5.2f s CPU (user %s + sys %s)\n' "$i" "$WALL" \
    "$(echo "$USER + $SYS" | bc)" "$USER" "$SYS"
done
MEDIAN="$(printf '%s\n' "${WALLS[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
echo "median wall: ${MEDIAN} s over ${RUNS} runs; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
