#!/usr/bin/env bash
# How long engine slo takes to simulate against native target tracking, on the same 30-day diurnal
# trace (3.0 million requests), each spec alone in a fresh JVM, alternating, three runs each: the
# median wall time of each and their ratio. The decisions of a build can be checked against another
# build's with the JSON each run writes (identical results are the rule for a speed change).
#
# Usage: bench/engine-speed.sh [OTHER_JAR]   (build first: ./mvnw -B -q package -DskipTests)
#   OTHER_JAR: also time that build of the CLI (e.g. the previous version's) in the same run, and
#   say whether its JSON results are the same as this build's.
set -euo pipefail
cd "$(dirname "$0")/.."
TRACE=synthetic:diurnal:mean=5,amplitude=0.6,period=24h,noise=0.1,duration=30d
JARS=(cli/target/copyscale.jar ${1:+"$1"})
RUNS=3
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "trace: $TRACE"
for run in $(seq "$RUNS"); do
  for j in "${!JARS[@]}"; do
    for spec in native-target-tracking slo; do
      /usr/bin/time -f '%e' -o "$OUT/t" java -jar "${JARS[$j]}" simulate "examples/simulate/$spec.yaml" \
        --trace "$TRACE" --json --no-progress >"$OUT/$j-$spec.json"
      cat "$OUT/t" >>"$OUT/$j-$spec.times"
    done
  done
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-40s %14s %14s %8s\n' build "native wall s" "slo wall s" "slo/native"
for j in "${!JARS[@]}"; do
  n=$(median "$OUT/$j-native-target-tracking.times")
  s=$(median "$OUT/$j-slo.times")
  printf '%-40s %14s %14s %8s\n' "${JARS[$j]}" "$n" "$s" "$(awk -v s="$s" -v n="$n" 'BEGIN {printf "%.2f", s / n}')"
done
if [ "${#JARS[@]}" -gt 1 ]; then
  for spec in native-target-tracking slo; do
    if java -cp "${JARS[0]}" bench/SameJson.java "$OUT/0-$spec.json" "$OUT/1-$spec.json"; then
      echo "$spec: the same results from both builds"
    else
      echo "$spec: the results DIFFER between the builds"
    fi
  done
fi
