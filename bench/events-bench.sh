#!/usr/bin/env bash
# Reproduces "Console: events explorer" in docs/benchmarks.md: EventIndexHarness loads N events
# (10 million by default; a realistic agent/sshd/JSON mix over 7 days) into the server's event
# index, times EventSearch for typical queries over 24 h and 7 d, then starts a real server on that
# index and times the console's pages over HTTP. No root needed. Needs about 6 GB of disk per
# 10 million events; the load takes about an hour on a busy 2-core machine.
#
#   bench/events-bench.sh                       10 million events, then search and pages
#   bench/events-bench.sh 1000000               another size
#   VIGIL_BENCH_REUSE=1 bench/events-bench.sh   search the index an earlier run loaded
#   VIGIL_BENCH_DIR=/data/x bench/events-bench.sh   where the index goes (default /tmp/vigil-event-index-bench)
#
# Results go to bench/results/ (not versioned): events-<time>.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../bin/lib.sh"
cd "$VIGIL_HOME"
find_jdk

echo "events-bench: building vigil-bench and the modules it needs" >&2
./mvnw -q -B -pl vigil-bench -am package -DskipTests

results="$here/results"
mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
n=${1:-10000000}
dir=${VIGIL_BENCH_DIR:-/tmp/vigil-event-index-bench}
reuse=""
if [ "${VIGIL_BENCH_REUSE:-0}" = 1 ]; then reuse=reuse; else rm -rf "$dir"; fi
mkdir -p "$dir"
echo "events-bench: EventIndexHarness $n events in $dir -> $results/events-$stamp.md" >&2
"$JAVA_HOME/bin/java" -Xmx3g -cp "vigil-bench/target/classes:vigil-bench/target/lib/*" \
  dev.vigil.bench.EventIndexHarness "$n" "$dir" ${reuse:-load} pages 2>"$results/events-$stamp.log" | tee "$results/events-$stamp.md"
echo "events-bench: done; results in $results/events-$stamp.md" >&2
