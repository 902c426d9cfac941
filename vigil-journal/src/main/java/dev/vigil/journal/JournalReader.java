package dev.vigil.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a {@link Journal} forward from an offset. Any number of readers may read one journal, each
 * independently; one reader belongs to one thread at a time.
 *
 * <p>A reader sees only published records: complete, checked (length and CRC32C on every read) and,
 * with {@link Durability#FSYNC}, durable. If the range it is positioned on has been deleted
 * (retention, {@link FullPolicy#DROP_OLDEST}), its next poll reports the size of the gap and goes on
 * at the first retained record.
 */
public final class JournalReader implements AutoCloseable {

    /**
     * The result of a poll.
     *
     * @param records      the records read, in order (possibly none)
     * @param skippedBytes bytes of deleted records the reader jumped over before (or between) them; 0 normally
     * @param nextOffset   where the reader now is: after the last record, or after the gap if there were no records
     */
    public record Poll(List<JournalRecord> records, long skippedBytes, long nextOffset) {
        public boolean isEmpty() {
            return records.isEmpty();
        }
    }

    private final Journal journal;
    private final RecordReader rr = new RecordReader();
    private long position;
    private Segment segment;
    private FileChannel channel;
    private long skipped;
    private long lastCorrupt = -1;
    private boolean closed;

    JournalReader(Journal journal, long position) {
        this.journal = journal;
        this.position = position;
    }

    /** The offset of the next record this reader will return. */
    public long position() {
        return position;
    }

    /**
     * Reads up to {@code maxRecords} records and (except that the first record is always returned
     * whole) at most {@code maxBytes} of payload. If none is there, waits up to {@code timeout} for an
     * append; returns as soon as at least one record is available.
     *
     * @throws CorruptJournalException if the next record fails its checks (records read before it are
     *                                 returned first; the reader stays on the bad record)
     * @throws IllegalStateException   if the journal or this reader is closed
     * @throws InterruptedException    if interrupted while waiting
     */
    public Poll poll(int maxRecords, long maxBytes, Duration timeout) throws IOException, InterruptedException {
        if (maxRecords < 1) throw new IllegalArgumentException("maxRecords is " + maxRecords + ": must be at least 1");
        if (maxBytes < 1) throw new IllegalArgumentException("maxBytes is " + maxBytes + ": must be at least 1");
        Objects.requireNonNull(timeout, "timeout");
        if (closed) throw new IllegalStateException("journal reader is closed");
        journal.ensureOpen();
        long deadline = System.nanoTime() + Journal.nanos(timeout);
        long skippedBefore = skipped;
        List<JournalRecord> out = new ArrayList<>(Math.min(maxRecords, 256));
        long bytes = 0;
        while (true) {
            skipDeleted();
            boolean full = false;
            try {
                while (out.size() < maxRecords && locate()) {
                    long at = position - segment.base;
                    int len = rr.header(at, segment.size);
                    if (len < 0) throw corrupt(rr.problem());
                    if (!out.isEmpty() && bytes + len > maxBytes) {
                        full = true;
                        break;
                    }
                    byte[] payload = rr.payload(at, len, true);
                    if (payload == null) throw corrupt(rr.problem());
                    long next = position + Journal.HEADER_BYTES + len;
                    out.add(new JournalRecord(position, next, payload));
                    bytes += len;
                    position = next;
                }
            } catch (CorruptJournalException e) {
                if (out.isEmpty()) throw e;
                break; // hand over what was read; the next poll reports the corruption
            }
            if (!out.isEmpty() || full) break;
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            journal.awaitData(position, left);
            journal.ensureOpen();
        }
        return new Poll(Collections.unmodifiableList(out), skipped - skippedBefore, position);
    }

    /**
     * Moves the reader to {@code offset}, which must be a record boundary (typically
     * {@link CorruptJournalException#resumeOffset()} or a record's offset).
     */
    public void seek(long offset) throws IOException {
        journal.checkOffset(offset);
        closeChannel();
        position = offset;
    }

    /** Jumps over a deleted range at the reader's position. */
    private void skipDeleted() throws IOException {
        long start = journal.startOffset();
        if (position < start) {
            skipped += start - position;
            position = start;
            closeChannel();
        }
    }

    /**
     * Makes {@link #segment} the segment holding {@link #position}, moving over segment ends (and
     * holes between segments, counted as skipped). Returns false if nothing is published there yet.
     */
    private boolean locate() throws IOException {
        while (true) {
            if (segment == null) {
                Map.Entry<Long, Segment> e = journal.segments.floorEntry(position);
                if (e == null) {
                    skipDeleted();
                    e = journal.segments.floorEntry(position);
                    if (e == null) return false;
                }
                if (!open(e.getValue())) continue;
            }
            if (position < segment.end()) return true;
            Map.Entry<Long, Segment> next = journal.segments.higherEntry(segment.base);
            if (next == null) return false;
            // a roll publishes the final size of a segment before the next one appears: look again
            if (position < segment.end()) return true;
            Segment n = next.getValue();
            if (n.base > position) {
                skipped += n.base - position;
                position = n.base;
            }
            open(n);
        }
    }

    /** Opens {@code s}; false if it was deleted meanwhile (the caller looks again). */
    private boolean open(Segment s) throws IOException {
        closeChannel();
        try {
            channel = FileChannel.open(s.path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            if (journal.segments.get(s.base) == s) throw e;
            skipDeleted();
            return false;
        }
        rr.reset(channel);
        segment = s;
        return true;
    }

    private CorruptJournalException corrupt(String problem) {
        Map.Entry<Long, Segment> next = journal.segments.higherEntry(segment.base);
        long resume = next != null ? next.getKey() : Math.max(position, journal.endOffset());
        if (lastCorrupt != position) {
            lastCorrupt = position;
            journal.countCorruption();
        }
        return new CorruptJournalException(segment.path, position, resume, problem);
    }

    private void closeChannel() throws IOException {
        segment = null;
        if (channel != null) {
            FileChannel c = channel;
            channel = null;
            c.close();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        closeChannel();
    }
}
