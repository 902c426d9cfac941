package dev.vigil.journal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * A segmented, append-only, checksummed log of byte records in one directory.
 *
 * <h2>Layout</h2>
 * The directory holds segment files named by their base offset, zero-padded to 20 digits
 * ({@code 00000000000000004096.seg}), one {@code <consumer>.offset} file per named consumer, and a
 * {@code journal.lock} that keeps a second process out. A record is
 * {@code [u32 length][u32 CRC32C of the length bytes and the payload][payload]}, big-endian. An
 * offset is a global byte position: segment base + position in the segment. Each segment starts
 * where the previous one ended, so offsets increase strictly and are never reused, even after
 * segments are deleted.
 *
 * <h2>Appends and concurrency</h2>
 * {@link #append(List)} writes a whole batch under one writer lock: records are packed into a reused
 * direct buffer (no allocation per record) and written with positional writes; with
 * {@link Durability#FSYNC} the batch is forced once (group commit) before the append returns. Only
 * then is it <em>published</em>: the segment's size and the journal's end move past it and waiting
 * readers are signalled. Readers look only below published sizes, so they never see a half-written
 * or (with FSYNC) a not-yet-durable record. A batch never spans segments: the active segment rolls
 * before a batch that would take it past {@link JournalConfig#segmentBytes()}. A failed write is cut
 * back off the file, so the next batch starts on a record boundary.
 *
 * <h2>Readers</h2>
 * Any number of {@link JournalReader}s, each on its own thread, each with its own file handles; they
 * take no lock to read, only to wait for appends (a condition signalled by publish, no polling
 * sleeps). A segment deleted under a reader stays readable through the reader's open handle, and the
 * reader's next poll reports the deleted range as a gap.
 *
 * <h2>Bounds and retention</h2>
 * An append that would take all segments over {@link JournalConfig#maxBytes()} either deletes whole
 * oldest segments first ({@link FullPolicy#DROP_OLDEST}; if it must, the active segment is rolled
 * and deleted too) or is refused with {@link JournalFullException} ({@link FullPolicy#REJECT}); a
 * batch bigger than the bound is always refused. Consumers trim with {@link #deleteBefore(long)} and
 * retention with {@link #deleteOlderThan(Instant)}; neither ever deletes the active segment.
 *
 * <h2>Failure</h2>
 * Opening verifies every record of the last segment, where a crash can leave a torn or corrupt tail
 * (a batch written but not fully forced): everything from the first bad record on is truncated and
 * counted in {@link JournalStats#truncatedBytes()}. Older segments were complete and forced when
 * they rolled; their records are checked (length and CRC) every time they are read, and a bad one is
 * reported as a {@link CorruptJournalException} that names the segment and where reading can go on;
 * it is never skipped silently.
 */
public final class Journal implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Journal.class.getName());

    /** Bytes before each payload: u32 length and u32 CRC32C. */
    public static final int HEADER_BYTES = 8;

    /** Largest payload accepted. */
    public static final int MAX_RECORD_BYTES = 1 << 30;

    /** Size of the reused direct buffer a batch is staged in; bigger batches are written in several calls. */
    static final int STAGING_BYTES = 256 << 10;

    private static final String LOCK_FILE = "journal.lock";

    private final Path dir;
    private final JournalConfig config;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ConsumerOffsets offsets;
    /** Segments by base offset. Changed only under {@link #writeLock}; read by readers without it. */
    final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();

    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock signalLock = new ReentrantLock();
    private final Condition published = signalLock.newCondition();

    // writer state, guarded by writeLock
    private Segment active;
    private FileChannel activeChannel;
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES);
    private final CRC32C crc = new CRC32C();

    // published state and counters: written under writeLock, read anywhere
    private volatile long end;
    private volatile long totalBytes;
    private volatile long recordsAppended;
    private volatile long recordsDropped;
    private volatile long bytesDropped;
    private volatile long fullRejections;
    private final long truncatedBytes;
    private final AtomicLong corruptRecords = new AtomicLong();
    private volatile boolean closed;

    private Journal(Path dir, JournalConfig config) throws IOException {
        this.dir = dir;
        this.config = config;
        Files.createDirectories(dir);
        this.lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new IOException("journal " + dir + " is already open (by this or another process)");
        }
        this.lock = l;
        try {
            this.truncatedBytes = loadSegments();
            this.offsets = ConsumerOffsets.load(dir, config.durability());
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /** Opens (creating it if needed) the journal in {@code dir} with the default configuration. */
    public static Journal open(Path dir) throws IOException {
        return open(dir, JournalConfig.defaults());
    }

    /**
     * Opens (creating it if needed) the journal in {@code dir}, repairing a torn tail left by a crash.
     *
     * @throws IOException if the directory cannot be used, is open elsewhere, or a consumer offset file is unreadable
     */
    public static Journal open(Path dir, JournalConfig config) throws IOException {
        return new Journal(dir, Objects.requireNonNull(config, "config"));
    }

    /** Lists the segments, verifies the last one and truncates a bad tail; returns the bytes truncated. */
    private long loadSegments() throws IOException {
        List<Long> bases = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + Segment.SUFFIX)) {
            for (Path f : files) {
                long base = Segment.parseBase(f.getFileName().toString());
                if (base >= 0) bases.add(base);
            }
        }
        bases.sort(null);
        if (bases.isEmpty()) {
            Path p = dir.resolve(Segment.fileName(0));
            Files.createFile(p);
            syncDirectory();
            segments.put(0L, new Segment(0, p, 0, 0));
        } else {
            for (long base : bases) {
                Path p = dir.resolve(Segment.fileName(base));
                segments.put(base, new Segment(base, p, Files.size(p), -1));
            }
            Segment prev = null;
            for (Segment s : segments.values()) {
                if (prev != null && prev.end() != s.base) {
                    LOG.log(Level.WARNING, "journal {0}: segment {1} ends at offset {2} but the next segment starts at {3}",
                            dir, prev.path.getFileName(), prev.end(), s.base);
                }
                prev = s;
            }
        }
        Segment last = segments.lastEntry().getValue();
        activeChannel = FileChannel.open(last.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        active = last;
        long truncated = recoverTail(last);
        long sum = 0;
        for (Segment s : segments.values()) sum += s.size;
        totalBytes = sum;
        end = last.end();
        return truncated;
    }

    private long recoverTail(Segment last) throws IOException {
        RecordReader rr = new RecordReader();
        rr.reset(activeChannel);
        long size = activeChannel.size();
        long pos = 0;
        long n = 0;
        while (pos < size) {
            int len = rr.header(pos, size);
            if (len < 0 || rr.payload(pos, len, false) == null) break;
            pos += HEADER_BYTES + len;
            n++;
        }
        last.records = n;
        last.size = pos;
        if (pos == size) return 0;
        LOG.log(Level.WARNING, "journal {0}: truncating {1} bytes at offset {2} of segment {3} (torn or corrupt tail: {4})",
                dir, size - pos, last.base + pos, last.path.getFileName(), rr.problem());
        activeChannel.truncate(pos);
        if (config.durability() == Durability.FSYNC) activeChannel.force(true);
        return size - pos;
    }

    // ---------------------------------------------------------------------------------------- appends

    /** Appends one record; see {@link #append(List)}. */
    public AppendResult append(byte[] record) throws IOException {
        return append(List.of(record));
    }

    /**
     * Appends a batch of records, in order, contiguously. With {@link Durability#FSYNC} they are on
     * disk when this returns. Either the whole batch is appended or none of it.
     *
     * @return the offset of the first record and the journal's end after the batch (for an empty
     *         batch, both are the current end)
     * @throws JournalFullException if the batch would exceed the bound and the policy is {@link FullPolicy#REJECT},
     *                              or the batch alone is bigger than the bound
     * @throws IOException          if writing fails (the batch is then not appended)
     */
    public AppendResult append(List<byte[]> records) throws IOException {
        long bytes = 0;
        for (byte[] r : records) {
            Objects.requireNonNull(r, "record");
            if (r.length > MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("record of " + r.length + " bytes: at most " + MAX_RECORD_BYTES + " allowed");
            }
            bytes += HEADER_BYTES + r.length;
        }
        writeLock.lock();
        try {
            ensureOpen();
            if (records.isEmpty()) return new AppendResult(end, end, 0);
            if (active.size > 0 && active.size + bytes > config.segmentBytes()) roll();
            makeRoom(bytes);
            long start = active.size;
            try {
                write(records, start);
                if (config.durability() == Durability.FSYNC) activeChannel.force(false);
            } catch (IOException | RuntimeException e) {
                try {
                    activeChannel.truncate(start);
                } catch (IOException t) {
                    e.addSuppressed(t);
                }
                throw e;
            }
            publish(bytes, records.size());
            return new AppendResult(active.base + start, end, records.size());
        } finally {
            writeLock.unlock();
        }
    }

    private void write(List<byte[]> records, long pos) throws IOException {
        ByteBuffer b = staging;
        b.clear();
        for (byte[] r : records) {
            int len = r.length;
            crc.reset();
            crc.update(len >>> 24);
            crc.update(len >>> 16);
            crc.update(len >>> 8);
            crc.update(len);
            crc.update(r, 0, len);
            if (b.remaining() < HEADER_BYTES) pos = flush(pos);
            b.putInt(len).putInt((int) crc.getValue());
            int off = 0;
            while (off < len) {
                if (!b.hasRemaining()) pos = flush(pos);
                int n = Math.min(b.remaining(), len - off);
                b.put(r, off, n);
                off += n;
            }
        }
        flush(pos);
    }

    private long flush(long pos) throws IOException {
        ByteBuffer b = staging;
        b.flip();
        while (b.hasRemaining()) pos += activeChannel.write(b, pos);
        b.clear();
        return pos;
    }

    private void publish(long bytes, int n) {
        // end before size: a reader that sees the new records (size is what readers follow) and
        // commits past them must find that offset inside the journal (checkOffset reads end)
        end = active.end() + bytes;
        active.size += bytes;
        if (active.records >= 0) active.records += n;
        totalBytes += bytes;
        recordsAppended += n;
        signalAll();
    }

    private void signalAll() {
        signalLock.lock();
        try {
            published.signalAll();
        } finally {
            signalLock.unlock();
        }
    }

    /** Seals the active segment (forced to disk) and starts an empty one at its end. */
    private void roll() throws IOException {
        if (config.durability() == Durability.FSYNC) activeChannel.force(false);
        long base = active.end();
        Path p = dir.resolve(Segment.fileName(base));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (config.durability() == Durability.FSYNC) syncDirectory();
        activeChannel.close();
        activeChannel = ch;
        active = new Segment(base, p, 0, 0);
        segments.put(base, active);
    }

    private void makeRoom(long bytes) throws IOException {
        long max = config.maxBytes();
        if (totalBytes + bytes <= max) return;
        if (bytes > max) {
            fullRejections++;
            throw new JournalFullException("journal " + dir + ": a batch of " + bytes + " bytes is bigger than the journal's bound (maxBytes "
                    + max + ")", bytes, max);
        }
        if (config.onFull() == FullPolicy.REJECT) {
            fullRejections++;
            throw new JournalFullException("journal " + dir + " is full: " + totalBytes + " bytes stored, a batch of " + bytes
                    + " bytes would exceed maxBytes " + max + " (policy REJECT: consume and delete, or raise the bound)", bytes, max);
        }
        while (totalBytes + bytes > max) {
            Segment oldest = segments.firstEntry().getValue();
            if (oldest == active) {
                roll();
                continue;
            }
            long n = oldest.countRecords();
            delete(oldest);
            recordsDropped += n;
            bytesDropped += oldest.size;
        }
    }

    private void delete(Segment s) throws IOException {
        segments.remove(s.base);
        totalBytes -= s.size;
        Files.deleteIfExists(s.path);
    }

    // ---------------------------------------------------------------------------------------- retention

    /**
     * Deletes every whole segment that lies entirely below {@code offset} (typically the lowest
     * offset committed by the journal's consumers). The active segment is never deleted.
     *
     * @return the number of segments deleted
     */
    public int deleteBefore(long offset) throws IOException {
        writeLock.lock();
        try {
            ensureOpen();
            int n = 0;
            for (Segment s : segments.values()) {
                if (s == active || s.end() > offset) break;
                delete(s);
                n++;
            }
            return n;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Deletes oldest segments last modified before {@code cutoff}, stopping at the first newer one so
     * the retained records stay contiguous. The active segment is never deleted.
     *
     * @return the number of segments deleted
     */
    public int deleteOlderThan(Instant cutoff) throws IOException {
        return deleteOlderThan(cutoff, Long.MAX_VALUE);
    }

    /**
     * As {@link #deleteOlderThan(Instant)}, but never a segment that reaches past {@code consumed}: a
     * consumer that lags behind the retention keeps what it has not read.
     */
    public int deleteOlderThan(Instant cutoff, long consumed) throws IOException {
        writeLock.lock();
        try {
            ensureOpen();
            int n = 0;
            for (Segment s : segments.values()) {
                if (s == active || s.end() > consumed || !Files.getLastModifiedTime(s.path).toInstant().isBefore(cutoff)) break;
                delete(s);
                n++;
            }
            return n;
        } finally {
            writeLock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------- reading

    /**
     * A reader positioned at {@code offset}, which must be a record boundary (an offset returned by
     * {@link #append} or a reader, or a committed consumer offset). An offset below
     * {@link #startOffset()} is allowed: the reader's first poll reports the gap.
     *
     * @throws IllegalArgumentException if the offset is negative or beyond {@link #endOffset()}
     */
    public JournalReader reader(long offset) {
        ensureOpen();
        checkOffset(offset);
        return new JournalReader(this, offset);
    }

    /** Offset of the oldest retained record (the base of the oldest segment). */
    public long startOffset() {
        return segments.firstKey();
    }

    /** Offset just after the newest published record. */
    public long endOffset() {
        return end;
    }

    /**
     * Where to start reading for the records appended at or after {@code since}: the base of the
     * oldest segment last modified at or after it (every older segment was complete before), or
     * {@link #endOffset()} when none was. Segments are the granularity, so the records between the
     * offset returned and the first one appended since may be older. A segment deleted meanwhile
     * is passed over.
     */
    public long offsetWrittenSince(Instant since) {
        ensureOpen();
        for (Segment s : segments.values()) {
            try {
                if (!Files.getLastModifiedTime(s.path).toInstant().isBefore(since)) return Math.max(s.base, startOffset());
            } catch (IOException gone) {
                // deleted by retention between listing and looking: the next one is newer
            }
        }
        return end;
    }

    /**
     * Waits until the end moves past {@code position}, the journal closes, or the time is up.
     *
     * @return true if there is data at or after {@code position}
     */
    boolean awaitData(long position, long nanos) throws InterruptedException {
        if (end > position) return true;
        signalLock.lock();
        try {
            while (end <= position && !closed && nanos > 0) {
                nanos = published.awaitNanos(nanos);
            }
            return end > position;
        } finally {
            signalLock.unlock();
        }
    }

    void countCorruption() {
        corruptRecords.incrementAndGet();
    }

    void checkOffset(long offset) {
        if (offset < 0 || offset > end) {
            throw new IllegalArgumentException("offset " + offset + " is outside journal " + dir + " (records end at " + end + ")");
        }
    }

    // ---------------------------------------------------------------------------------------- consumers

    /**
     * Records that {@code consumer} has handled everything below {@code offset}, atomically and (with
     * {@link Durability#FSYNC}) durably.
     *
     * @throws IllegalArgumentException if the name is not allowed (1 to 64 of {@code A-Za-z0-9._-}) or
     *                                  the offset is beyond the journal's end
     */
    public void commit(String consumer, long offset) throws IOException {
        ConsumerOffsets.checkName(consumer);
        ensureOpen();
        checkOffset(offset);
        offsets.put(consumer, offset);
    }

    /** The offset last committed by {@code consumer}, if it ever committed. */
    public OptionalLong committed(String consumer) {
        return offsets.get(consumer);
    }

    // ---------------------------------------------------------------------------------------- state

    public JournalStats stats() {
        return new JournalStats(segments.size(), totalBytes, segments.isEmpty() ? end : startOffset(), end, recordsAppended,
                recordsDropped, bytesDropped, truncatedBytes, fullRejections, corruptRecords.get());
    }

    public Path directory() {
        return dir;
    }

    public JournalConfig config() {
        return config;
    }

    public boolean isClosed() {
        return closed;
    }

    void ensureOpen() {
        if (closed) throw new IllegalStateException("journal " + dir + " is closed");
    }

    /**
     * Closes the journal; waiting readers wake up and their polls fail. Everything appended is
     * already durable (FSYNC) or in the page cache (NONE).
     */
    @Override
    public void close() throws IOException {
        writeLock.lock();
        try {
            if (closed) return;
            closed = true;
            closeQuietly();
        } finally {
            writeLock.unlock();
        }
        signalAll();
    }

    private void closeQuietly() {
        try {
            if (activeChannel != null) activeChannel.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "journal {0}: closing the active segment failed: {1}", dir, e.getMessage());
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "journal {0}: releasing the lock failed: {1}", dir, e.getMessage());
        }
    }

    private void syncDirectory() throws IOException {
        forceDirectory(dir);
    }

    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** For tests: the segment files, oldest first. */
    List<Path> segmentFiles() {
        List<Path> out = new ArrayList<>();
        for (Map.Entry<Long, Segment> e : segments.entrySet()) out.add(e.getValue().path);
        return out;
    }

    @Override
    public String toString() {
        return "Journal[" + dir + ", " + segments.size() + " segments, offsets " + startOffset() + ".." + end + "]";
    }

    /** {@code d} in nanoseconds, saturated, never negative. */
    static long nanos(java.time.Duration d) {
        return d.isNegative() ? 0 : TimeUnit.NANOSECONDS.convert(d);
    }
}
