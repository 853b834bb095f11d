#!/usr/bin/env bash
# Benchmarks of the pipelines (not part of the test command). Prints the tables and writes
# bench/results.md. Usage: bench/run.sh [--only=B2] [B1 rows] [B2 events] [B3 rows]   (defaults 1000000 1000000 10000000)
# --only=B1, --only=B2, --only=B4 or --only=B5 runs that workload alone (to iterate on it) and writes target/bench-b1.md,
# target/bench-b2.md, target/bench-b4.md or target/bench-b5.md instead of bench/results.md. B4 takes B1's row count.
# B5 (the console's grid with 10,000 runs) drives Debian's chromium through chromedriver (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
ONLY=
if [[ "${1:-}" == --only=* ]]; then
  ONLY=${1#--only=}; shift
  [[ "$ONLY" == B1 || "$ONLY" == B2 || "$ONLY" == B4 || "$ONLY" == B5 ]] || { echo "--only=B1, --only=B2, --only=B4 or --only=B5"; exit 2; }
fi
B1_ROWS=${1:-1000000}
B2_EVENTS=${2:-1000000}
B3_ROWS=${3:-10000000}
NAIVE_ROWS=100000

./mvnw -q -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="target/classes:target/test-classes:$(cat target/bench.classpath)"
rm -rf target/bench-classes && mkdir -p target/bench-classes
javac -d target/bench-classes -cp "$CP" $(find bench/src -name '*.java')
CP="target/bench-classes:$CP"

PARTS=target/bench-parts.md
rm -f "$PARTS"
mkdir -p target/bench-logs
# run NAME HEAP MAIN ARGS...: one benchmark JVM; its log goes to target/bench-logs/NAME.log
run() {
  local name=$1 heap=$2; shift 2
  if ! java "$heap" -cp "$CP" "$@" > "target/bench-logs/$name.log" 2>&1; then
    tail -40 "target/bench-logs/$name.log"; echo "benchmark $name failed: see target/bench-logs/$name.log"; exit 1
  fi
}

# Where the time goes: JFR execution samples of the threads named like THREAD in target/bench-logs/JFR.jfr.
# profile JFR THREAD own|leaf N
profile() {
  jfr print --stack-depth 64 --events jdk.ExecutionSample "target/bench-logs/$1.jfr" \
    | awk -v THREAD="$2" -v MODE="$3" -f bench/profile.awk | sort | uniq -c | sort -rn | head -"$4" || true
}

if [[ -z "$ONLY" || "$ONLY" == B1 ]]; then
echo "== B1: batch, $B1_ROWS rows (with the database-alone baseline and the naive route on $NAIVE_ROWS rows)"
run b1 -Xmx2g -XX:StartFlightRecording=filename=target/bench-logs/b1.jfr,settings=profile \
  io.pipelines.bench.BatchBenchmark b1 "$B1_ROWS" "$PARTS" "$NAIVE_ROWS"
{
  echo "Profile of B1 (JFR execution samples of the pipeline thread). Innermost project frame:"
  echo
  echo '```'
  profile b1 daily_sales_etl own 15
  echo '```'
  echo
  echo "Leaf frames:"
  echo
  echo '```'
  profile b1 daily_sales_etl leaf 15
  echo '```'
  echo
} >> "$PARTS"
fi
if [[ -z "$ONLY" || "$ONLY" == B2 ]]; then
echo "== B2: stream, $B2_EVENTS events"
run b2 -Xmx2g -XX:StartFlightRecording=filename=target/bench-logs/b2.jfr,settings=profile \
  io.pipelines.bench.StreamBenchmark "$B2_EVENTS" "$PARTS" default true
{
  echo "Profile of the B2 drain with the default settings (JFR execution samples of the consumer thread \`bench-drain\`, its batch thread and the lake threads). Innermost project frame:"
  echo
  echo '```'
  profile b2 "bench-drain|orders_stream-lake" own 15
  echo '```'
  echo
  echo "Leaf frames:"
  echo
  echo '```'
  profile b2 "bench-drain|orders_stream-lake" leaf 15
  echo '```'
  echo
} >> "$PARTS"
fi
if [[ -z "$ONLY" ]]; then
echo "== B2 again with micro-batches of 1,000 (the default before 2026-11-25)"
run b2-1k -Xmx2g io.pipelines.bench.StreamBenchmark "$B2_EVENTS" "$PARTS" 1000 false
echo "== B3: memory, -Xmx512m"
{
  echo "### B3 memory: B1's path with -Xmx512m"
  echo
  echo "| rows | status | wall | rows/s | peak live heap (after GC) | peak heap used, garbage included | sum of heap pool peaks | peak RSS (VmHWM) | error |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
} >> "$PARTS"
for rows in 1000000 "$B3_ROWS"; do
  run "b3-$rows" -Xmx512m io.pipelines.bench.BatchBenchmark b3 "$rows" "$PARTS"
done
echo >> "$PARTS"
fi
if [[ -z "$ONLY" || "$ONLY" == B4 ]]; then
echo "== B4: source postgres_orders, first load of $B1_ROWS rows and an increment of a tenth of them"
run b4 -Xmx2g -XX:StartFlightRecording=filename=target/bench-logs/b4.jfr,settings=profile \
  io.pipelines.bench.SourceBenchmark "$B1_ROWS" "$PARTS"
{
  echo "Profile of B4 (JFR execution samples of the source's threads: its run, Parquet writer and load). Innermost project frame:"
  echo
  echo '```'
  profile b4 postgres_orders own 15
  echo '```'
  echo
} >> "$PARTS"
fi
if [[ -z "$ONLY" || "$ONLY" == B5 ]]; then
echo "== B5: the console's grid with 10,000 runs"
run b5 -Xmx1g io.pipelines.bench.ConsoleBenchmark "$PARTS"
fi
OUT=bench/results.md
[[ -z "$ONLY" ]] || OUT=target/bench-$(echo "$ONLY" | tr B b).md

{
  echo "# Benchmark results"
  echo
  echo "Measured by \`bench/run.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
  echo "$(free -g | awk '/Mem:/ {print $2}') GiB of memory, $(java -version 2>&1 | head -1). Embedded PostgreSQL 14, S3Proxy over the local disk,"
  echo "one Kafka node, all in the benchmark's JVM. Every figure is compared with its baseline measured in the same run;"
  echo "the machine is shared and noisy, so read differences of less than about 20 % as noise."
  echo
  cat "$PARTS"
} > "$OUT"
cat "$PARTS"
echo "== written $OUT"
