package dev.vigil.bench;

import dev.vigil.bench.LatencyHarness.Exec;
import dev.vigil.bench.LatencyHarness.Run;

import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/** {@link LatencyHarness}'s markdown report: set-up, machine, the end-to-end percentiles, stages, accounting. */
final class LatencyReport {
    private LatencyReport() {}

    /** Exact percentiles (nearest rank) of a set of durations in ns. */
    record Dist(int n, long p50, long p90, long p99, long p999, long max, double mean) {
        static Dist of(long[] values) {
            long[] v = values.clone();
            Arrays.sort(v);
            if (v.length == 0) return new Dist(0, 0, 0, 0, 0, 0, 0);
            double sum = 0;
            for (long x : v) sum += x;
            return new Dist(v.length, rank(v, 0.50), rank(v, 0.90), rank(v, 0.99), rank(v, 0.999), v[v.length - 1], sum / v.length);
        }

        private static long rank(long[] sorted, double p) {
            int i = (int) Math.ceil(p * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }
    }

    /** The durations {@code to - from} of the executions that have both times. */
    static long[] between(List<Exec> execs, ToLongFunction<Exec> from, ToLongFunction<Exec> to) {
        return execs.stream().filter(e -> from.applyAsLong(e) != 0 && to.applyAsLong(e) != 0)
                .mapToLong(e -> to.applyAsLong(e) - from.applyAsLong(e)).toArray();
    }

    static String markdown(Machine m, Run r, Dist fsyncBefore, Dist fsyncAfter) {
        LatencyHarness.Options o = r.options();
        List<Exec> all = r.execs();
        List<Exec> ms = r.measured();
        StringBuilder b = new StringBuilder();
        b.append("## Kernel event to stored signal latency\n\n");
        b.append("- Run: ").append(r.started().truncatedTo(ChronoUnit.SECONDS)).append(f(", %s marked execs/s offered for %.0f s after %.0f s of warm-up (not counted), open loop",
                LatencyHarness.fmt(o.rate), o.seconds, o.warmup)).append(f(" (`execmark`: `posix_spawn` of `/bin/true <marker>`); the driver achieved %.0f execs/s (%,d execs)\n",
                r.driverOpsPerSecond(), r.driverOps()));
        b.append("- Path, in one JVM: the real `Agent` (eBPF sensor, poll timeout ").append(r.sensorConfig().pollTimeout().toMillis())
                .append(f(" ms; %d marker rules, at most %d alerts/s each) shipping alerts through its on-disk buffer (durability %s, linger %d ms, batches of at most %d lines, gzip) over HTTP to the real `VigilServer` (fsync'd event log, built-in rules, %s store, commit interval %d ms)\n",
                        o.rules, LatencyHarness.ALERTS_PER_RULE, r.tuning().durability(), r.tuning().linger().toMillis(), r.tuning().batchMaxLines(),
                        r.server().store().dialect(), r.server().commitInterval().toMillis()));
        b.append("- Machine: ").append(m.cpus()).append(" CPUs (").append(m.cpuModel()).append("), ")
                .append(m.memMib()).append(" MiB RAM, kernel ").append(m.kernel()).append('\n');
        b.append("- JVM: ").append(m.jdk()).append(", flags `").append(String.join(" ", m.jvmFlags())).append("`\n");
        b.append("- Load average: at start ").append(m.loadAverage()).append("; at end ").append(r.loadAtEnd())
                .append("; ").append(m.foreignSensors()).append('\n');
        b.append("- Data (server data directory, agent state and buffer): ").append(r.dataDir()).append('\n');
        b.append(f("- Disk: a 4 KiB append + fdatasync in the data directory's file system took p50 %s, p99 %s, max %s before the run; p50 %s, p99 %s, max %s after (%d each)\n",
                ms(fsyncBefore.p50()), ms(fsyncBefore.p99()), ms(fsyncBefore.max()), ms(fsyncAfter.p50()), ms(fsyncAfter.p99()), ms(fsyncAfter.max()),
                fsyncBefore.n()));
        b.append(f("- Clock: wall clock against CLOCK_MONOTONIC moved %+d us over the run (the sensor re-reads its offset every second)\n\n",
                r.clockDriftNanos() / 1000));

        long notCommitted = ms.stream().filter(e -> e.committed() == 0).count();
        Dist total = Dist.of(between(ms, Exec::kernel, Exec::committed));
        b.append("### Kernel event to committed signal\n\n");
        b.append("| execs measured | p50 | p90 | p99 | p99.9 | max | mean | not committed |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        b.append(f("| %,d | %s | %s | %s | %s | %s | %s | %d |\n\n", ms.size(), ms(total.p50()), ms(total.p90()), ms(total.p99()),
                ms(total.p999()), ms(total.max()), ms((long) total.mean()), notCommitted));

