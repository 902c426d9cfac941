#!/usr/bin/env bash
# Reproduces docs/benchmarks.md: the sensor harness (highest zero-loss event rate, the agent's CPU
# and memory at that rate, overhead against no agent and against auditd, side by side in one run)
# then the JMH decoder benchmark. About 4 minutes on a 2-core machine (build excluded).
#
#   sudo bench/sensor-bench.sh                      everything
#   sudo bench/sensor-bench.sh --only open          harness options pass through (see SensorHarness)
#   VIGIL_BENCH_JMH=0 sudo bench/sensor-bench.sh    skip the JMH benchmark
#
# Needs root (eBPF programs, audit rules), gcc, and Debian's auditd, which it installs and starts if
# needed. Results go to bench/results/ (not versioned): sensor-<time>.md, decoder-<time>.txt/.json.
# The harness removes the audit rules it adds, even when it fails; auditd is left running.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../bin/lib.sh"
cd "$VIGIL_HOME"

if [ "$(id -u)" != 0 ]; then
  echo "sensor-bench: run as root (the sensor loads eBPF programs; audit rules need root too)" >&2
  exit 2
fi
command -v gcc >/dev/null || { echo "sensor-bench: gcc not found (apt-get install gcc)" >&2; exit 2; }
find_jdk

echo "sensor-bench: building vigil-bench and the modules it needs" >&2
./mvnw -q -pl vigil-bench -am package -DskipTests

# auditd, the rival: installed and running (there is no systemd on these machines: use the init
# script, else start the daemon directly). Without it the harness still runs and says why auditd
# was not measured.
if ! command -v auditctl >/dev/null; then
  echo "sensor-bench: installing auditd" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq auditd >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq auditd >/dev/null; } \
    || echo "sensor-bench: could not install auditd; the harness will report it unmeasured" >&2
fi
audit_pid() { auditctl -s 2>/dev/null | awk '$1 == "pid" { print $2 }'; }
if command -v auditctl >/dev/null && [ "$(audit_pid)" = 0 -o -z "$(audit_pid)" ]; then
  echo "sensor-bench: starting auditd" >&2
  service auditd start >/dev/null 2>&1 || auditd || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ -n "$(audit_pid)" ] && [ "$(audit_pid)" != 0 ] && break
    sleep 0.5
  done
fi

results="$here/results"
mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
cp="vigil-bench/target/classes:vigil-bench/target/lib/*"

echo "sensor-bench: sensor harness -> $results/sensor-$stamp.md" >&2
# The agent's JVM: bin/vigil's flags (serial GC, small stacks) with the heap capped at 256 MiB, as an
# agent would run; RSS in the report is mostly this heap.
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xss512k -Xms32m -Xmx256m -cp "$cp" \
  dev.vigil.bench.SensorHarness --workloads "$here/workloads" --out "$results/sensor-$stamp.md" "$@"

if [ "${VIGIL_BENCH_JMH:-1}" != 0 ]; then
  echo "sensor-bench: JMH DecoderBenchmark -> $results/decoder-$stamp.txt" >&2
  "$JAVA_HOME/bin/java" -cp "$cp" org.openjdk.jmh.Main DecoderBenchmark \
    -f 1 -wi 3 -w 1s -i 5 -r 2s -prof gc -rf json -rff "$results/decoder-$stamp.json" \
    | tee "$results/decoder-$stamp.txt" | sed -n '/^Benchmark /,$p'
fi
echo "sensor-bench: done; results in $results" >&2
