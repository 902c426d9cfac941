/**
 * Benchmarks, kept out of the product modules (see docs/benchmarks.md for the commands and results).
 *
 * <ul>
 *   <li>{@link dev.vigil.bench.SensorHarness}: the live sensor against real workloads, side by side
 *       with no agent and with auditd in one run: highest zero-loss event rate, the agent's CPU and
 *       memory at that rate, and the overhead each monitor adds to the workload. Run it through
 *       {@code bench/sensor-bench.sh}.</li>
 *   <li>{@link dev.vigil.bench.DecoderBenchmark}: JMH, ring-buffer record decoding alone (events/s
 *       and allocation per event), on records built by {@link dev.vigil.bench.Records}.</li>
 *   <li>{@link dev.vigil.bench.RuleEngineBenchmark}: JMH, SECL rule evaluation alone (events/s and
 *       allocation per event) over a recorded host event mix ({@link dev.vigil.bench.Trace}), the
 *       default policy side by side with 10, 100 and 1,000 added rules that cannot match
 *       ({@link dev.vigil.bench.SyntheticRules}); {@link dev.vigil.bench.RuleCostProfile} says which
 *       rules and which engine steps the time and allocation go to. Run both through
 *       {@code bench/rules-bench.sh}.</li>
 *   <li>{@link dev.vigil.bench.LatencyHarness}: kernel event to stored signal, the real agent shipping
 *       to the real server in one JVM under a steady open-loop rate of marked executions: exact
 *       p50-max from the sensor's timestamp to the detection commit, stage by stage, every lost
 *       execution counted ({@link dev.vigil.bench.LatencyReport}). Run it through
 *       {@code bench/latency-bench.sh}.</li>
 * </ul>
 */
package dev.vigil.bench;
