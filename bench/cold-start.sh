#!/usr/bin/env bash
# Cold start of copyscale's Lambda jars on this machine: a fresh JVM per run loads the shaded jar,
# runs the handler's Lambda constructor (real AWS SDK clients, URL-connection HTTP client) and
# answers one event, against a local moto_server standing in for AWS. Prints each jar's size and
# the median of RUNS cold starts. Usage: bench/cold-start.sh [RUNS]   (build first: ./mvnw -B package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-7}"
command -v moto_server >/dev/null || { echo "moto_server is required (it stands in for AWS)"; exit 2; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
LOG=$(mktemp)
moto_server -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 &
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$PORT/moto-api/" && break; sleep 0.5; done
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export STATE_TABLE=copyscale-bench-state COPYSCALE_STACK=copyscale-bench LEDGER_RETENTION_DAYS=30
python3 - <<PY
import boto3
boto3.client("dynamodb", endpoint_url="$AWS_ENDPOINT_URL", region_name="us-east-1").create_table(
    TableName="$STATE_TABLE", BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
PY
LAUNCHER=$(mktemp -d)
trap 'kill $MOTO 2>/dev/null || true; rm -rf "$LOG" "$LAUNCHER"' EXIT
# Compiled once, so no run pays for javac.
javac -d "$LAUNCHER" -cp functions/deploy/target/deploy.jar bench/LambdaColdStart.java
printf '%-20s %10s %12s %s\n' "function" "jar MiB" "median ms" "all runs (ms)"
for f in deploy:dev.copyscale.functions.deploy.DeployHandler:deploy-reconcile.json \
         step-scaling:dev.copyscale.functions.stepscaling.AlarmHandler:alarm-not-owned.json \
         scheduled-scaling:dev.copyscale.functions.scheduledscaling.ScheduleHandler:deploy-reconcile.json; do
  IFS=: read -r name class event <<<"$f"
  jar="functions/$name/target/$name.jar"
  size=$(python3 -c "import os; print(f'{os.path.getsize(\"$jar\")/1048576:.1f}')")
  times=()
  for _ in $(seq 1 "$RUNS"); do
    # Lambda's Java runtimes stop tiered compilation at level 1 by default, as here.
    times+=("$(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$jar:$LAUNCHER" LambdaColdStart "$class" "events/$event" 2>/dev/null | awk '/^COLDSTART_MS/ {print $2}')")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-20s %10s %12s %s\n' "$name" "$size" "$median" "${times[*]}"
done
