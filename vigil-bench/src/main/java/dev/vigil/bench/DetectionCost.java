package dev.vigil.bench;

import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.detect.rule.DetectionRule;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What detection costs per event where the server runs it: on an event the pipeline has just
 * decoded from the event log, so its tree is in the CPU's cache. {@link DetectionBenchmark#process}
 * cycles 14,531 pre-decoded events (about 300 MB of trees), so each event it detects on arrives
 * cold; {@link DetectionBenchmark#decodeAndProcess} is the whole cost but cannot tell decode and
 * detection apart. This harness times the two around each event ({@link System#nanoTime}, the
 * timer's own cost measured and subtracted), over the same stream, re-stamped and drained as the
 * benchmark does, and in the same run times detection on the cold pre-decoded events too:
 *
 * <ul>
 *   <li>{@code projected}: per event, decode with the engine's projection (only what the rules
 *       read, as the server's pipeline does since 2026-11-23) then re-stamp and
 *       {@link DetectionEngine#process}, each timed;
 *   <li>{@code whole}: the same with the whole event decoded ({@link LogEventJson#fromJson(byte[])}),
 *       as the pipeline did before;
 *   <li>{@code cold}: re-stamp and process the pre-decoded (projected) event, timed, as
 *       {@code process} does.
 * </ul>
 *
 * Each mode has its own engine (same rules), warmed up for {@code warmup} seconds; then the modes
 * alternate, {@code seconds} each, {@code rounds} times. Per round it prints nanoseconds per event
 * and the detection rate per core they imply (one thread; the thread's CPU time per event is
 * printed next to the timed sum as a check on the timer).
 * <pre>
 *   java -Xmx4g -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' dev.vigil.bench.DetectionCost [RULES] [SECONDS] [ROUNDS] [WARMUP]
 * </pre>
 * Defaults: 100 rules, 10 s, 3 rounds, 10 s warm-up. ({@code bench/detect-bench.sh} runs it.)
 */
public final class DetectionCost {

    private DetectionCost() {}

    /** One mode's running engine and position in the stream. */
    private static final class Run {
        final DetectionEngine engine;
        final long base;
        long seq;
        int next;
        long signals;

        Run(List<DetectionRule> rules, long base) {
            this.engine = new DetectionEngine(rules);
            this.base = base;
        }

        long time() { return base + seq / (DetectionBenchmark.EVENTS_PER_SECOND / 1000); }

        /** Counts the event; drains every {@value DetectionBenchmark#DRAIN_EVERY} events as the benchmark does. */
        void advance(int length) {
            if (++next == length) next = 0;
            if (++seq % DetectionBenchmark.DRAIN_EVERY == 0) {
                signals += engine.drainSignals(time()).size();
                engine.drainSuppressedCounts();
            }
        }
    }

    /** Totals of one timed stretch. */
    private record Totals(long events, long decodeNanos, long detectNanos, long cpuNanos) {}

    public static void main(String[] args) {
        int rules = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        long warmup = args.length > 3 ? Long.parseLong(args[3]) : 10;

        LogEvent[] normalized = BackendMix.events(DetectionBenchmark.SEED);
        byte[][] stored = BackendMix.stored(normalized);
        long bytes = 0;
        for (byte[] b : stored) bytes += b.length;
        List<DetectionRule> rs = BackendMix.rules(rules);
        long base = normalized[0].time();
        Run projected = new Run(rs, base);
        Run whole = new Run(rs, base);
        Run cold = new Run(rs, base);
        LogEvent[] decoded = BackendMix.decoded(stored, cold.engine);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long timer = timerCost();

        System.out.printf(Locale.ROOT, "# DetectionCost: %d rules, %d events in the mix (%.0f B stored on average), %d s x %d rounds after %d s warm-up; timer %d ns per read, subtracted%n",
                rules, stored.length, (double) bytes / stored.length, seconds, rounds, warmup, timer);
        time(projected, Mode.PROJECTED, stored, decoded, warmup, threads, timer);
        time(whole, Mode.WHOLE, stored, decoded, warmup, threads, timer);
        time(cold, Mode.COLD, stored, decoded, warmup, threads, timer);
        System.out.println("round  mode       events     decode ns/ev  detect ns/ev  detection events/s per core  thread CPU ns/ev  load");
        long[][] ns = new long[5][rounds]; // decode and detection of projected and whole, detection of cold
        for (int r = 1; r <= rounds; r++) {
            Totals p = time(projected, Mode.PROJECTED, stored, decoded, seconds, threads, timer);
            print(r, "projected", p);
            Totals w = time(whole, Mode.WHOLE, stored, decoded, seconds, threads, timer);
            print(r, "whole", w);
            Totals c = time(cold, Mode.COLD, stored, decoded, seconds, threads, timer);
            print(r, "cold", c);
            ns[0][r - 1] = p.decodeNanos / p.events;
            ns[1][r - 1] = p.detectNanos / p.events;
            ns[2][r - 1] = w.decodeNanos / w.events;
            ns[3][r - 1] = w.detectNanos / w.events;
            ns[4][r - 1] = c.detectNanos / c.events;
        }
        for (long[] a : ns) Arrays.sort(a);
        int m = rounds / 2;
        System.out.printf(Locale.ROOT, "# medians, ns per event: projected decode %d + detection %d (%,d events/s per core through both); whole decode %d + detection %d (%,d); cold detection %d (%,d events/s); signals drained %d / %d / %d%n",
                ns[0][m], ns[1][m], perSecond(ns[0][m] + ns[1][m]), ns[2][m], ns[3][m], perSecond(ns[2][m] + ns[3][m]),
                ns[4][m], perSecond(ns[4][m]), projected.signals, whole.signals, cold.signals);
    }

    private static long perSecond(long nanos) { return 1_000_000_000L / Math.max(1, nanos); }

    /** Where each timed event comes from. */
    private enum Mode {
        /** Decoded from its stored form with the engine's projection, as the server's pipeline does. */
        PROJECTED,
        /** Decoded whole from its stored form, as the pipeline did before projections. */
        WHOLE,
        /** Taken pre-decoded from an array: cold in memory. */
        COLD
    }

    /** Runs {@code run}'s engine for {@code seconds}, timing the decode (none for {@link Mode#COLD}) and the detection of each event apart. */
    private static Totals time(Run run, Mode mode, byte[][] stored, LogEvent[] decoded, long seconds, ThreadMXBean threads, long timer) {
        long decode = 0, detect = 0, n = 0;
        long cpu0 = threads.getCurrentThreadCpuTime();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        DetectionEngine engine = run.engine;
        do {
            for (int k = 0; k < 1000; k++) {
                long t0 = System.nanoTime();
                LogEvent e = switch (mode) {
                    case PROJECTED -> BackendMix.decode(stored[run.next], engine);
                    case WHOLE -> LogEventJson.fromJson(stored[run.next]);
                    case COLD -> decoded[run.next];
                };
                long t1 = System.nanoTime();
                engine.process(DetectionBenchmark.restamp(e, run.time()));
                run.advance(stored.length);
                long t2 = System.nanoTime();
                if (mode != Mode.COLD) decode += t1 - t0 - timer;
                detect += t2 - t1 - timer;
                n++;
            }
        } while (System.nanoTime() < end);
        return new Totals(n, decode, detect, threads.getCurrentThreadCpuTime() - cpu0);
    }

    /** The cost of one {@link System#nanoTime} read, as seen between two reads (median of many). */
    private static long timerCost() {
        long[] d = new long[1_000_001];
        for (int i = 0; i < d.length; i++) {
            long a = System.nanoTime();
            d[i] = System.nanoTime() - a;
        }
        Arrays.sort(d);
        return d[d.length / 2];
    }

    private static void print(int round, String mode, Totals t) {
        long detect = t.detectNanos / t.events;
        System.out.printf(Locale.ROOT, "%5d  %-9s  %9d  %12s  %12d  %27s  %16d  %s%n", round, mode, t.events,
                t.decodeNanos == 0 ? "-" : Long.toString(t.decodeNanos / t.events), detect,
                String.format(Locale.ROOT, "%,d", 1_000_000_000L / Math.max(1, detect)), t.cpuNanos / t.events,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
