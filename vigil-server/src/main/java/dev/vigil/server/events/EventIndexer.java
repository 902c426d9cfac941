package dev.vigil.server.events;

import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.journal.Journal;
import dev.vigil.journal.JournalReader;
import dev.vigil.journal.JournalRecord;
import dev.vigil.server.intake.CommittedBatches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Follows the event log into the {@link EventIndex}, on a thread of its own with its own reader:
 * intake and detection never wait for it. Like detection, it takes a batch's events only when it
 * reads the batch's commit marker, and exactly as many as the marker counts.
 *
 * <p>When told how ({@link #yieldingTo}), it pauses while detection lags behind the log, so on a
 * busy machine signals come first and searches catch up after.
 *
 * <p>Its position in the event log is committed with the index ({@link EventIndex#commit}): after
 * a restart (or a crash) it goes on from there, so every accepted event is indexed once. New
 * events become searchable within {@code refreshInterval}; commits happen every
 * {@code commitInterval} and on close. Events older than the retention are deleted from the
 * index, as the event log deletes them.
 */
public final class EventIndexer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventIndexer.class);

    private final Journal log;
    private final EventIndex index;
    private final Duration retention;
    private final Clock clock;
    private final Duration refreshInterval;
    private final Duration commitInterval;
    private final CommittedBatches batches = new CommittedBatches();
    private Thread thread;
    private volatile boolean running;
    private volatile long position;
    private volatile long committedPosition;
    private volatile String lastError;

    public final LongAdder indexedEvents = new LongAdder();
    public final LongAdder discardedUncommitted = new LongAdder();
    public final LongAdder undecodable = new LongAdder();
    /** Events older than the retention when they were read: not indexed. */
    public final LongAdder tooOld = new LongAdder();
    public final LongAdder skippedBytes = new LongAdder();
    public final LongAdder commits = new LongAdder();
    public final LongAdder failures = new LongAdder();
    /** Pauses while detection was behind. */
    public final LongAdder yields = new LongAdder();

    public EventIndexer(Journal log, EventIndex index, Duration retention, Clock clock, Duration refreshInterval, Duration commitInterval) {
        this.log = log;
        this.index = index;
        this.retention = retention;
        this.clock = clock;
        this.refreshInterval = refreshInterval;
        this.commitInterval = commitInterval;
    }

    public EventIndexer(Journal log, EventIndex index, Duration retention) {
        this(log, index, retention, Clock.systemUTC(), Duration.ofMillis(250), Duration.ofSeconds(5));
    }

    private volatile java.util.function.BooleanSupplier detectionBehind = () -> false;

    /**
     * Gives detection the CPU first: while {@code behind} says detection lags, the indexer pauses
     * between polls (searches then lag a little more; signals do not).
     */
    public EventIndexer yieldingTo(java.util.function.BooleanSupplier behind) {
        this.detectionBehind = behind;
        return this;
    }

    /** Picks up where the last commit left off, then follows the log on its own thread. */
    public void start() throws IOException {
        position = resumeOffset();
        committedPosition = position;
        running = true;
        thread = Thread.ofPlatform().name("vigil-event-indexer").daemon(true).start(this::run);
    }

    /** Where to go on: the committed position, unless the log it belongs to is gone. */
    private long resumeOffset() throws IOException {
        long committed = index.committedOffset();
        if (committed < 0) return log.startOffset();
        if (committed > log.endOffset()) {
            // the event log was replaced by a shorter one: the index describes events that are gone
            LOG.warn("event index covers the event log up to offset {} but the log ends at {}: rebuilding the index",
                    committed, log.endOffset());
            index.clear();
            index.commit(log.startOffset(), log.startOffset());
            return log.startOffset();
        }
        if (committed < log.startOffset()) {
            LOG.info("event index resumes at offset {}: events between {} and it were deleted by retention before being indexed",
                    log.startOffset(), committed);
        } else {
            LOG.info("event index resumes at event log offset {}", committed);
        }
        return committed; // a reader below the start reports the gap and goes on at the first record kept
    }

    private void run() {
        while (running) {
            try {
                follow();
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable t) {
                failures.increment();
                lastError = t.toString();
                LOG.error("event indexing failed, retrying from the last commit in 5 s: {}", t.toString(), t);
                batches.clear();
                try {
                    index.rollback();
                    position = committedPosition;
                    Thread.sleep(5_000);
                } catch (InterruptedException x) {
                    return;
                } catch (IOException | RuntimeException x) {
                    LOG.error("event index could not be reopened: {}", x.toString());
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    private void follow() throws IOException, InterruptedException {
        long lastRefresh = clock.millis();
        long lastCommit = lastRefresh;
        long lastRetention = Long.MIN_VALUE;
        boolean unrefreshed = false;
        try (JournalReader r = log.reader(Math.min(position, log.endOffset()))) {
            while (running) {
                long now = clock.millis();
                if (now - lastRetention >= 3_600_000L) {
                    index.deleteBefore(now - retention.toMillis());
                    lastRetention = now;
                    unrefreshed = true;
                }
                if (detectionBehind.getAsBoolean()) {
                    yields.increment();
                    Thread.sleep(20);
                    if (unrefreshed && clock.millis() - lastRefresh >= refreshInterval.toMillis()) {
                        index.refresh();
                        lastRefresh = clock.millis();
                        unrefreshed = false;
                    }
                    continue;
                }
                JournalReader.Poll p = r.poll(2_000, 8L << 20, Duration.ofMillis(100));
                if (p.skippedBytes() > 0) {
                    skippedBytes.add(p.skippedBytes());
                    batches.clear(); // the gap may have cut a batch: its marker, if still there, finds fewer events and takes none
                }
                for (JournalRecord rec : p.records()) {
                    if (apply(rec)) {
                        position = rec.nextOffset();
                        unrefreshed = true;
                    }
                }
                if (p.records().isEmpty() && p.skippedBytes() > 0 && !batches.hasPending()) position = p.nextOffset();
                now = clock.millis();
                if (unrefreshed && now - lastRefresh >= refreshInterval.toMillis()) {
                    index.refresh();
                    lastRefresh = now;
                    unrefreshed = false;
                }
                if (position != committedPosition && now - lastCommit >= commitInterval.toMillis()) {
                    commit();
                    lastCommit = now;
                }
            }
        }
    }

    /** Applies one record; true when it completed a batch (a position safe to commit). */
    private boolean apply(JournalRecord rec) throws IOException {
        CommittedBatches.Batch b;
        try {
            b = batches.accept(rec.payload());
        } catch (RuntimeException x) {
            undecodable.increment();
            return false;
        }
        if (b == null) return false;
        discardedUncommitted.add(b.torn());
        if (b.missing() > 0) return true; // the batch lost events to a gap (retention took its start): index none, as it cannot be whole
        long oldest = clock.millis() - retention.toMillis();
        for (byte[] json : b.events()) {
            LogEvent e;
            try {
                e = LogEventJson.fromJson(json);
            } catch (IllegalArgumentException x) {
                undecodable.increment();
                continue;
            }
            if (e.time() < oldest) { // retention would delete it at its next pass
                tooOld.increment();
                continue;
            }
            index.add(e, json);
            indexedEvents.increment();
        }
        return true;
    }

    private void commit() throws IOException {
        long p = position;
        index.commit(p, log.startOffset());
        committedPosition = p;
        commits.increment();
    }

    /** The event log position the index has taken in (searchable after the next refresh). */
    public long position() { return position; }

    /** The position of the last commit: what a restart resumes from. */
    public long committedPosition() { return committedPosition; }

    /** Accepted bytes of the event log not yet in the index. */
    public long lagBytes() { return Math.max(0, log.endOffset() - position); }

    /** The last failure, or null. */
    public String lastError() { return lastError; }

    public EventIndex index() { return index; }

    /** Stops following, commits what was indexed. */
    @Override public void close() throws InterruptedException, IOException {
        running = false;
        if (thread != null) {
            thread.join(30_000);
            if (thread.isAlive()) {
                LOG.warn("event indexer did not stop in 30 s; its work since the last commit will be redone");
                return;
            }
        }
        if (position != committedPosition) commit();
    }
}
