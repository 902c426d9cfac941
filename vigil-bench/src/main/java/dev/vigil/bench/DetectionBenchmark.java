package dev.vigil.bench;

import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.signal.Signal;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Backend detection alone: {@link DetectionEngine#process} over pre-normalised events
 * ({@link BackendMix}: ~60% agent events from the recorded trace, ~30% sshd auth lines, ~10% JSON
 * logs), in events per second on one thread, with allocation per event under {@code -prof gc}.
 *
 * <p>{@code @Param rules} puts the rule sets side by side in one run: the 8 shipped default rules
 * alone ({@code 8}), and 100 mixed rules ({@code 100}: the defaults plus 92 generated rules of every
 * method, see {@link BackendMix#rules}).
 *
 * <p>{@code @Param input} says what the events are: {@code normalized}, the normalisers' own
 * events (all this benchmark measured until 2026-11-23); {@code decoded}, each stored in the
 * event log's form and decoded as the server's detection pipeline decodes every event it detects
 * on: with the engine's projection, only the attributes its rules read (since 2026-11-23);
 * {@code whole}, decoded whole ({@link dev.vigil.detect.event.LogEventJson#fromJson(byte[])}),
 * as the pipeline did before. Either way the decode is done in setup, outside the measured loop,
 * and the 14,531 events are far too many to stay in cache (about 300 MB of whole trees): each
 * arrives cold, where the server detects on an event it has just decoded.
 * {@link #decodeAndProcess} puts the decode in the loop, for the whole cost per event.
 *
 * <p>The events are normalised once per trial into an array. Each invocation processes the next
 * {@value #BATCH} events, wrapping around; every event is re-stamped with a time that only grows
 * ({@value #EVENTS_PER_SECOND} events per second of event time, so windows slide, groups expire and
 * signals close as in a live stream). Re-stamping is a new {@link LogEvent} per event (the record is
 * immutable), sharing the attributes: the pipeline makes a new event per record anyway (it decodes
 * each from the event log), and {@link #restampOnly} measures that part alone so it can be told
 * apart. Every {@value #DRAIN_EVERY} events the signals and suppression counts are drained, as the
 * pipeline does at each commit. One operation is one event: ops/s is events/s and
 * {@code gc.alloc.rate.norm} is bytes per event. Setup prints, per rule set, the mix and what one
 * few passes of it detect: signals, and per method the rules that matched and fired.
 *
 * <pre>
 *   java -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' org.openjdk.jmh.Main 'DetectionBenchmark.process$' \
 *        -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc
 *   java -cp ... org.openjdk.jmh.Main DetectionBenchmark.decodeAndProcess -p input=decoded -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc
 * </pre>
 * ({@code bench/detect-bench.sh} builds and runs this and keeps the results.)
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DetectionBenchmark {

    /** Events per benchmark invocation: large enough to amortise the harness, small next to the mix. */
    static final int BATCH = 1000;
    /** Event-time rate of the replayed stream: an event every 0.2 ms. */
    static final int EVENTS_PER_SECOND = 5_000;
    /** Signals are drained every this many events, as the pipeline drains them at each commit. */
    static final int DRAIN_EVERY = 10_000;
    /** Seed of the generated sshd and JSON lines and of the interleaving. */
    static final long SEED = 42;

    /** The number of rules: {@code 8} (the defaults) or more (defaults plus generated rules). */
    @Param({"8", "100"})
    public int rules;

    /**
     * The events' form: {@code normalized}, as the normalisers make them (what this benchmark
     * measured before 2026-11-23); {@code decoded}, stored in the event log's form and decoded
     * with the engine's projection ({@link dev.vigil.detect.event.LogEventJson#fromJson(byte[], dev.vigil.detect.event.AttributeProjection)}:
     * only what the rules read), as the server's detection pipeline gets every event;
     * {@code whole}, decoded whole, as the pipeline did before projections. Either way they are
     * made in setup and held in an array, not in the measured loop; {@link #decodeAndProcess}
     * puts the decode in it.
     */
    @Param({"normalized", "decoded", "whole"})
    public String input;

    private LogEvent[] events;
    private byte[][] stored;
    /** {@code input} is {@code whole}: decoded whole, not with the projection (decided once, not per event). */
    private boolean whole;
    private DetectionEngine engine;
    private long base;
    private long seq;
    private int next;
    private long signals;
    private long sink;

    @Setup
    public void setUp() {
        events = BackendMix.events(SEED);
        List<DetectionRule> rs = BackendMix.rules(rules);
        engine = new DetectionEngine(rs);
        whole = input.equals("whole");
        switch (input) {
            case "normalized" -> {}
            case "decoded" -> events = BackendMix.decoded(stored = BackendMix.stored(events), engine);
            case "whole" -> events = BackendMix.decoded(stored = BackendMix.stored(events));
            default -> throw new IllegalArgumentException("input: normalized, decoded or whole, not " + input);
        }
        base = events[0].time();
        System.out.println(describe(rs, events));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long process() {
        LogEvent[] es = events;
        DetectionEngine en = engine;
        int i = next;
        long s = seq;
        for (int n = 0; n < BATCH; n++) {
            en.process(restamp(es[i], base + s / (EVENTS_PER_SECOND / 1000)));
            if (++i == es.length) i = 0;
            if (++s % DRAIN_EVERY == 0) drain(en, base + s / (EVENTS_PER_SECOND / 1000));
        }
        next = i;
        seq = s;
        return signals;
    }

    /**
     * Decode and detection: each event decoded from its stored form ({@code LogEventJson.fromJson},
     * as the pipeline reads the event log), then re-stamped and processed as in {@link #process}.
     * The events' trees are made in the measured loop and so are in cache when detection reads
     * them, as in the server. Needs {@code -p input=decoded} (with the projection) or {@code whole}.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long decodeAndProcess() {
        byte[][] bs = stored;
        if (bs == null) throw new IllegalStateException("decodeAndProcess runs with -p input=decoded or whole");
        DetectionEngine en = engine;
        int i = next;
        long s = seq;
        for (int n = 0; n < BATCH; n++) {
            en.process(restamp(decode(bs[i]), base + s / (EVENTS_PER_SECOND / 1000)));
            if (++i == bs.length) i = 0;
            if (++s % DRAIN_EVERY == 0) drain(en, base + s / (EVENTS_PER_SECOND / 1000));
        }
        next = i;
        seq = s;
        return signals;
    }

    /**
     * The decode and re-stamp of {@link #decodeAndProcess} without detection: the difference of
     * the two is what detection costs on an event just decoded (in cache), as in the server's
     * pipeline. Needs {@code -p input=decoded} or {@code whole}; with {@code decoded} the rule set
     * decides what is decoded.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long decodeOnly() {
        byte[][] bs = stored;
        if (bs == null) throw new IllegalStateException("decodeOnly runs with -p input=decoded or whole");
        int i = next;
        long s = seq;
        long acc = 0;
        for (int n = 0; n < BATCH; n++) {
            LogEvent e = restamp(decode(bs[i]), base + s / (EVENTS_PER_SECOND / 1000));
            acc += e.time() + e.attributes().size();
            if (++i == bs.length) i = 0;
            s++;
        }
        next = i;
        seq = s;
        sink += acc;
        return sink;
    }

    /** One stored event decoded as {@link #input} says: with the engine's projection, or whole. */
    private LogEvent decode(byte[] json) {
        return whole ? dev.vigil.detect.event.LogEventJson.fromJson(json) : BackendMix.decode(json, engine);
    }

    /** The re-stamping alone (a new event per event), to tell the harness's share of time and allocation apart. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long restampOnly() {
        LogEvent[] es = events;
        int i = next;
        long s = seq;
        long acc = 0;
        for (int n = 0; n < BATCH; n++) {
            LogEvent e = restamp(es[i], base + s / (EVENTS_PER_SECOND / 1000));
            acc += e.time() + e.source().length();
            if (++i == es.length) i = 0;
            s++;
        }
        next = i;
        seq = s;
        sink += acc;
        return sink;
    }

    @TearDown
    public void tearDown() {
        DetectionEngine.Stats st = engine.stats();
        System.out.printf(Locale.ROOT, "%n# after the trial: %d events, %d late, %d signals created, %d open, %d evicted, %d signal updates drained%n",
                st.events(), st.lateEvents(), st.signalsCreated(), st.openSignals(), st.signalsEvicted(), signals);
    }

    private void drain(DetectionEngine en, long now) {
        List<Signal> out = en.drainSignals(now);
        signals += out.size();
        en.drainSuppressedCounts();
    }

    static LogEvent restamp(LogEvent e, long time) {
        return new LogEvent(e.id(), time, e.host(), e.source(), e.service(), e.status(), e.message(), e.tags(), e.attributes());
    }

    /** The mix by source, and one pass through a fresh engine: rules that matched and fired, groups held. */
    static String describe(List<DetectionRule> rs, LogEvent[] events) {
        Map<String, Integer> sources = new TreeMap<>();
        for (LogEvent e : events) sources.merge(e.source(), 1, Integer::sum);
        DetectionEngine fresh = new DetectionEngine(rs);
        long base = events[0].time();
        long signals = 0;
        int passes = 3;
        for (long s = 0; s < (long) passes * events.length; s++) {
            fresh.process(restamp(events[(int) (s % events.length)], base + s / (EVENTS_PER_SECOND / 1000)));
            if ((s + 1) % DRAIN_EVERY == 0) signals += fresh.drainSignals(base + s / (EVENTS_PER_SECOND / 1000)).size();
        }
        Map<dev.vigil.detect.rule.Method, int[]> byMethod = new EnumMap<>(dev.vigil.detect.rule.Method.class);
        StringBuilder fired = new StringBuilder();
        List<DetectionEngine.Compiled> cs = fresh.rules().values().stream()
                .sorted(Comparator.comparingLong((DetectionEngine.Compiled c) -> c.stats().detections.sum()).reversed()).toList();
        for (DetectionEngine.Compiled c : cs) {
            int[] m = byMethod.computeIfAbsent(c.rule().method(), k -> new int[3]);
            m[0]++;
            if (c.stats().matchedEvents.sum() > 0) m[1]++;
            if (c.stats().detections.sum() > 0) {
                m[2]++;
                if (!c.rule().id().startsWith("bench-")) fired.append(' ').append(c.rule().id()).append('=').append(c.stats().detections.sum());
            }
        }
        DetectionEngine.Stats st = fresh.stats();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n# rules %d; mix %d events by source %s%n", rs.size(), events.length, sources));
        b.append(String.format(Locale.ROOT, "# %d passes (%d s of event time): %d signals created, %d signal updates, %d late events;"
                        + " per method [rules, matched any event, fired]: %s%n# default rules that fired:%s",
                passes, (long) passes * events.length / EVENTS_PER_SECOND, st.signalsCreated(), signals, st.lateEvents(),
                byMethod.entrySet().stream().map(e -> e.getKey() + "=" + java.util.Arrays.toString(e.getValue())).toList(), fired));
        return b.toString();
    }
}
