#!/usr/bin/env bash
# Opens simulation reports in headless Chromium at 1,400 and 390 px, as the browser test does, and
# prints each one's size, its render time (navigation start to the first frame after load) and any
# problem the test fails on: horizontal overflow, a console error, a request that leaves the file,
# a missing chart or decision mark. The checks are cli's ReportInBrowser (test sources), run with
# the test classpath. Needs Debian's chromium and chromium-driver (CHROMIUM, CHROMEDRIVER: others).
#
# Usage: bench/report-in-browser.sh REPORT_DIR_OR_INDEX_HTML...
#   e.g. the 30-day report of docs/benchmarks.md:
#   java -jar cli/target/copyscale.jar simulate examples/simulate/*.yaml \
#     --trace synthetic:diurnal:mean=5,amplitude=0.6,period=24h,noise=0.1,duration=30d --report /tmp/month
#   bench/report-in-browser.sh /tmp/month
# Builds the test classes first (./mvnw -B -q -pl cli -am test-compile, which also writes cli's test
# classpath). Exit status 1 when a report has a problem.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: $0 REPORT_DIR_OR_INDEX_HTML..." >&2; exit 2; }
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
# Every module of the reactor writes its classpath to the file in turn; cli, the last, stays.
./mvnw -B -q -pl cli -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CP_FILE" >&2
echo "machine: $(nproc) cores, $(chromium --version 2>/dev/null || echo 'chromium not found')"
java -cp "cli/target/test-classes:cli/target/classes:$(cat "$CP_FILE")" \
  dev.copyscale.cli.report.ReportInBrowser "$@"
