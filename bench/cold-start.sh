#!/usr/bin/env bash
# Cold start of copyscale's Lambda jars against a bare SDK handler, on this machine.
#
# Each run is a fresh JVM that loads a shaded jar, runs the handler's public no-argument constructor
# as the Lambda Java runtime does, and answers one event; the time is from JVM start to the response.
# The bare handler (bench/bare: builds a SageMakerClient, calls DescribeEndpoint) is the yardstick:
# same SDK, same URL-connection HTTP client, same JVM flags, same moto_server standing in for AWS.
# Every round runs the bare handler and the three functions once each, in a rotating order, so the
# machine's drift falls on all of them alike; the first round is a warm-up and is not counted.
#
# The event is the reconcile schedule's tick, {"action": "reconcile"} (events/deploy-reconcile.json),
# for all three functions. The state table holds one settled deployment (the llama3-8b spec of
# events/deploy-llama3-8b.json without its schedules, InService), so each tick reads and decodes a
# deployment record, and the step-scaling and scheduled-scaling functions parse its spec, as they do
# every minute in a stack with a deployment in service; no function writes, so every run sees the
# same state. (moto has no inference components, so a tick that would go on to read one is not
# measured here.) The bare handler's endpoint exists in moto, so its call succeeds. The functions
# get the environment template.yaml gives them (COPYSCALE_LOG_LEVEL).
#
# Times on a shared machine drift with the other work on it; processor time drifts less, and
# --instructions counts the instructions of one run of each under valgrind (callgrind): the same
# count every time to about 1 %, whatever else the machine does, but about 2 minutes a run.
#
# Usage: bench/cold-start.sh [RUNS]        (default 9)
#        bench/cold-start.sh --instructions
# Build the functions first:
#   ./mvnw -B package -DskipTests -pl functions/deploy,functions/step-scaling,functions/scheduled-scaling -am
# the bare handler is built here if bench/bare/target/bare.jar is missing (Maven reads MAVEN_ARGS).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=time RUNS="${1:-9}"
[[ "${1:-}" == --instructions ]] && { MODE=instructions; RUNS=1; command -v valgrind >/dev/null || { echo "--instructions needs valgrind"; exit 2; }; }
command -v moto_server >/dev/null || { echo "moto_server is required (it stands in for AWS)"; exit 2; }
FUNCTIONS=(
  deploy:dev.copyscale.functions.deploy.DeployHandler
  step-scaling:dev.copyscale.functions.stepscaling.AlarmHandler
  scheduled-scaling:dev.copyscale.functions.scheduledscaling.ScheduleHandler
)
for f in "${FUNCTIONS[@]}"; do
  jar="functions/${f%%:*}/target/${f%%:*}.jar"
  [[ -f "$jar" ]] || { echo "$jar is missing: build the functions first (see the usage at the top of $0)"; exit 2; }
done
[[ -f bench/bare/target/bare.jar ]] || ./mvnw -B -q -f bench/bare/pom.xml package
EVENT=events/deploy-reconcile.json

