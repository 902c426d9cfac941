package dev.vigil.bench;

import dev.vigil.bench.SensorHarness.Monitor;
import dev.vigil.bench.SensorHarness.Overhead;
import dev.vigil.bench.SensorHarness.Sample;
import dev.vigil.bench.SensorHarness.Search;
import dev.vigil.bench.SensorHarness.Spread;
import dev.vigil.bench.SensorHarness.Step;
import dev.vigil.sensor.SensorConfig;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** The harness's markdown report: machine, highest zero-loss rates, every search step, overhead. */
final class Report {
    private Report() {}

    static String markdown(SensorHarness.Options o, Machine m, Audit.Probe audit, Instant started,
                           List<Search> searches, List<Overhead> overheads) {
        StringBuilder b = new StringBuilder();
        b.append("## Sensor harness results\n\n");
        b.append("- Run: ").append(started.truncatedTo(ChronoUnit.SECONDS)).append(", ")
                .append(f("zero-loss search: %d workload process(es) share each offered rate, %.0f s per rate; overhead: one process, %.0f s per run x %d rounds (order rotated)",
                        o.procs, o.stepSeconds, o.runSeconds, o.rounds))
                .append(", ring buffer ").append(SensorConfig.DEFAULT_RING_BUFFER_BYTES >> 20).append(" MiB\n");
        b.append("- Machine: ").append(m.cpus()).append(" CPUs (").append(m.cpuModel()).append("), ")
                .append(m.memMib()).append(" MiB RAM, kernel ").append(m.kernel()).append('\n');
        b.append("- JVM: ").append(m.jdk()).append(", flags `").append(String.join(" ", m.jvmFlags())).append("`\n");
        b.append("- At start: load average ").append(m.loadAverage()).append("; ").append(m.foreignSensors()).append('\n');
        b.append("- auditd: ").append(audit.audit() != null ? "running, measured with rules on the same syscalls; "
                + audit.audit().otherRules() : "NOT MEASURED: " + audit.unavailable()).append("\n\n");

        b.append("### Highest zero-loss rate (one poll thread decodes everything)\n\n");
        b.append("| workload | offered ops/s | achieved ops/s | records decoded/s | events delivered/s | lost | agent CPU (cores) | poll thread (cores) | eBPF time per op | RSS (MiB) | peak RSS (MiB) | limited by |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Search s : searches) {
            Step best = s.best();
            if (best == null) {
                b.append("| ").append(s.workload().name()).append(" | none | | | | | | | | | | ")
                        .append(s.firstFailure() == null ? "?" : s.firstFailure().verdict().text).append(" at the lowest rate |\n");
                continue;
            }
            String limit = s.firstFailure() != null
                    ? "the agent: " + s.firstFailure().verdict().text + " at " + f("%,d", s.firstFailure().offered()) + " ops/s offered"
                    : s.generatorBound()
                    ? "the workload: " + o.procs + " process(es) offered at most " + f("%,.0f", s.maxAchieved())
                      + " ops/s with the agent attached (" + f("%,d", s.steps().getLast().offered()) + " asked)"
                    : "the ladder's top rate";
            b.append(f("| %s | %,d | %,.0f | %,.0f | %,.0f | %d | %.2f | %.2f | %s | %.0f | %.0f | %s |\n",
                    s.workload().name(), best.offered(), best.run().opsPerSecond(), best.recordsPerSecond(),
                    best.eventsPerSecond(), best.lost(), best.jvmCores(), best.pollCores(),
                    best.bpfNanosPerOp() < 0 ? "n/a" : nanos(best.bpfNanosPerOp()), best.rssKib() / 1024.0,
                    s.peakRssKib() / 1024.0, limit));
        }
        b.append("\nEvery step of the search (records/s: all records the agent decoded, every process on the machine; ")
                .append("delivered/ops: the workload's own events delivered per operation; lag: from the workload's end to its last event delivered; ")
                .append("eBPF time per op: run time of the sensor's eBPF programs per workload operation (kernel.bpf_stats_enabled), charged to the workload, not the JVM; ")
                .append("other: CPU used by neither the JVM nor the workload, i.e. background noise):\n\n");
        b.append("| workload | offered ops/s | achieved ops/s | records/s | delivered/ops | lost | lag (ms) | JVM (cores) | poll thread (cores) | eBPF time per op | other (cores) | verdict |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Search s : searches) {
            for (Step st : s.steps()) {
                b.append(f("| %s | %,d | %,.0f | %,.0f | %.3f | %d | %.0f | %.2f | %.2f | %s | %.2f | %s |\n",
                        s.workload().name(), st.offered(), st.run().opsPerSecond(), st.recordsPerSecond(),
                        st.run().ops() == 0 ? 0 : (double) st.owned() / st.run().ops(), st.lost(), st.lagMillis(),
                        st.jvmCores(), st.pollCores(), st.bpfNanosPerOp() < 0 ? "n/a" : nanos(st.bpfNanosPerOp()),
                        st.otherCores(), st.verdict().text));
            }
        }

        b.append("\n### Overhead on the workload (unthrottled; median of ").append(o.rounds).append(" runs, min-max)\n\n");
        b.append("| workload | monitor | ops/s | min-max | time per op | vs no agent | workload CPU per op | monitor CPU (cores) | lost |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Overhead ov : overheads) {
            Spread base = spread(ov.samples().get(Monitor.NONE));
            for (Monitor mon : Monitor.values()) {
                List<Sample> ss = ov.samples().get(mon);
                if (ss == null) {
                    b.append("| ").append(ov.workload().name()).append(" | ").append(mon.text)
                            .append(" | not measured: ").append(ov.auditNote()).append(" | | | | | | |\n");
                    continue;
                }
                Spread sp = spread(ss);
                Spread cpuPerOp = Spread.of(ss.stream().map(x -> x.run().cpuPerOpNanos()).toList());
                Spread monCpu = Spread.of(ss.stream().map(Sample::monitorCores).toList());
                long lost = ss.stream().mapToLong(Sample::lost).sum();
                String vs = mon == Monitor.NONE ? "baseline" : f("%+.0f%%", (base.median() / sp.median() - 1) * 100);
                b.append(f("| %s | %s | %,.0f | %,.0f-%,.0f | %s | %s | %s | %s | %s |\n",
                        ov.workload().name(), mon.text, sp.median(), sp.min(), sp.max(), nanos(1e9 / sp.median()), vs,
                        nanos(cpuPerOp.median()), mon == Monitor.NONE ? "-" : f("%.2f", monCpu.median()),
                        mon == Monitor.NONE ? "-" : Long.toString(lost)));
            }
        }
        b.append("\n`vs no agent`: extra time per operation against the no-agent median (+100% = twice as slow). ")
                .append("`workload CPU per op`: user+system CPU of the workload (and its children) per operation; ")
                .append("a monitor's in-kernel work (eBPF programs, audit records) is charged here. ")
                .append("`lost`: Vigil's kernel loss counter, or auditctl's `lost`, summed over the runs.\n");
        return b.toString();
    }

    private static Spread spread(List<Sample> samples) {
        return Spread.of(samples.stream().map(s -> s.run().opsPerSecond()).toList());
    }

    private static String nanos(double ns) {
        return ns >= 10_000 ? f("%.0f us", ns / 1000) : ns >= 1000 ? f("%.1f us", ns / 1000) : f("%.0f ns", ns);
    }

    private static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }
}
