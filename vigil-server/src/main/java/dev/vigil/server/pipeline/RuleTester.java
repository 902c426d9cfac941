package dev.vigil.server.pipeline;

import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.engine.RuleStats;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.suppression.Suppression;
import dev.vigil.journal.Journal;
import dev.vigil.journal.JournalReader;
import dev.vigil.journal.JournalRecord;
import dev.vigil.server.intake.CommittedBatches;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs one rule, as written (saved or not, enabled or not), over a time range of the event log,
 * offline: a fresh {@link DetectionEngine} holding only that rule reads the log with a reader of
 * its own, so live detection's state, counters and the signal store are never touched. The
 * signals it would have raised are returned, not stored.
 *
 * <p>Reading starts at the oldest event log segment written since the range began (older
 * segments are skipped unread) and takes the events whose event time is in the range, batch by
 * batch as detection does (only batches whose commit marker was written). It stops at the log's
 * end as it was when the test started, or at a bound: events read, or time spent; the result
 * says which bound stopped it. At most {@link #MAX_CONCURRENT} tests run at once.
 */
public final class RuleTester {

    /** Tests running at once; more wait briefly, then get {@link Busy}. */
    public static final int MAX_CONCURRENT = 2;
    /** Signals kept with their details; beyond this only their number is known. */
    static final int MAX_KEPT = 10_000;
    /** Events appended a little before the range may carry times inside it (clock skew): start that much earlier. */
    private static final long SKEW_MS = 60_000;

    /**
     * @param maxEvents     events read from the log at most (in the range or not)
     * @param maxTime       time spent at most
     * @param maxSignals    signals returned at most (the ones with the most events first)
     */
    public record Limits(long maxEvents, Duration maxTime, int maxSignals) {
        public static final Limits DEFAULT = new Limits(2_000_000, Duration.ofSeconds(20), 100);
        /** What a caller may ask for at most. */
        public static final Limits CEILING = new Limits(20_000_000, Duration.ofSeconds(120), 1_000);

        public Limits {
            if (maxEvents < 1) throw new IllegalArgumentException("max events must be at least 1");
            if (maxTime.isNegative() || maxTime.isZero()) throw new IllegalArgumentException("max time must be positive");
            if (maxSignals < 0) throw new IllegalArgumentException("max signals must not be negative");
        }

        /** These limits, each lowered to the ceiling's. */
        public Limits capped() {
            return new Limits(Math.min(maxEvents, CEILING.maxEvents), maxTime.compareTo(CEILING.maxTime) > 0 ? CEILING.maxTime : maxTime,
                    Math.min(maxSignals, CEILING.maxSignals));
        }
    }

    /** Which bound stopped a test before the end of the range. */
    public enum Bound {
        MAX_EVENTS("max_events"), MAX_TIME("max_time");

        private final String id;

        Bound(String id) { this.id = id; }

        public String id() { return id; }
    }

    /** What a test would have raised: one signal, summarised. */
    public record TestSignal(String title, Severity severity, long count, Map<String, String> groupBy, long firstSeen, long lastSeen,
                             List<String> hosts) {}

    /**
     * @param scannedEvents   events read from the log
     * @param testedEvents    of those, the ones whose time is in the range: what the rule saw
     * @param matchedEvents   events that matched one of the rule's queries
     * @param detections      times a case fired (before suppressions)
     * @param suppressed      detections dropped by the live suppressions
     * @param lateEvents      events too late for the rule's windows
     * @param signalsTotal    signals it would have raised
     * @param signals         the first {@code maxSignals} of them, most events first
     * @param bound           what stopped the test early, or null when it covered the whole range
     * @param earliestEvent   when the log was read from its very start and its oldest event is younger than the
     *                        range's start, that event's time: earlier events are gone (retention); else null
     */
    public record Result(String ruleId, long from, long to, long scannedEvents, long testedEvents, long matchedEvents,
                         long detections, long suppressed, long lateEvents, int signalsTotal, List<TestSignal> signals,
                         long elapsedMillis, Bound bound, Long earliestEvent) {}

    /** Too many tests are running: try again shortly. */
    public static final class Busy extends RuntimeException {
        Busy() {
            super(MAX_CONCURRENT + " rule tests are already running: try again in a moment");
        }
    }

    private final Journal log;
    private final Supplier<List<Suppression>> suppressions;
    private final Clock clock;
    private final Semaphore running = new Semaphore(MAX_CONCURRENT);

    /**
     * @param suppressions the live suppressions, read at the start of each test (a test applies them as detection would)
     */
    public RuleTester(Journal log, Supplier<List<Suppression>> suppressions, Clock clock) {
        this.log = log;
        this.suppressions = suppressions;
        this.clock = clock;
    }

    /**
     * Runs {@code rule} over the events whose time is in [{@code from}, {@code to}] (epoch ms).
     *
     * @throws Busy if {@link #MAX_CONCURRENT} tests are running and none ends within a few seconds
     */
    public Result run(DetectionRule rule, long from, long to, Limits limits) throws IOException, InterruptedException {
        if (to < from) throw new IllegalArgumentException("the range ends before it starts");
        if (!running.tryAcquire(3, TimeUnit.SECONDS)) throw new Busy();
        try {
            return scan(rule, from, to, limits);
        } finally {
            running.release();
        }
    }

    private Result scan(DetectionRule rule, long from, long to, Limits limits) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + limits.maxTime().toNanos();
        DetectionEngine engine = new DetectionEngine(List.of(rule.withEnabled(true)));
        engine.setSuppressions(suppressions.get());
        RuleStats stats = engine.rules().get(rule.id()).stats();

        long end = log.endOffset();
        long start = Math.max(log.startOffset(), log.offsetWrittenSince(Instant.ofEpochMilli(from - SKEW_MS)));
        boolean fromLogStart = start <= log.startOffset();
        Long earliest = null;
        Map<String, TestSignal> kept = new LinkedHashMap<>();
        java.util.Set<String> dropped = new java.util.HashSet<>();
        long scanned = 0, tested = 0, drainedAt = 0;
        Bound bound = null;
        CommittedBatches batches = new CommittedBatches();
        try (JournalReader r = log.reader(start)) {
            read:
            while (r.position() < end) {
                JournalReader.Poll p = r.poll(4_096, 16L << 20, Duration.ZERO);
                if (p.records().isEmpty()) break;
                for (JournalRecord rec : p.records()) {
                    if (rec.offset() >= end) break read;
                    CommittedBatches.Batch b;
                    try {
                        b = batches.accept(rec.payload());
                    } catch (RuntimeException x) {
                        continue; // counted by live detection; nothing to test
                    }
                    if (b == null) continue;
                    if (System.nanoTime() > deadline) {
                        bound = Bound.MAX_TIME;
                        break read;
                    }
                    for (byte[] json : b.events()) {
                        if (scanned >= limits.maxEvents()) {
                            bound = Bound.MAX_EVENTS;
                            break read;
                        }
                        LogEvent e;
                        try {
                            e = LogEventJson.fromJson(json);
                        } catch (IllegalArgumentException x) {
                            continue;
                        }
                        scanned++;
                        if (fromLogStart && (earliest == null || e.time() < earliest)) earliest = e.time();
                        if (e.time() >= from && e.time() <= to) {
                            engine.process(e);
                            tested++;
                        }
                    }
                    if (scanned - drainedAt >= 4_096) {
                        collect(engine, kept, dropped);
                        drainedAt = scanned;
                    }
                }
            }
        }
        collect(engine, kept, dropped);
        List<TestSignal> shown = kept.values().stream()
                .sorted(Comparator.comparingLong(TestSignal::count).reversed().thenComparing(TestSignal::firstSeen))
                .limit(limits.maxSignals()).toList();
        return new Result(rule.id(), from, to, scanned, tested, stats.matchedEvents.sum(), stats.detections.sum(), stats.suppressed.sum(),
                stats.late.sum(), kept.size() + dropped.size(), shown, (System.nanoTime() - t0) / 1_000_000, bound,
                earliest != null && earliest > from ? earliest : null);
    }

    /** Folds the signals the engine opened or extended since the last call into {@code kept}. */
    private void collect(DetectionEngine engine, Map<String, TestSignal> kept, java.util.Set<String> dropped) {
        for (Signal s : engine.drainSignals(clock.millis())) {
            if (!kept.containsKey(s.id()) && kept.size() >= MAX_KEPT) {
                dropped.add(s.id());
                continue;
            }
            kept.put(s.id(), new TestSignal(s.title(), s.severity(), s.count(), s.groupBy(), s.firstSeen(), s.lastSeen(),
                    s.entities().hosts()));
        }
    }
}
