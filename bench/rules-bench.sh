#!/usr/bin/env bash
# Reproduces the "Rules (SECL evaluation)" section of docs/benchmarks.md: JMH RuleEngineBenchmark
# (events/s on one thread over a recorded host event mix, for the default policy alone and with 10,
# 100 and 1,000 rules that cannot match; allocation per event with -prof gc), then RuleCostProfile
# (where the time and allocation go, rule by rule and per event type). About 3 minutes on a 2-core
# machine (build excluded). No root needed: nothing touches the kernel.
#
#   bench/rules-bench.sh                               everything
#   bench/rules-bench.sh -p policy=default             JMH options pass through (after the defaults)
#   VIGIL_BENCH_PROFILE=0 bench/rules-bench.sh         skip RuleCostProfile
#
# Results go to bench/results/ (not versioned): rules-<time>.txt/.json (JMH), rules-profile-<time>.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../bin/lib.sh"
cd "$VIGIL_HOME"
find_jdk

echo "rules-bench: building vigil-bench and the modules it needs" >&2
./mvnw -q -B -pl vigil-bench -am package -DskipTests

results="$here/results"
mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
cp="vigil-bench/target/classes:vigil-bench/target/lib/*"

{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -r), $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p)"
} > "$results/rules-$stamp.txt"

echo "rules-bench: JMH RuleEngineBenchmark -> $results/rules-$stamp.txt" >&2
"$JAVA_HOME/bin/java" -cp "$cp" org.openjdk.jmh.Main RuleEngineBenchmark \
  -f 1 -wi 5 -w 2s -i 5 -r 2s -prof gc -rf json -rff "$results/rules-$stamp.json" "$@" \
  | tee -a "$results/rules-$stamp.txt" | sed -n -e '/^# policy/p' -e '/^# one pass/p' -e '/^Benchmark /,$p'

if [ "${VIGIL_BENCH_PROFILE:-1}" != 0 ]; then
  echo "rules-bench: RuleCostProfile -> $results/rules-profile-$stamp.txt" >&2
  for n in 0 10 1000; do
    "$JAVA_HOME/bin/java" -cp "$cp" dev.vigil.bench.RuleCostProfile "$n" 15
    echo
  done | tee "$results/rules-profile-$stamp.txt"
fi
echo "rules-bench: done; results in $results" >&2
