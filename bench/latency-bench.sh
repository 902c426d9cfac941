#!/usr/bin/env bash
# Reproduces "Kernel event to stored signal latency" in docs/benchmarks.md: the real agent (eBPF
# sensor, SECL marker rules, on-disk shipping buffer) shipping to the real server (intake, event
# log, detection, SQLite) in one JVM, while bench/workloads/execmark runs marked /bin/true
# executions at a steady rate, open loop; reports p50/p90/p99/p99.9/max from each exec's kernel
# event to the commit of the signal that counts it, stage by stage, and every exec lost.
# About 70 s per run at the defaults (build excluded).
#
#   sudo bench/latency-bench.sh                            100 execs/s for 60 s (+5 s warm-up)
#   sudo bench/latency-bench.sh --rate 500 --seconds 60    harness options pass through (see LatencyHarness)
#   sudo bench/latency-bench.sh --linger 5                 try a shorter agent shipper linger (ms)
#
# Needs root (the sensor loads eBPF programs) and gcc. Results go to bench/results/ (not
# versioned): latency-<time>.md (the report, machine and load average included) and
# latency-<time>.log (the agent's and server's log), latency-<time>-gc.log (the JVM's GC log) and
# latency-<time>.csv (every exec's times, for a closer look at the tail).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../bin/lib.sh"
cd "$VIGIL_HOME"

if [ "$(id -u)" != 0 ]; then
  echo "latency-bench: run as root (the agent's sensor loads eBPF programs)" >&2
  exit 2
fi
command -v gcc >/dev/null || { echo "latency-bench: gcc not found (apt-get install gcc)" >&2; exit 2; }
find_jdk

if [ "${VIGIL_BENCH_BUILD:-1}" != 0 ]; then
  echo "latency-bench: building vigil-bench and the modules it needs" >&2
  ./mvnw -q -B -pl vigil-bench -am package -DskipTests
fi

results="$here/results"
mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
cp="vigil-bench/target/classes:vigil-bench/target/lib/*"
out="$results/latency-$stamp.md"

echo "latency-bench: LatencyHarness -> $out (load average now: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
# One JVM holds the agent and the server: bin/vigil's flags (serial GC, small stacks), heap capped
# at 1 GiB for the two. MetaspaceSize: without it the metaspace high-water mark triggers full GCs
# while classes are still loading, seconds into the run; a long-running agent or server is past
# them, so they would not be steady-state latency.
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xss512k -Xms256m -Xmx1g -XX:MetaspaceSize=128m \
  -Xlog:gc:file="$results/latency-$stamp-gc.log":time,uptime -cp "$cp" \
  dev.vigil.bench.LatencyHarness --workloads "$here/workloads" --out "$out" --csv "$results/latency-$stamp.csv" "$@" 2>"$results/latency-$stamp.log"
echo "latency-bench: done; report in $out, log in $results/latency-$stamp.log" >&2