WORK=$(mktemp -d)
MOTO=
trap '[[ -n "$MOTO" ]] && kill "$MOTO" 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO=$!
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$PORT/moto-api/" && break; sleep 0.5; done
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export STATE_TABLE=copyscale-bench-state COPYSCALE_STACK=copyscale-bench LEDGER_RETENTION_DAYS=30 COPYSCALE_LOG_LEVEL=INFO
export BENCH_ENDPOINT=copyscale-bench-bare
python3 - <<PY
import boto3, json
dynamo = boto3.client("dynamodb", region_name="us-east-1", endpoint_url="$AWS_ENDPOINT_URL")
dynamo.create_table(
    TableName="$STATE_TABLE", BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
spec = json.load(open("events/deploy-llama3-8b.json"))
del spec["scaling"]["schedules"]
# As DynamoDbStateStore writes a deployment record.
dynamo.put_item(TableName="$STATE_TABLE", Item={
    "pk": {"S": "deployment"}, "sk": {"S": spec["name"]}, "spec": {"S": json.dumps(spec)},
    "phase": {"S": "InService"}, "deleting": {"BOOL": False}, "fingerprints": {"M": {}},
    "zeroCopiesPending": {"BOOL": False}, "everInService": {"BOOL": True}, "lastActions": {"L": []},
    "updatedAt": {"S": "2026-01-01T00:00:00Z"}, "version": {"N": "1"}})
sm = boto3.client("sagemaker", region_name="us-east-1", endpoint_url="$AWS_ENDPOINT_URL")
role = "arn:aws:iam::123456789012:role/SageMakerExecutionRole"
sm.create_model(ModelName="$BENCH_ENDPOINT", ExecutionRoleArn=role, PrimaryContainer={"Image": spec["component"]["image"]})
sm.create_endpoint_config(EndpointConfigName="$BENCH_ENDPOINT", ProductionVariants=[
    {"VariantName": "AllTraffic", "ModelName": "$BENCH_ENDPOINT", "InitialInstanceCount": 1, "InstanceType": "ml.g4dn.12xlarge"}])
sm.create_endpoint(EndpointName="$BENCH_ENDPOINT", EndpointConfigName="$BENCH_ENDPOINT")
PY
# Compiled once, so no run pays for javac.
javac -d "$WORK/launcher" -cp bench/bare/target/bare.jar bench/LambdaColdStart.java

NAMES=(bare)
declare -A JAR=([bare]=bench/bare/target/bare.jar) CLASS=([bare]=bench.BareHandler) WALL=() CPU=()
for f in "${FUNCTIONS[@]}"; do
  name="${f%%:*}"; NAMES+=("$name"); JAR[$name]="functions/$name/target/$name.jar"; CLASS[$name]="${f#*:}"
done
JVM=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "-XX:ErrorFile=$WORK/hs_err_pid%p.log") # as Lambda's Java runtimes run it (tiered compilation stops at level 1); crash reports stay out of the tree
run() { # one cold start of $1 into $WORK/$1.out
  local prefix=()
  [[ $MODE == instructions ]] && prefix=(valgrind --tool=callgrind "--callgrind-out-file=$WORK/$1.callgrind" --smc-check=all-non-file)
  local try
  for try in 1 2; do # under valgrind the JVM now and then crashes in its own generated code: once more
    if "${prefix[@]}" "${JVM[@]}" -cp "${JAR[$1]}:$WORK/launcher" LambdaColdStart "${CLASS[$1]}" "$EVENT" >"$WORK/$1.out" 2>&1 \
        && grep -q '^COLDSTART_MS' "$WORK/$1.out"; then
      return
    fi
    [[ $MODE == instructions ]] || break
  done
  echo "$1 failed:" >&2; cat "$WORK/$1.out" >&2; exit 1
}
size() { python3 -c "import os; print(f'{os.path.getsize(\"${JAR[$1]}\")/1048576:.1f}')"; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
MACHINE="machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"

if [[ $MODE == instructions ]]; then
  declare -A COUNT=()
  for name in "${NAMES[@]}"; do
    run "$name"
    echo "$name answered: $(sed -n 's/^RESPONSE //p' "$WORK/$name.out" | cut -c1-150)"
    COUNT[$name]=$(sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' "$WORK/$name.out" | tr -d ,)
  done
  echo
  echo "$MACHINE"
  echo "instructions of one cold start each under valgrind (all threads: the JIT and GC too), event $EVENT"
  printf '%-18s %7s %16s %16s %6s\n' function "jar MiB" instructions "bare" ratio
  for name in "${NAMES[@]}"; do
    printf '%-18s %7s %16s %16s %6s\n' "$name" "$(size "$name")" "${COUNT[$name]}" "${COUNT[bare]}" "$(ratio "${COUNT[$name]}" "${COUNT[bare]}")"
  done
  exit 0
fi

for round in $(seq 0 "$RUNS"); do # round 0 warms the page cache and moto
  for i in "${!NAMES[@]}"; do
    name="${NAMES[$(( (i + round) % ${#NAMES[@]} ))]}"
    run "$name"
    if [[ $round -eq 0 ]]; then
      echo "$name answered: $(sed -n 's/^RESPONSE //p' "$WORK/$name.out" | cut -c1-150)"
    else
      WALL[$name]+="$(awk '/^COLDSTART_MS/ {print $2}' "$WORK/$name.out") "
      CPU[$name]+="$(awk '/^CPU_MS/ {print $2}' "$WORK/$name.out") "
    fi
  done
done

echo
echo "$MACHINE"
echo "$RUNS runs each after a warm-up round, event $EVENT; wall = JVM start to response, cpu = processor time by then (all threads)"
printf '%-18s %7s %8s %8s %6s %8s %8s %6s  %s\n' function "jar MiB" "wall ms" "bare ms" ratio "cpu ms" "bare ms" ratio "wall of each run (ms)"
bare_wall=$(median <<<"${WALL[bare]}")
bare_cpu=$(median <<<"${CPU[bare]}")
for name in "${NAMES[@]}"; do
  wall=$(median <<<"${WALL[$name]}")
  cpu=$(median <<<"${CPU[$name]}")
  printf '%-18s %7s %8s %8s %6s %8s %8s %6s  %s\n' "$name" "$(size "$name")" "$wall" "$bare_wall" "$(ratio "$wall" "$bare_wall")" \
    "$cpu" "$bare_cpu" "$(ratio "$cpu" "$bare_cpu")" "${WALL[$name]}"
done