        b.append("### Stages\n\n");
        b.append("| stage | execs | p50 | p90 | p99 | p99.9 | max | mean | timed by |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        stage(b, "kernel event -> agent rule match", between(ms, Exec::kernel, Exec::matched), "exact (sensor timestamp, alert sink)");
        stage(b, "rule match -> in agent buffer (fsync'd)", between(ms, Exec::matched, Exec::buffered), "1 ms poll of the shipper's written lines");
        stage(b, "agent buffer -> accepted by server (event log fsync'd)", between(ms, Exec::buffered, Exec::accepted), "1 ms poll of the intake's accepted events; includes the linger");
        stage(b, "accepted -> signal committed", between(ms, Exec::accepted, Exec::committed), "1 ms poll, then the commit listener");
        stage(b, "**kernel event -> signal committed**", between(ms, Exec::kernel, Exec::committed), "exact (sensor timestamp, commit listener)");
        stage(b, "exec started -> kernel event (cross-check)", between(ms, Exec::before, Exec::kernel), "driver's clock before `posix_spawn`; should be well under 1 ms");
        stage(b, "scheduled -> signal committed", between(ms, Exec::due, Exec::committed), "includes the driver's own lateness (coordinated-omission check)");
        stage(b, "driver lateness (scheduled -> exec started)", between(ms, Exec::due, Exec::before), "the load generator, not Vigil");
        b.append('\n');

        long sawAlert = ms.stream().filter(e -> e.kernel() != 0).count();
        b.append("### Accounting\n\n");
        b.append("| | count |\n|---|---:|\n");
        b.append(f("| execs run (warm-up included) | %,d |\n", all.size()));
        b.append(f("| execs measured | %,d |\n", ms.size()));
        b.append(f("| measured execs the agent alerted on | %,d |\n", sawAlert));
        b.append(f("| measured execs with no alert (lost before the rules) | %,d |\n", ms.size() - sawAlert));
        b.append(f("| measured execs alerted on but never committed to a signal | %,d |\n", sawAlert - ms.stream().filter(e -> e.kernel() != 0 && e.committed() != 0).count()));
        b.append(f("| alerts rate-limited by the agent (marker rules, whole run) | %,d |\n", r.rateLimited()));
        b.append(f("| duplicate alerts / alerts of other rules | %,d / %,d |\n", r.duplicateAlerts(), r.foreignAlerts()));
        b.append(f("| signal updates whose latest sample was not the expected exec | %,d |\n", r.sampleMismatches()));
        b.append(f("| signal counts beyond the alerts raised | %,d |\n", r.overCounted()));
        b.append(f("| sensor: kernel records lost during the run | %,d |\n", r.sensorLost()));
        var sh = r.shipper();
        b.append(f("| shipper: dropped / rejected / encode errors / retries | %,d / %,d / %,d / %,d |\n", sh.dropped(), sh.rejectedRecords(),
                r.encodeErrors(), sh.retries()));
        b.append(f("| shipper: batches sent (lines per batch) | %,d (%.1f) |\n", sh.sentBatches(),
                sh.sentBatches() == 0 ? 0.0 : (double) sh.sentRecords() / sh.sentBatches()));
        b.append(f("| detection commits seen / marker-signal updates in them | %,d / %,d |\n\n", r.commits(), r.signalUpdates()));

        b.append("### Over time (by scheduled time, measured execs)\n\n");
        b.append("| seconds | execs | p50 | p99 | max | not committed |\n|---|---:|---:|---:|---:|---:|\n");
        if (!ms.isEmpty()) {
            long start = ms.getFirst().due();
            long windows = (ms.getLast().due() - start) / LatencyHarness.WINDOW_NANOS + 1;
            for (long w = 0; w < windows; w++) {
                long lo = start + w * LatencyHarness.WINDOW_NANOS, hi = lo + LatencyHarness.WINDOW_NANOS;
                List<Exec> in = ms.stream().filter(e -> e.due() >= lo && e.due() < hi).toList();
                Dist d = Dist.of(between(in, Exec::kernel, Exec::committed));
                b.append(f("| %d-%d | %,d | %s | %s | %s | %d |\n", w * 10, (w + 1) * 10, in.size(), ms(d.p50()), ms(d.p99()), ms(d.max()),
                        in.stream().filter(e -> e.committed() == 0).count()));
            }
        }
        b.append('\n');

        b.append("### Resources\n\n");
        b.append(f("- CPU while loaded (%d CPUs): the JVM (agent + server + harness) %.2f cores; the whole machine %.2f cores busy, so %.2f cores went to "
                        + "everything else: the driver and its /bin/true children, the kernel's share of the execs, and other work on the machine\n",
                m.cpus(), (double) r.processCpuNanos() / r.wallNanos(), (double) r.machineBusyNanos() / r.wallNanos(),
                (double) (r.machineBusyNanos() - r.processCpuNanos()) / r.wallNanos()));
        b.append(f("- GC during the run: %d pauses, %.0f ms in all, longest %.0f ms (ms resolution)\n", r.gc().count(),
                r.gc().totalNanos() / 1e6, r.gc().maxNanos() / 1e6));
        b.append("- Sensor: ").append(f("%,d events, %,d records", r.sensor().events(), r.sensor().records())).append('\n');
        b.append("- Server stats at the end: `").append(r.serverStats()).append("`\n");
        return b.toString();
    }

    private static void stage(StringBuilder b, String name, long[] values, String how) {
        Dist d = Dist.of(values);
        b.append(f("| %s | %,d | %s | %s | %s | %s | %s | %s | %s |\n", name, d.n(), ms(d.p50()), ms(d.p90()), ms(d.p99()), ms(d.p999()),
                ms(d.max()), ms((long) d.mean()), how));
    }

    static String ms(long nanos) {
        double v = nanos / 1e6;
        return Math.abs(v) < 10 ? f("%.2f ms", v) : f("%.1f ms", v);
    }

    private static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }
}
