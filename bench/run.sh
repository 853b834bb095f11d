#!/usr/bin/env bash
# Benchmarks of the pipelines (not part of the test command). Prints the tables and writes
# bench/results.md. Usage: bench/run.sh [B1 rows] [B2 events] [B3 rows]   (defaults 1000000 1000000 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
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

echo "== B1: batch, $B1_ROWS rows (with the database-alone baseline and the naive route on $NAIVE_ROWS rows)"
run b1 -Xmx2g -XX:StartFlightRecording=filename=target/bench-logs/b1.jfr,settings=profile \
  io.pipelines.bench.BatchBenchmark b1 "$B1_ROWS" "$PARTS" "$NAIVE_ROWS"
# Where the time goes: JFR execution samples of the threads that ran the pipeline's tasks.
profile() {
  jfr print --stack-depth 64 --events jdk.ExecutionSample target/bench-logs/b1.jfr \
    | awk -v THREAD="daily_sales_etl" -v MODE="$1" -f bench/profile.awk | sort | uniq -c | sort -rn | head -"$2" || true
}
{
  echo "Profile of B1 (JFR execution samples of the pipeline thread). Innermost project frame:"
  echo
  echo '```'
  profile own 15
  echo '```'
  echo
  echo "Leaf frames:"
  echo
  echo '```'
  profile leaf 15
  echo '```'
  echo
} >> "$PARTS"
echo "== B2: stream, $B2_EVENTS events"
run b2 -Xmx2g io.pipelines.bench.StreamBenchmark "$B2_EVENTS" "$PARTS" 1000 true
echo "== B2 again with micro-batches of 10,000"
run b2-10k -Xmx2g io.pipelines.bench.StreamBenchmark "$B2_EVENTS" "$PARTS" 10000 false
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

{
  echo "# Benchmark results"
  echo
  echo "Measured by \`bench/run.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
  echo "$(free -g | awk '/Mem:/ {print $2}') GiB of memory, $(java -version 2>&1 | head -1). Embedded PostgreSQL 14, S3Proxy over the local disk,"
  echo "one Kafka node, all in the benchmark's JVM. Every figure is compared with its baseline measured in the same run;"
  echo "the machine is shared and noisy, so read differences of less than about 20 % as noise."
  echo
  cat "$PARTS"
} > bench/results.md
cat "$PARTS"
echo "== written bench/results.md"
