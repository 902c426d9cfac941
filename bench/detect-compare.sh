#!/usr/bin/env bash
# DetectionBenchmark side by side: a baseline commit against the working tree, in one session,
# alternating baseline and current for each rule set and input, ROUNDS times (on a shared 2-vCPU
# machine a single pair proves little; compare the rounds). No root needed; about 4 minutes per
# round. First, both builds replay the benchmark's stream (DetectionReplay: 20 passes, 8 and 100
# rules, 100 rules with tight limits, and 100 rules both ways on decoded events) and the signals
# and rule counters they print must be identical.
#
#   bench/detect-compare.sh 3d42fa3            baseline 3d42fa3, 3 rounds
#   bench/detect-compare.sh 3d42fa3 5          5 rounds
#   VIGIL_COMPARE_INPUTS=normalized bench/detect-compare.sh 3d42fa3    one input only
#   VIGIL_COMPARE_MODE=jvm bench/detect-compare.sh 3d42fa3 2             both builds in one JVM (SideBySide):
#       ROUNDS x 8 rounds of 1.5 s alternating, thread CPU time, once in each load order (the build
#       loaded second ran 2-5% faster in some runs): compare the ratio of the two orders' medians
#
# Both builds are timed with the working tree's benchmark classes (DetectionBenchmark, BackendMix)
# on their own engine (vigil-detect and the rest of their lib/), as the replay is, so the harness
# is the same and only the engine differs. Inputs (DetectionBenchmark's @Param input):
# "normalized", the normalisers' events (what the benchmark always measured), and "decoded", the
# events decoded from the event log's form as the server's pipeline gets them: with the engine's
# projection, or whole on a baseline from before projections (8d446fa and older), so there the
# two builds differ in what they decode too. "whole" (decoded whole on both) can be named in
# VIGIL_COMPARE_INPUTS.
#
# The baseline is exported with git archive into a temporary directory and built there
# (./mvnw -o: the local repository must already hold the dependencies). Output: one line per
# run (events/s with JMH's error, bytes per event, load average), and the JMH logs in
# bench/results/compare-<time>/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../bin/lib.sh"
cd "$VIGIL_HOME"
find_jdk

base=${1:?usage: bench/detect-compare.sh BASELINE-COMMIT [ROUNDS]}
rounds=${2:-3}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$here/results/compare-$stamp"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

echo "detect-compare: building the working tree" >&2
./mvnw -o -q -B -pl vigil-bench -am package -DskipTests
mkdir -p "$work/current"
cp -r vigil-bench/target/classes vigil-bench/target/lib "$work/current/"

echo "detect-compare: building $base" >&2
mkdir -p "$work/src"
git archive "$base" | tar -x -C "$work/src"
(cd "$work/src" && ./mvnw -o -q -B -pl vigil-bench -am package -DskipTests)
mkdir -p "$work/baseline"
cp -r "$work/src/vigil-bench/target/classes" "$work/src/vigil-bench/target/lib" "$work/baseline/"

echo "detect-compare: replaying the stream through both builds" >&2
for run in "8 20" "100 20" "100 20 tight" "100 20 decoded" "100 20 tight decoded"; do
  name=$(echo "$run" | tr ' ' '-')
  # the current DetectionReplay (and stream) on each build's engine
  for v in baseline current; do
    "$JAVA_HOME/bin/java" -Xmx2g -cp "$work/current/classes:$work/$v/lib/*" dev.vigil.bench.DetectionReplay $run > "$out/replay-$name-$v.txt"
  done
  if cmp -s "$out/replay-$name-baseline.txt" "$out/replay-$name-current.txt"; then
    echo "replay $run: identical ($(grep -c '^{' "$out/replay-$name-current.txt") signal updates)" | tee -a "$out/replay.txt"
  else
    echo "replay $run: DIFFERENT (diff $out/replay-$name-baseline.txt $out/replay-$name-current.txt)" | tee -a "$out/replay.txt"
  fi
done

{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -r), $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1))"
  echo "# $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p); baseline $(git rev-parse --short "$base"), current $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes')"
  echo "# JMH: DetectionBenchmark.process -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc (the working tree's benchmark classes on each build's engine)"
  cat "$out/replay.txt"
} | tee "$out/summary.txt"
inputs=${VIGIL_COMPARE_INPUTS:-normalized decoded}
if [ "${VIGIL_COMPARE_MODE:-jmh}" = jvm ]; then
  for input in $inputs; do
    for rules in 8 100; do
      echo "## SideBySide, input=$input, rules=$rules (both load orders: the build loaded second tends to run a few % faster)" | tee -a "$out/summary.txt"
      for order in "baseline current" "current baseline"; do
        set -- $order
        "$JAVA_HOME/bin/java" -Xmx6g -cp "$work/current/classes:$work/current/lib/*" dev.vigil.bench.SideBySide \
          "$rules" "$input" $((rounds * 8)) 1500 "$work/$1/lib" "$work/$2/lib" 2>/dev/null | grep 'events per CPU second' \
          | tee -a "$out/summary.txt"
      done
    done
  done
  exit 0
fi
for r in $(seq "$rounds"); do
  for input in $inputs; do
    for rules in 8 100; do
      for v in baseline current; do
        log="$out/round$r-$input-rules$rules-$v.txt"
        "$JAVA_HOME/bin/java" -cp "$work/current/classes:$work/$v/lib/*" org.openjdk.jmh.Main 'DetectionBenchmark.process$' \
          -p rules=$rules -p input=$input -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc > "$log" 2>&1
        score=$(awk -v r=$rules '$1 == "DetectionBenchmark.process" && $3 == r {print $6, $7, $8}' "$log")
        norm=$(awk -v r=$rules '$1 == "DetectionBenchmark.process:gc.alloc.rate.norm" && $3 == r {print $6}' "$log")
        printf 'round %d  %-10s  rules %3d  %-8s  %s events/s  %s B/event  load %s\n' "$r" "$input" "$rules" "$v" "$score" "$norm" \
          "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/summary.txt"
      done
    done
  done
done
echo "detect-compare: done; $out/summary.txt" >&2
