#!/usr/bin/env bash
# Simulator throughput on a simulated week of the Azure trace (the hour played 168 times back to
# back, 3,253,488 requests) through the eight specs of examples/simulate/ and bench/slo/, for this
# build and optionally a previous one, alternating, in one run:
#   - per simulation: each spec alone in a fresh JVM with a capped heap;
#   - on 2 cores: all eight specs in one `copyscale simulate` (its pool runs one spec per core, as a
#     frontier search runs its configurations): requests simulated / wall time, JVM start to exit;
#   - whether both builds give the same JSON results (every field, keys in any order, exact).
# Wall times are the shared machine's; processor time (user + sys, all threads) is printed beside
# them, with the load average, because other builds may share the cores.
# Usage: bench/simulate.sh [OLD_JAR] [HEAP]   (default HEAP 512m; build first: ./mvnw -B package -DskipTests)
#        PER_SIMULATION=no bench/simulate.sh ...   only the 2-core run (a loaded machine: minutes less)
set -euo pipefail
cd "$(dirname "$0")/.."
OLD="${1:-}"
HEAP="${2:-512m}"
PER_SIMULATION="${PER_SIMULATION:-yes}"
NEW=cli/target/copyscale.jar
[ -f "$NEW" ] || { echo "build first: ./mvnw -B package -DskipTests"; exit 2; }
SPECS=(examples/simulate/*.yaml bench/slo/*.yaml)
JARS=("$NEW")
[ -n "$OLD" ] && JARS+=("$OLD")
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# Runs one simulate command; prints "wall cpu requests" and keeps the JSON in $OUT/$1.json.
run() {
  local name=$1 jar=$2
  shift 2
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f '%U %S %M' -o "$OUT/$name.time" java -Xmx"$HEAP" -jar "$jar" simulate "$@" --repeat 168 --json --no-progress >"$OUT/$name.json"
  end=$(date +%s.%N)
  python3 - "$OUT/$name.json" "$start" "$end" "$OUT/$name.time" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
n = sum(r["requests"] for r in doc["results"])
user, sys_, rss = open(sys.argv[4]).read().split()
print(f"{float(sys.argv[3]) - float(sys.argv[2]):.2f} {float(user) + float(sys_):.2f} {n} {int(rss) // 1024}")
PY
}

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), -Xmx$HEAP, load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$PER_SIMULATION" = yes ] && echo "per simulation: one spec per fresh JVM; requests/s = requests / wall; per cpu s = requests / (user + sys)"
[ "$PER_SIMULATION" = yes ] && printf '%-44s %-8s %10s %8s %8s %12s %12s %8s\n' spec build requests "wall s" "cpu s" requests/s "per cpu s" "RSS MiB"
for spec in "${SPECS[@]}"; do
  [ "$PER_SIMULATION" = yes ] || break
  for jar in "${JARS[@]}"; do
    label=new; [ "$jar" = "$NEW" ] || label=old
    read -r wall cpu n rss < <(run "$label-$(basename "$spec" .yaml)" "$jar" "$spec")
    printf '%-44s %-8s %10d %8.2f %8.2f %12.0f %12.0f %8d\n' "$spec" "$label" "$n" "$wall" "$cpu" \
      "$(echo "$n / $wall" | bc -l)" "$(echo "$n / $cpu" | bc -l)" "$rss"
  done
done
echo "on $(nproc) cores: the ${#SPECS[@]} specs in one simulate command (load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-8s %10s %8s %8s %12s %12s %8s\n' build requests "wall s" "cpu s" requests/s "per cpu s" "RSS MiB"
for jar in "${JARS[@]}"; do
  label=new; [ "$jar" = "$NEW" ] || label=old
  read -r wall cpu n rss < <(run "$label-all" "$jar" "${SPECS[@]}")
  printf '%-8s %10d %8.2f %8.2f %12.0f %12.0f %8d\n' "$label" "$n" "$wall" "$cpu" \
    "$(echo "$n / $wall" | bc -l)" "$(echo "$n / $cpu" | bc -l)" "$rss"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$OLD" ]; then
  for f in "$OUT"/new-*.json; do
    g="$OUT/old-${f##*/new-}"
    python3 - "$f" "$g" <<'PY'
import json, sys
a, b = (json.dumps(json.load(open(p)), sort_keys=True) for p in sys.argv[1:3])
name = sys.argv[1].rsplit("/", 1)[1][4:-5]
print(f"{name}: {'the same results from both builds' if a == b else 'RESULTS DIFFER'}")
PY
  done
fi
