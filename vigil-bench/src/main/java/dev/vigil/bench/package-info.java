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
 * </ul>
 */
package dev.vigil.bench;
