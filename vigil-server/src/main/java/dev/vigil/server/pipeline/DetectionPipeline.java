package dev.vigil.server.pipeline;

import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.suppression.Suppression;
import dev.vigil.journal.Journal;
import dev.vigil.journal.JournalReader;
import dev.vigil.journal.JournalRecord;
import dev.vigil.server.intake.CommittedBatches;
import dev.vigil.server.store.DetectionCheckpoint;
import dev.vigil.server.store.SignalQuery;
import dev.vigil.server.store.SignalStore;
import dev.vigil.server.store.SuppressionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads accepted events from the event log and runs them through the detection engine,
 * committing the signals they opened or extended together with the log position they cover,
 * in one store transaction. That is what makes detection exactly-once across a crash: after a
 * restart, events before the stored position are in signals, events after it are read again,
 * and no event is counted twice.
 *
 * <p>Restart: windowed rules' state (counts, sequences) is rebuilt by re-reading the events of
 * their longest look-back before the stored position with aggregation off, and signals that
 * may still be extended are resumed from the store.
 *
 * <p>Commits happen as soon as signals changed, at most every {@code commitInterval}, and at
 * least every second otherwise (so the position moves even when nothing fires).
 */
public final class DetectionPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DetectionPipeline.class);

    public record Reload(List<DetectionRule> rules, List<Suppression> suppressions) {}

    /**
     * Told after each detection commit, once its transaction is committed (for metrics and
     * benchmarks). Called on the detection thread: it must return quickly, as it delays the next
     * commit; an exception it throws is logged and does not stop detection.
     */
    @FunctionalInterface
    public interface CommitListener {
        /**
         * @param updates  the signals this commit stored (created or extended), as stored; often empty
         * @param position the event log offset the commit covers (every event before it is in a signal)
         */
        void committed(List<Signal> updates, long position);
    }

    private final Journal log;
    private final SignalStore signals;
    private final SuppressionStore suppressions;
    private final DetectionEngine engine;
    private final Duration commitInterval;
    /** How long a poll waits for new events when nothing is waiting for a commit. */
    private static final long POLL_MILLIS = 20;
    private final Clock clock;
    private final AtomicReference<Reload> pendingReload = new AtomicReference<>();
    private final ArrayDeque<long[]> rebuildMarks = new ArrayDeque<>();
    private final CommittedBatches batches = new CommittedBatches();
    private Thread thread;
    private volatile CommitListener commitListener;
    private volatile boolean running;
    private volatile long position;
    private volatile long committedPosition;
    /** The rules' longest look-back, recomputed when rules change (not per batch). */
    private long lookback;

    public final LongAdder processedEvents = new LongAdder();
    public final LongAdder discardedUncommitted = new LongAdder();
    public final LongAdder undecodable = new LongAdder();
    public final LongAdder commits = new LongAdder();
    public final LongAdder signalUpdates = new LongAdder();
    /** Events run through detection per 10 s over the last hour (the console's dashboard draws it). */
    public final dev.vigil.server.intake.RateHistory processedRate = dev.vigil.server.intake.RateHistory.lastHour();

    public DetectionPipeline(Journal log, SignalStore signals, SuppressionStore suppressions, DetectionEngine engine,
                             Duration commitInterval, Clock clock) {
        this.log = log;
        this.signals = signals;
        this.suppressions = suppressions;
        this.engine = engine;
        this.commitInterval = commitInterval;
        this.clock = clock;
    }

    /** Recovers from the stored checkpoint, then follows the log on a thread of its own. */
    public void start() throws IOException, InterruptedException {
        lookback = engine.lookbackMillis();
        DetectionCheckpoint cp = signals.checkpoint().orElse(null);
        long start = cp == null ? log.startOffset() : Math.max(cp.eventLogOffset(), log.startOffset());
        if (cp != null) {
            long rebuildFrom = Math.max(log.startOffset(), Math.min(cp.snapshotOffset(), start));
            if (rebuildFrom < start) {
                engine.setRebuilding(true);
                try (JournalReader r = log.reader(rebuildFrom)) {
                    drainTo(r, start);
                } finally {
                    engine.setRebuilding(false);
                    batches.clear();
                }
            }
            int resumed = engine.resume(openSignals());
            LOG.info("detection resumes at event log offset {} ({} signals still open)", start, resumed);
        }
        position = start;
        committedPosition = start;
        running = true;
        thread = Thread.ofPlatform().name("vigil-detection").daemon(true).start(this::run);
    }

    private List<Signal> openSignals() {
        long newest = engine.newestTime();
        if (newest == Long.MIN_VALUE) newest = clock.millis();
        long maxKeepAlive = engine.rules().values().stream()
                .mapToLong(c -> c.rule().options().keepAlive().toMillis()).max().orElse(0);
        return signals.search(SignalQuery.builder().lastSeen(newest - maxKeepAlive, null).limit(SignalQuery.MAX_LIMIT).build()).items();
    }

    /** Re-reads [reader position, end) for state only. */
    private void drainTo(JournalReader r, long end) throws IOException, InterruptedException {
        while (r.position() < end) {
            JournalReader.Poll p = r.poll(10_000, 32L << 20, Duration.ZERO);
            if (p.records().isEmpty()) return;
            for (JournalRecord rec : p.records()) {
                if (rec.offset() >= end) return;
                apply(rec);
            }
        }
    }

    /** Asks the pipeline thread to swap rules and suppressions between two events. */
    public void reload(List<DetectionRule> rules, List<Suppression> sups) {
        pendingReload.set(new Reload(List.copyOf(rules), List.copyOf(sups)));
    }

    private void run() {
        long lastCommit = clock.millis();
        try (JournalReader r = log.reader(position)) {
            while (running) {
                Reload reload = pendingReload.getAndSet(null);
                if (reload != null) {
                    engine.setRules(reload.rules());
                    lookback = engine.lookbackMillis();
                    engine.setSuppressions(reload.suppressions());
                }
                // with events applied but not committed, wait for more only until their commit is due:
                // a full 20 ms poll let them wait 20-30 ms for a commit due after at most the interval
                long wait = POLL_MILLIS;
                if (position != committedPosition) {
                    wait = Math.clamp(commitInterval.toMillis() - (clock.millis() - lastCommit), 0, POLL_MILLIS);
                }
                JournalReader.Poll p = r.poll(5_000, 16L << 20, Duration.ofMillis(wait));
                for (JournalRecord rec : p.records()) {
                    if (apply(rec)) position = rec.nextOffset();
                }
                long now = clock.millis();
                boolean due = now - lastCommit >= commitInterval.toMillis();
                if (due && (position != committedPosition || now - lastCommit >= 1000)) {
                    commit(now);
                    lastCommit = now;
                }
            }
            commit(clock.millis());
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOG.error("detection stopped: {}", t.toString(), t);
        }
    }

    /** Applies one record; true when it completed a batch (a safe position to commit). */
    private boolean apply(JournalRecord rec) {
        CommittedBatches.Batch b;
        try {
            b = batches.accept(rec.payload());
        } catch (RuntimeException x) {
            undecodable.increment();
            return false;
        }
        if (b == null) return false;
        discardedUncommitted.add(b.torn());
        int processed = 0;
        for (byte[] json : b.events()) {
            LogEvent e;
            try {
                e = LogEventJson.fromJson(json);
            } catch (IllegalArgumentException x) {
                undecodable.increment();
                continue;
            }
            engine.process(e);
            processedEvents.increment();
            processed++;
        }
        if (processed > 0) processedRate.add(clock.millis(), processed);
        mark(rec.nextOffset());
        return true;
    }

    /** Remembers (newest event time, offset) about once a second of event time, to pick where a rebuild starts. */
    private void mark(long offset) {
        long t = engine.newestTime();
        if (rebuildMarks.isEmpty() || t - rebuildMarks.peekLast()[0] >= 1000) rebuildMarks.addLast(new long[]{t, offset});
        // keep the newest mark at or before the horizon as the head: a rebuild from it covers the look-back
        long horizon = t - lookback;
        while (rebuildMarks.size() > 1) {
            long[] head = rebuildMarks.pollFirst();
            if (rebuildMarks.peekFirst()[0] > horizon) {
                rebuildMarks.addFirst(head);
                break;
            }
        }
    }

    private void commit(long now) {
        List<Signal> updates = engine.drainSignals(now);
        Map<String, Long> suppressed = engine.drainSuppressedCounts();
        long rebuildFrom = rebuildMarks.isEmpty() ? position : rebuildMarks.peekFirst()[1];
        signals.applyEngineUpdates(updates, new DetectionCheckpoint(position, null, Math.min(rebuildFrom, position)));
        if (!suppressed.isEmpty()) suppressions.addSuppressedCounts(suppressed);
        committedPosition = position;
        commits.increment();
        signalUpdates.add(updates.size());
        CommitListener l = commitListener;
        if (l != null) {
            try {
                l.committed(updates, position);
            } catch (RuntimeException x) {
                LOG.warn("commit listener failed: {}", x.toString(), x);
            }
        }
    }

    /** Sets (or, with null, removes) the one listener told after each commit; see {@link CommitListener}. */
    public void setCommitListener(CommitListener listener) {
        this.commitListener = listener;
    }

    public DetectionEngine engine() { return engine; }

    public long committedPosition() { return committedPosition; }

    /** Accepted bytes of the event log not yet covered by a commit. */
    public long lagBytes() { return Math.max(0, log.endOffset() - committedPosition); }

    @Override public void close() throws InterruptedException {
        running = false;
        if (thread != null) thread.join(10_000);
    }
}
