#!/usr/bin/env bash
# Reproduces the "Backend detection" section of docs/benchmarks.md: JMH DetectionBenchmark (events/s
# on one thread through DetectionEngine over an agent/sshd/JSON mix, 8 default rules and 100 mixed
# rules side by side, the events as normalised, as decoded from the event log with the rules'
# projection and decoded whole; bytes per event with -prof gc; then decode and detection together,
# and decode alone, projected and whole), DetectionCost (decode and detection timed apart per event,
# projected and whole, and detection on a cold event), GroupKeyMemory (heap per active
# group key per method, and the counted maxGroupsPerRule bound), then IntakeHarness (a real
# VigilServer fed over HTTP for 20 s after 10 s of warm-up, with the 8 default rules and with the
# 100 mixed rules: accepted events/s end to end and per core of server CPU).
# About 11 minutes on a 2-core machine (build excluded). No root needed.
#
#   bench/detect-bench.sh                        everything
#   bench/detect-bench.sh -p rules=100           JMH options pass through (after the defaults)
#   VIGIL_BENCH_INTAKE=0 bench/detect-bench.sh   skip IntakeHarness
#   VIGIL_BENCH_GZIP=0 bench/detect-bench.sh     IntakeHarness sends uncompressed bodies
#
# Results go to bench/results/ (not versioned): detect-<time>.txt/.json and detect-decode-<time>.* (JMH),
# detect-cost-<time>.txt, detect-memory-<time>.md, detect-intake-<time>.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../bin/lib.sh"
cd "$VIGIL_HOME"
find_jdk

echo "detect-bench: building vigil-bench and the modules it needs" >&2
./mvnw -q -B -pl vigil-bench -am package -DskipTests

results="$here/results"
mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
cp="vigil-bench/target/classes:vigil-bench/target/lib/*"
machine="# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -r), $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)), load average $(cut -d' ' -f1-3 /proc/loadavg)
# $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p)"

echo "$machine" > "$results/detect-$stamp.txt"
echo "detect-bench: JMH DetectionBenchmark -> $results/detect-$stamp.txt" >&2
"$JAVA_HOME/bin/java" -cp "$cp" org.openjdk.jmh.Main 'DetectionBenchmark\.(process|restampOnly)$' \
  -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc -rf json -rff "$results/detect-$stamp.json" "$@" \
  | tee -a "$results/detect-$stamp.txt" | sed -n -e '/^# rules/p' -e '/^# [0-9]* passes/p' -e '/^# default rules/p' -e '/^Benchmark /,$p'
echo "detect-bench: JMH DetectionBenchmark.decodeAndProcess -> $results/detect-decode-$stamp.txt" >&2
"$JAVA_HOME/bin/java" -cp "$cp" org.openjdk.jmh.Main 'DetectionBenchmark\.(decodeAndProcess|decodeOnly)$' -p input=decoded,whole \
  -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc -rf json -rff "$results/detect-decode-$stamp.json" "$@" \
  | tee -a "$results/detect-decode-$stamp.txt" | sed -n -e '/^Benchmark /,$p'

echo "detect-bench: DetectionCost (detection on a just-decoded event vs a cold one) -> $results/detect-cost-$stamp.txt" >&2
{ echo "$machine"; "$JAVA_HOME/bin/java" -Xmx4g -cp "$cp" dev.vigil.bench.DetectionCost 100 10 3 10; } \
  | tee "$results/detect-cost-$stamp.txt"

echo "detect-bench: GroupKeyMemory -> $results/detect-memory-$stamp.md" >&2
{ echo "$machine"; "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx2g -cp "$cp" dev.vigil.bench.GroupKeyMemory 200000; } \
  | tee "$results/detect-memory-$stamp.md"

if [ "${VIGIL_BENCH_INTAKE:-1}" != 0 ]; then
  echo "detect-bench: IntakeHarness -> $results/detect-intake-$stamp.md" >&2
  identity=false; [ "${VIGIL_BENCH_GZIP:-1}" = 0 ] && identity=true
  # the 8 default rules, then the 100 mixed rules; 10 s of warm-up each, not counted
  { echo "$machine"; for rules in 8 100; do "$JAVA_HOME/bin/java" -Dvigil.bench.identity=$identity -XX:+UseSerialGC -Xmx1g -cp "$cp" \
      dev.vigil.bench.IntakeHarness 20 4 "$rules" 10 2>>"$results/detect-intake-$stamp.log"; done; } | tee "$results/detect-intake-$stamp.md"
fi
echo "detect-bench: done; results in $results" >&2
