package dev.vigil.server.pipeline;

import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.engine.StateSnapshot;
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
import java.nio.file.Path;
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
 * <p>Restart: detector state (windows, sequences, learned new values, anomaly baselines) comes
 * from the state snapshot file, {@code <data>/detection/state.snap}, which the pipeline writes
 * right after a commit every {@code snapshotInterval} (wall time) and on close: it holds the
 * engine's state and the event log offset that state reflects (the committed position then).
 * Start restores it and re-reads, with aggregation off, only the events between its offset and
 * the stored position. When the file can't be used (none, corrupt, another format, an offset
 * after the stored position or before the log's start, snapshots off) the state is rebuilt as
 * before snapshots: by re-reading the events of the rules' longest look-back before the stored
 * position ({@link DetectionCheckpoint#rebuildOffset}), and why is logged and in {@link #restore()}.
 * Either way, signals that may still be extended are resumed from the store.
 *
 * <p>A rule that is new since the snapshot (or whose queries, grouping or state options changed)
 * starts empty at the snapshot's offset: it sees the events after it, as a rule added then would
 * have; it is not given its look-back from older events. A rule whose cases, texts or keep-alive
 * changed keeps its state.
 *
 * <p>Commits happen as soon as signals changed, at most every {@code commitInterval}, and at
 * least every second otherwise (so the position moves even when nothing fires). Under load they
 * are spaced further, up to five seconds apart, so that storing signals takes at most about a fifth of
 * the detection thread: each commit rewrites every signal that changed since the last one, and a
 * hot signal changes between any two. A commit of a few signals takes about a millisecond, so
 * under a light load the interval holds. Snapshots are
 * written on the detection thread, between two batches: the state then reflects exactly the
 * committed position, and nothing is copied or locked per event; detection pauses while one is
 * written (docs/benchmarks.md has the cost per group).
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

    /** The last snapshot written: the offset it reflects, its size, how long writing it took, when, what it held. */
    public record SnapshotWrite(long offset, long bytes, long millis, long at, int families, long groups) {}

    /**
     * What start did with the snapshot file.
     *
     * @param outcome      {@code restored}, {@code rejected} (a file that could not be used) or {@code none} (no file,
     *                     or snapshots off)
     * @param reason       why it was rejected or why there was none; null when restored
     * @param offset       the event log offset of the snapshot restored or rejected, or -1
     * @param families     rule families restored
     * @param startedEmpty stateful rule families the snapshot had no state for (new or changed rules)
     * @param skipped      families in the snapshot no current rule has (removed or changed rules)
     * @param groups       groups restored
     */
    public record Restore(String outcome, String reason, long offset, int families, int startedEmpty, int skipped, long groups) {
        static Restore none(String reason) { return new Restore("none", reason, -1, 0, 0, 0, 0); }

        static Restore rejected(String reason, long offset) { return new Restore("rejected", reason, offset, 0, 0, 0, 0); }
    }

    /**
     * The events start re-read for state only.
     *
     * @param source {@code snapshot} (from the snapshot's offset), {@code look-back} (from the checkpoint's rebuild
     *               offset) or {@code none}
     */
    public record Rebuild(String source, long fromOffset, long toOffset, long events, long millis) {
        public long bytes() { return toOffset - fromOffset; }
    }

    private final Journal log;
    private final SignalStore signals;
    private final SuppressionStore suppressions;
    private final DetectionEngine engine;
    private final Duration commitInterval;
    /** Null when snapshots are off. */
    private final StateSnapshotFile snapshotFile;
    private final Duration snapshotInterval;
    private long lastSnapshotAt;
    private long lastSnapshotOffset = -1;
    /** How long a poll waits for new events when nothing is waiting for a commit. */
    private static final long POLL_MILLIS = 20;
    /**
     * Commits are spaced so that storing signals takes at most about a fifth of the detection
     * thread: at least this many times the last commit's duration apart (but never more than
     * {@link #MAX_COMMIT_SPACING_MILLIS}). A quick commit (a few signals) keeps the configured interval.
     */
    private static final int COMMIT_SPACING = 4;
    private static final long MAX_COMMIT_SPACING_MILLIS = 5000;
    /** How long the last commit took (read by the stats API). */
    private volatile long lastCommitMillis;
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
    public final LongAdder snapshotsWritten = new LongAdder();
    public final LongAdder snapshotFailures = new LongAdder();
    private volatile SnapshotWrite lastSnapshot;
    private volatile String lastSnapshotError;
    private volatile Restore restore = Restore.none("not started");
    private volatile Rebuild rebuild = new Rebuild("none", 0, 0, 0, 0);
    /** Events run through detection per 10 s over the last hour (the console's dashboard draws it). */
    public final dev.vigil.server.intake.RateHistory processedRate = dev.vigil.server.intake.RateHistory.lastHour();

    /**
     * @param snapshotFile     where the state snapshot is kept ({@code <data>/detection/state.snap})
     * @param snapshotInterval how often (wall time) to write it after a commit; zero: never (and never read it)
     */
    public DetectionPipeline(Journal log, SignalStore signals, SuppressionStore suppressions, DetectionEngine engine,
                             Duration commitInterval, Path snapshotFile, Duration snapshotInterval, Clock clock) {
        this.log = log;
        this.signals = signals;
        this.suppressions = suppressions;
        this.engine = engine;
        this.commitInterval = commitInterval;
        this.snapshotFile = snapshotInterval.isZero() ? null : new StateSnapshotFile(snapshotFile);
        this.snapshotInterval = snapshotInterval;
        this.clock = clock;
    }

    /** Recovers from the stored checkpoint and the state snapshot, then follows the log on a thread of its own. */
    public void start() throws IOException, InterruptedException {
        lookback = engine.lookbackMillis();
        DetectionCheckpoint cp = signals.checkpoint().orElse(null);
        long start = cp == null ? log.startOffset() : Math.max(cp.eventLogOffset(), log.startOffset());
        String source = "none";
        long rebuildFrom = start;
        StateSnapshot.Staged staged = usableSnapshot(cp);
        if (staged != null) {
            StateSnapshot.Restored r = staged.apply();
            restore = new Restore("restored", null, r.position(), r.families(), r.startedEmpty(), r.skipped(), r.groups());
            LOG.info("detection state restored from {} (event log offset {}, written {}): {} rule families, {} groups{}{}",
                    snapshotFile.path(), r.position(), java.time.Instant.ofEpochMilli(r.writtenAt()), r.families(), r.groups(),
                    r.startedEmpty() == 0 ? "" : "; started empty (new or changed since): " + r.startedEmptyRules(),
                    r.skipped() == 0 ? "" : "; not restored (no such rule now): " + r.skippedRules());
            source = "snapshot";
            rebuildFrom = r.position();
        } else if (cp != null) {
            source = "look-back";
            rebuildFrom = Math.max(log.startOffset(), Math.min(cp.rebuildOffset(), start));
        }
        long t0 = System.nanoTime();
        long before = processedEvents.sum();
        if (rebuildFrom < start) {
            engine.setRebuilding(true);
            try (JournalReader r = log.reader(rebuildFrom)) {
                drainTo(r, start);
            } finally {
                engine.setRebuilding(false);
                batches.clear();
            }
        }
        rebuild = new Rebuild(rebuildFrom < start ? source : "none", rebuildFrom, start, processedEvents.sum() - before,
                (System.nanoTime() - t0) / 1_000_000);
        if (cp != null) {
            int resumed = engine.resume(openSignals());
            LOG.info("detection resumes at event log offset {} after re-reading {} events ({} bytes, from {}) in {} ms; {} signals still open",
                    start, rebuild.events(), rebuild.bytes(), rebuild.source(), rebuild.millis(), resumed);
        }
        position = start;
        committedPosition = start;
        lastSnapshotAt = clock.millis();
        lastSnapshotOffset = staged != null ? restore.offset() : -1;
        running = true;
        thread = Thread.ofPlatform().name("vigil-detection").daemon(true).start(this::run);
    }

    /** The snapshot to restore, read and checked; null (and why in {@link #restore}) when there is none to use. */
    private StateSnapshot.Staged usableSnapshot(DetectionCheckpoint cp) {
        if (snapshotFile == null) {
            restore = Restore.none("snapshots are off (snapshot interval 0)");
            return null;
        }
        if (!snapshotFile.exists()) {
            restore = Restore.none("no snapshot file " + snapshotFile.path());
            return null;
        }
        StateSnapshot.Staged staged;
        try {
            staged = snapshotFile.read(engine);
        } catch (IOException | RuntimeException x) {
            return reject(x instanceof StateSnapshot.SnapshotException ? x.getMessage() : "could not be read: " + x, -1);
        }
        long p = staged.position();
        if (cp == null) return reject("the store has no detection checkpoint (a new or another database)", p);
        if (p > cp.eventLogOffset()) {
            return reject("it reflects event log offset " + p + ", after the stored checkpoint " + cp.eventLogOffset()
                    + " (the store is older than the snapshot)", p);
        }
        if (p < log.startOffset()) {
            return reject("the event log no longer holds its offset " + p + " (it starts at " + log.startOffset()
                    + "): the events since it can't be re-read", p);
        }
        return staged;
    }

    private StateSnapshot.Staged reject(String why, long offset) {
        restore = Restore.rejected(why, offset);
        LOG.warn("detection state snapshot {} not used: {}; the state is rebuilt from the rules' look-back instead", snapshotFile.path(), why);
        return null;
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
                // a commit rewrites every signal that changed since the last one, and a hot signal changes between
                // any two: under load, commits every interval took 80% of the detection thread (100 rules), so space them
                long interval = commitSpacingMillis();
                if (now - lastCommit >= interval && (position != committedPosition || now - lastCommit >= 1000)) {
                    long t0 = System.nanoTime();
                    commit(now);
                    lastCommitMillis = (System.nanoTime() - t0) / 1_000_000;
                    lastCommit = now;
                    if (snapshotFile != null && now - lastSnapshotAt >= snapshotInterval.toMillis()) snapshot(now);
                }
            }
            commit(clock.millis());
            if (snapshotFile != null) snapshot(clock.millis()); // a clean stop restarts without re-reading anything
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
                // only what the rules read is decoded; a signal's samples are decoded whole when drained
                e = LogEventJson.fromJson(json, engine.projection());
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
        signals.applyEngineUpdates(updates, new DetectionCheckpoint(position, Math.min(rebuildFrom, position)));
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

    /**
     * Writes the state right after a commit: it then reflects exactly the events before the
     * committed position. Skipped when no event came since the last one (the file is current). A
     * failure is counted and logged; detection goes on, and the previous file stays.
     */
    private void snapshot(long now) {
        lastSnapshotAt = now;
        if (committedPosition == lastSnapshotOffset) return;
        long t0 = System.nanoTime();
        try {
            StateSnapshot.Written w = snapshotFile.write(engine, committedPosition);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            lastSnapshot = new SnapshotWrite(w.position(), w.bytes(), millis, clock.millis(), w.families(), w.groups());
            lastSnapshotOffset = committedPosition;
            lastSnapshotError = null;
            snapshotsWritten.increment();
            if (millis >= 1000) {
                LOG.info("detection state snapshot: {} groups of {} rule families, {} bytes in {} ms (detection paused meanwhile)",
                        w.groups(), w.families(), w.bytes(), millis);
            }
        } catch (IOException | RuntimeException x) {
            snapshotFailures.increment();
            lastSnapshotError = x.toString();
            LOG.warn("detection state snapshot to {} failed (the previous one stays): {}", snapshotFile.path(), x.toString(), x);
        }
    }

    /** The last snapshot this process wrote, or null. */
    public SnapshotWrite lastSnapshot() { return lastSnapshot; }

    /** Why the last snapshot failed, or null when it succeeded (or none was tried). */
    public String lastSnapshotError() { return lastSnapshotError; }

    /** What start did with the snapshot file. */
    public Restore restore() { return restore; }

    /** What start re-read from the event log to rebuild state. */
    public Rebuild rebuild() { return rebuild; }

    /** The snapshot interval; zero when snapshots are off. */
    public Duration snapshotInterval() { return snapshotInterval; }

    /** Sets (or, with null, removes) the one listener told after each commit; see {@link CommitListener}. */
    public void setCommitListener(CommitListener listener) {
        this.commitListener = listener;
    }

    public DetectionEngine engine() { return engine; }

    /** How long the last commit of signals took, in milliseconds. */
    public long lastCommitMillis() { return lastCommitMillis; }

    /** The least time between two commits now: the commit interval, or more when commits take long (see the class comment). */
    public long commitSpacingMillis() {
        return Math.max(commitInterval.toMillis(), Math.min(MAX_COMMIT_SPACING_MILLIS, COMMIT_SPACING * lastCommitMillis));
    }

    public long committedPosition() { return committedPosition; }

    /** Accepted bytes of the event log not yet covered by a commit. */
    public long lagBytes() { return Math.max(0, log.endOffset() - committedPosition); }

    @Override public void close() throws InterruptedException {
        running = false;
        if (thread != null) thread.join(30_000); // time for the final commit and snapshot
    }
}
