package dev.vigil.server.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * Follows log files the way {@code tail -F} does and hands their new lines, in batches, to a sink.
 *
 * <h2>Files and rotation</h2>
 * Each configured path is followed by name. A file is identified by its inode
 * ({@code unix:ino}), checked on every poll:
 * <ul>
 *   <li><b>Rename rotation</b> (logrotate's default: {@code auth.log} becomes {@code auth.log.1},
 *       a new {@code auth.log} appears): the old file is read to its end first, then kept open as a
 *       <i>rotated</i> reader for {@link Config#rotatedFileGrace} after its last growth, because the
 *       writer keeps appending to it until it reopens; then its last unterminated line, if any, is
 *       delivered and it is closed. The new file is read from its start.</li>
 *   <li><b>Copy-truncate</b> ({@code copytruncate}): the file shrank below what was read, or the byte
 *       before the current line start is no longer a newline (truncated and written again between two
 *       polls): reading starts over at 0. Lines written between logrotate's copy and its truncation
 *       are lost; that is copytruncate's, not the tailer's.</li>
 *   <li><b>Missing files</b> are looked for on every poll and read from their start when they appear;
 *       a deleted file is treated like a renamed one.</li>
 * </ul>
 *
 * <h2>Lines</h2>
 * A line ends at {@code \n} (a {@code \r} before it is dropped) and is decoded as UTF-8 (invalid
 * bytes become U+FFFD). A line is delivered only once complete, except the last line of a rotated
 * file. A line longer than {@link Config#maxLineBytes} is cut at that length (at a character
 * boundary), delivered, and the rest of it up to the newline skipped; such lines are counted.
 *
 * <h2>State</h2>
 * Per path: the inode and offset of the current file and of rotated files still being read, a
 * checksum of the file's first {@value #FINGERPRINT_BYTES} bytes (of those already read), and
 * whether reading is in the middle of skipping an over-long line. A reader commits its offset when
 * the sink has accepted the lines before it, and the state file is rewritten (temporary file,
 * fsync, atomic rename) after every poll that changed it, and on {@link #close}. On start the state
 * is read back: a file whose inode still sits at the path resumes at its offset (or at 0 if it is now
 * shorter or its first bytes changed: truncated, or a new file under a reused inode); a file that was rotated while the tailer was stopped is looked
 * for by inode in the same directory and read to its end before the new file. So a clean restart
 * neither re-reads nor loses lines; after a crash, lines delivered in the last poll before it may be
 * delivered again (at-least-once). A path with no saved state that exists at the first start is read
 * from its end ({@link Config#readExistingFromStart} to read it whole).
 *
 * <h2>Concurrency and failure</h2>
 * One virtual thread polls every {@link Config#pollInterval} and calls the sink; the sink therefore
 * sees one path's lines in order and is never called concurrently. A sink that throws has its batch
 * rolled back: the same lines are offered again on the next poll (so a sink must not throw for a
 * line it will never accept). An I/O error on a file is logged, the file closed and reopened on the
 * next poll. {@link #stats()} may be read from any thread.
 */
public final class FileTailer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileTailer.class);

    /** Bytes read from a file per read call. */
    static final int READ_CHUNK = 64 * 1024;
    /** Version of the state file's format. */
    static final int STATE_VERSION = 1;
    /**
     * How many bytes at a file's start are checksummed into the state, so that a restart does not
     * resume at an offset in a different file that happens to have the same inode (deleted, and the
     * number reused) or was rewritten in place while the tailer was stopped.
     */
    static final int FINGERPRINT_BYTES = 256;

    /**
     * How the tailer runs.
     *
     * @param files                 the paths to follow (absolute or not; compared absolute)
     * @param stateFile             where positions are kept across restarts
     * @param pollInterval          time between two polls (default 250 ms): the latency of a new line
     * @param maxLineBytes          longest line delivered whole (default 256 KiB); longer ones are cut
     * @param maxBatchLines         most lines per sink call (default 1000)
     * @param readExistingFromStart read a file that exists at the first start (no saved state) from its
     *                              start instead of its end (default false, as a log shipper does)
     * @param rotatedFileGrace      how long a rotated file is kept open after its last growth (default 5 s)
     */
    public record Config(List<Path> files, Path stateFile, Duration pollInterval, int maxLineBytes, int maxBatchLines,
                         boolean readExistingFromStart, Duration rotatedFileGrace) {

        public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);
        public static final int DEFAULT_MAX_LINE_BYTES = 256 * 1024;
        public static final int DEFAULT_MAX_BATCH_LINES = 1000;
        public static final Duration DEFAULT_ROTATED_FILE_GRACE = Duration.ofSeconds(5);
        /** The shortest poll interval accepted. */
        public static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(10);
        /** The smallest line length limit accepted. */
        public static final int MIN_MAX_LINE_BYTES = 256;

        public Config {
            Objects.requireNonNull(files, "files");
            Objects.requireNonNull(stateFile, "stateFile");
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(rotatedFileGrace, "rotatedFileGrace");
            if (files.isEmpty()) throw new IllegalArgumentException("files: at least one file to follow");
            LinkedHashSet<Path> unique = new LinkedHashSet<>();
            for (Path p : files) {
                if (!unique.add(p.toAbsolutePath().normalize())) throw new IllegalArgumentException("files: " + p + " is listed twice");
            }
            files = List.copyOf(unique);
            stateFile = stateFile.toAbsolutePath().normalize();
            if (pollInterval.compareTo(MIN_POLL_INTERVAL) < 0) {
                throw new IllegalArgumentException("pollInterval must be at least " + MIN_POLL_INTERVAL + ", got " + pollInterval);
            }
            if (maxLineBytes < MIN_MAX_LINE_BYTES) {
                throw new IllegalArgumentException("maxLineBytes must be at least " + MIN_MAX_LINE_BYTES + ", got " + maxLineBytes);
            }
            if (maxBatchLines < 1) throw new IllegalArgumentException("maxBatchLines must be at least 1, got " + maxBatchLines);
            if (rotatedFileGrace.isNegative()) throw new IllegalArgumentException("rotatedFileGrace must not be negative, got " + rotatedFileGrace);
        }

        /** The defaults for these files and state file. */
        public static Config of(Path stateFile, List<Path> files) {
            return new Config(files, stateFile, DEFAULT_POLL_INTERVAL, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_BATCH_LINES, false,
                    DEFAULT_ROTATED_FILE_GRACE);
        }

        public Config withPollInterval(Duration d) {
            return new Config(files, stateFile, d, maxLineBytes, maxBatchLines, readExistingFromStart, rotatedFileGrace);
        }

        public Config withMaxLineBytes(int n) {
            return new Config(files, stateFile, pollInterval, n, maxBatchLines, readExistingFromStart, rotatedFileGrace);
        }

        public Config withMaxBatchLines(int n) {
            return new Config(files, stateFile, pollInterval, maxLineBytes, n, readExistingFromStart, rotatedFileGrace);
        }

        public Config withReadExistingFromStart(boolean b) {
            return new Config(files, stateFile, pollInterval, maxLineBytes, maxBatchLines, b, rotatedFileGrace);
        }

        public Config withRotatedFileGrace(Duration d) {
            return new Config(files, stateFile, pollInterval, maxLineBytes, maxBatchLines, readExistingFromStart, d);
        }
    }

    /** Receives lines. Called on the tailer's thread, one path's lines in file order. */
    @FunctionalInterface
    public interface LineSink {
        /**
         * @param file  the configured path the lines come from (also for lines of its rotated files)
         * @param lines complete lines without their line terminator; the list is the sink's to keep
         * @throws Exception to refuse the batch: it is offered again on the next poll
         */
        void accept(Path file, List<String> lines) throws Exception;
    }

    /**
     * Counters since the tailer was created.
     *
     * @param lines          lines delivered
     * @param bytes          file bytes consumed by delivered lines, terminators and skipped parts included
     * @param truncatedLines lines longer than the limit, delivered cut
     * @param rotations      files replaced at their path (renamed or deleted, then recreated or not)
     * @param truncations    files that shrank or were rewritten in place (copytruncate)
     * @param sinkFailures   batches the sink refused (offered again)
     * @param lostRotated    rotated files that could not be found again on start (moved elsewhere or compressed)
     */
    public record Stats(long lines, long bytes, long truncatedLines, long rotations, long truncations, long sinkFailures,
                        long lostRotated) {}

    private final Config config;
    private final LineSink sink;
    private final ObjectMapper json = new ObjectMapper();
    private final ByteBuffer chunk = ByteBuffer.allocate(READ_CHUNK);
    private final List<Tracked> tracked = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong truncatedLines = new AtomicLong();
    private final AtomicLong rotations = new AtomicLong();
    private final AtomicLong truncations = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();
    private final AtomicLong lostRotated = new AtomicLong();
    private boolean dirty;
    private boolean closed;
    private Thread thread;

    /** Reads the saved state and opens the files that exist; {@link #start} begins polling. */
    public FileTailer(Config config, LineSink sink) throws IOException {
        this.config = Objects.requireNonNull(config, "config");
        this.sink = Objects.requireNonNull(sink, "sink");
        Map<String, JsonNode> saved = loadState();
        for (Path p : config.files()) {
            Tracked t = new Tracked(p);
            tracked.add(t);
            restore(t, saved.get(p.toString()));
        }
        dirty = true;
    }

    /** Starts polling on a virtual thread. */
    public synchronized FileTailer start() {
        if (thread != null) throw new IllegalStateException("already started");
        if (closed) throw new IllegalStateException("closed");
        thread = Thread.ofVirtual().name("vigil-file-tailer").start(this::run);
        return this;
    }

    public Stats stats() {
        return new Stats(lines.get(), bytes.get(), truncatedLines.get(), rotations.get(), truncations.get(),
                sinkFailures.get(), lostRotated.get());
    }

    /** Stops polling (waiting for a poll under way), saves the state and closes the files. */
    @Override
    public void close() throws IOException {
        stop.countDown();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (closed) return;
            closed = true;
            dirty = true;
            saveState();
            for (Tracked tr : tracked) {
                if (tr.current != null) tr.current.close();
                for (Reader r : tr.rotated) r.close();
            }
        }
    }

    private void run() {
        while (stop.getCount() > 0) {
            try {
                pollOnce();
            } catch (RuntimeException | IOException e) {
                LOG.warn("file tailer poll failed; retrying in {}", config.pollInterval(), e);
            }
            try {
                if (stop.await(config.pollInterval().toNanos(), TimeUnit.NANOSECONDS)) return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One poll of every path: read what is new, deliver it, save the state if it changed. */
    synchronized void pollOnce() throws IOException {
        if (closed) return;
        for (Tracked t : tracked) {
            try {
                poll(t);
            } catch (IOException e) {
                LOG.warn("reading {} failed; reopening on the next poll", t.path, e);
                if (t.current != null) t.current.close();
                t.current = null;
                dirty = true;
            }
        }
        if (dirty) saveState();
    }

    // ------------------------------------------------------------------------------------ polling

    private void poll(Tracked t) throws IOException {
        for (Iterator<Reader> it = t.rotated.iterator(); it.hasNext(); ) {
            Reader r = it.next();
            long before = r.readPos;
            try {
                if (!drain(t, r)) return;
            } catch (IOException e) {
                LOG.warn("reading the rotated file of {} failed; its unread end is lost", t.path, e);
                r.close();
                it.remove();
                dirty = true;
                continue;
            }
            if (r.readPos == before && System.nanoTime() - r.lastGrowthNanos >= config.rotatedFileGrace().toNanos()) {
                if (!finish(t, r)) return;
                r.close();
                it.remove();
                dirty = true;
            }
        }
        if (t.current == null) {
            t.current = open(t.path, 0, false);
            if (t.current == null) return;
            dirty = true;
        }
        Reader c = t.current;
        long size = c.ch.size();
        if (size < c.readPos || rewritten(c, size)) {
            truncations.incrementAndGet();
            LOG.info("{} was truncated (size {} < {} read); reading it from the start", t.path, size, c.readPos);
            c.resetTo(0, false);
            dirty = true;
        }
        c.lastSize = size;
        if (!drain(t, c)) return;
        Long inode = inode(t.path);
        if (inode == null || inode != c.inode) {
            rotations.incrementAndGet();
            LOG.info("{} was rotated (inode {} -> {}); finishing the old file, then reading the new one", t.path, c.inode, inode);
            c.lastGrowthNanos = System.nanoTime();
            t.rotated.add(c);
            t.current = null;
            dirty = true;
            if (inode != null) {
                t.current = open(t.path, 0, false);
                if (t.current != null) drain(t, t.current);
            }
        }
    }

    /**
     * A file truncated and written again between two polls: the byte before the current line start
     * is no longer the newline that ended the previous line.
     */
    private boolean rewritten(Reader r, long size) throws IOException {
        long lineStart = r.readPos - r.pendingLen;
        if (r.discarding || lineStart == 0 || size == r.lastSize || size < lineStart) return false;
        ByteBuffer one = ByteBuffer.allocate(1);
        return r.ch.read(one, lineStart - 1) == 1 && one.get(0) != '\n';
    }

    /** Reads what the file has now, delivering full batches; false when the sink refused a batch. */
    private boolean drain(Tracked t, Reader r) throws IOException {
        Batch batch = new Batch();
        int max = config.maxLineBytes();
        while (true) {
            chunk.clear();
            int n = r.ch.read(chunk, r.readPos);
            if (n <= 0) break;
            long chunkStart = r.readPos;
            r.readPos += n;
            r.lastGrowthNanos = System.nanoTime();
            byte[] b = chunk.array();
            for (int i = 0; i < n; i++) {
                byte x = b[i];
                if (x == '\n') {
                    if (r.discarding) {
                        r.discarding = false;
                    } else {
                        int len = r.pendingLen;
                        if (len > 0 && r.pending[len - 1] == '\r') len--;
                        batch.add(new String(r.pending, 0, len, StandardCharsets.UTF_8), false);
                        r.pendingLen = 0;
                    }
                    r.resumeOffset = chunkStart + i + 1;
                    r.resumeDiscarding = false;
                    if (batch.lines.size() >= config.maxBatchLines() && !deliver(t, r, batch)) return false;
                } else if (!r.discarding) {
                    if (r.pendingLen == max) {
                        batch.add(new String(r.pending, 0, utf8Boundary(r.pending, max), StandardCharsets.UTF_8), true);
                        r.pendingLen = 0;
                        r.discarding = true;
                        r.resumeOffset = chunkStart + i + 1;
                        r.resumeDiscarding = true;
                        if (batch.lines.size() >= config.maxBatchLines() && !deliver(t, r, batch)) return false;
                    } else {
                        r.append(x, max);
                    }
                }
            }
            if (r.discarding) {
                r.resumeOffset = r.readPos;
                r.resumeDiscarding = true;
            }
        }
        return deliver(t, r, batch);
    }

    /** A rotated file's last words: its unterminated last line, if any. */
    private boolean finish(Tracked t, Reader r) {
        if (r.pendingLen == 0 || r.discarding) return true;
        Batch batch = new Batch();
        batch.add(new String(r.pending, 0, r.pendingLen, StandardCharsets.UTF_8), false);
        r.pendingLen = 0;
        r.resumeOffset = r.readPos;
        r.resumeDiscarding = false;
        return deliver(t, r, batch);
    }

    private boolean deliver(Tracked t, Reader r, Batch batch) {
        if (!batch.lines.isEmpty()) {
            try {
                sink.accept(t.path, batch.lines);
            } catch (Exception e) {
                sinkFailures.incrementAndGet();
                LOG.warn("the sink refused {} lines of {}; offering them again on the next poll", batch.lines.size(), t.path, e);
                r.resetTo(r.committedOffset, r.committedDiscarding);
                return false;
            }
            lines.addAndGet(batch.lines.size());
            truncatedLines.addAndGet(batch.truncated);
        }
        if (r.resumeOffset != r.committedOffset || r.resumeDiscarding != r.committedDiscarding) {
            bytes.addAndGet(Math.max(0, r.resumeOffset - r.committedOffset));
            r.committedOffset = r.resumeOffset;
            r.committedDiscarding = r.resumeDiscarding;
            dirty = true;
        }
        batch.clear();
        return true;
    }

    /** The length of {@code b[0..len)} without an incomplete UTF-8 sequence at its end. */
    static int utf8Boundary(byte[] b, int len) {
        int i = len - 1;
        int back = 0;
        while (i >= 0 && back < 4 && (b[i] & 0xC0) == 0x80) {
            i--;
            back++;
        }
        if (i < 0) return len;
        int lead = b[i] & 0xFF;
        int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return len - i >= need ? len : i;
    }

    // ------------------------------------------------------------------------------- files, state

    /**
     * Opens {@code path} at {@code offset}, making sure the inode read is the file opened; null when
     * there is no file (or it keeps changing under us; tried again next poll).
     */
    private Reader open(Path path, long offset, boolean discarding) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            Long before = inode(path);
            if (before == null) return null;
            FileChannel ch;
            try {
                ch = FileChannel.open(path, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                continue;
            }
            Long after = inode(path);
            if (before.equals(after)) {
                Reader r = new Reader(ch, before);
                r.resetTo(offset, discarding);
                r.lastSize = ch.size();
                return r;
            }
            ch.close();
        }
        return null;
    }

    static Long inode(Path path) throws IOException {
        try {
            Object ino = Files.getAttribute(path, "unix:ino");
            return ino instanceof Number n ? n.longValue() : null;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void restore(Tracked t, JsonNode saved) throws IOException {
        Long inode = inode(t.path);
        if (saved == null) {
            if (inode == null) return;
            t.current = open(t.path, 0, false);
            if (t.current != null && !config.readExistingFromStart()) {
                long size = t.current.ch.size();
                t.current.resetTo(size, size > 0 && !endsWithNewline(t.current.ch, size));
            }
            return;
        }
        List<JsonNode> readers = new ArrayList<>();
        for (JsonNode r : saved.path("rotated")) readers.add(r);
        if (saved.has("inode")) readers.add(saved);
        for (JsonNode r : readers) {
            long ino = r.path("inode").asLong();
            long offset = r.path("offset").asLong();
            boolean discarding = r.path("discarding").asBoolean();
            Fingerprint fp = new Fingerprint(r.path("fingerprint").asLong(), r.path("fingerprint_bytes").asInt());
            if (inode != null && ino == inode && t.current == null) {
                t.current = resume(t.path, offset, discarding, fp);
            } else {
                Path moved = findByInode(t.path, ino);
                if (moved == null) {
                    lostRotated.incrementAndGet();
                    LOG.warn("{}: the file rotated away (inode {}, read up to {}) is not in {} any more; its unread end is lost",
                            t.path, ino, offset, t.path.getParent());
                    continue;
                }
                Reader rotated = resume(moved, offset, discarding, fp);
                if (rotated != null) {
                    rotated.lastGrowthNanos = System.nanoTime();
                    t.rotated.add(rotated);
                }
            }
        }
        if (t.current == null && inode != null) t.current = open(t.path, 0, false);
    }

    /**
     * Opens at a saved offset, or at 0 when the file is now shorter, starts with other bytes or the
     * offset is not a line start.
     */
    private Reader resume(Path path, long offset, boolean discarding, Fingerprint saved) throws IOException {
        Reader r = open(path, offset, discarding);
        if (r == null) return null;
        long size = r.ch.size();
        boolean lineStart = discarding || offset == 0 || (offset <= size && byteAt(r.ch, offset - 1) == '\n');
        boolean sameStart = saved.length() == 0 || (size >= saved.length() && crc(r.ch, saved.length()) == saved.crc());
        if (offset > size || !lineStart || !sameStart) {
            truncations.incrementAndGet();
            LOG.info("{} is not as it was left (offset {}, size {}); reading it from the start", path, offset, size);
            r.resetTo(0, false);
        }
        return r;
    }

    private static Path findByInode(Path path, long inode) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) return null;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (!Files.isRegularFile(p)) continue;
                Long ino = inode(p);
                if (ino != null && ino == inode) return p;
            }
        }
        return null;
    }

    /** CRC-32 of a file's first {@code length} bytes. */
    static long crc(FileChannel ch, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, b.position()) <= 0) break;
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        return crc.getValue();
    }

    private static boolean endsWithNewline(FileChannel ch, long size) throws IOException {
        return byteAt(ch, size - 1) == '\n';
    }

    private static int byteAt(FileChannel ch, long pos) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        return ch.read(one, pos) == 1 ? one.get(0) : -1;
    }

    private Map<String, JsonNode> loadState() {
        Map<String, JsonNode> byPath = new HashMap<>();
        Path file = config.stateFile();
        if (!Files.exists(file)) return byPath;
        try {
            JsonNode root = json.readTree(file.toFile());
            if (root.path("version").asInt() != STATE_VERSION) {
                LOG.warn("{}: state version {} is not {}; starting without saved positions", file, root.path("version"), STATE_VERSION);
                return byPath;
            }
            for (JsonNode f : root.path("files")) byPath.put(f.path("path").asText(), f);
        } catch (IOException e) {
            LOG.warn("{}: unreadable state ({}); starting without saved positions", file, e.getMessage());
        }
        return byPath;
    }

    private void saveState() throws IOException {
        ObjectNode root = json.createObjectNode();
        root.put("version", STATE_VERSION);
        ArrayNode files = root.putArray("files");
        for (Tracked t : tracked) {
            ObjectNode f = files.addObject();
            f.put("path", t.path.toString());
            if (t.current != null) t.current.writeTo(f);
            ArrayNode rotated = f.putArray("rotated");
            for (Reader r : t.rotated) r.writeTo(rotated.addObject());
        }
        Path target = config.stateFile();
        Path dir = target.getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer data = ByteBuffer.wrap(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            while (data.hasRemaining()) ch.write(data);
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        dirty = false;
    }

    // ------------------------------------------------------------------------------------- holders

    /** A checksum of a file's first bytes. */
    private record Fingerprint(long crc, int length) {}

    /** One configured path: the file now at it and rotated files still being finished. */
    private static final class Tracked {
        final Path path;
        Reader current;
        final List<Reader> rotated = new ArrayList<>(1);

        Tracked(Path path) {
            this.path = path;
        }
    }

    /** One open file and where reading it stands. */
    private static final class Reader {
        final FileChannel ch;
        final long inode;
        /** Next byte to read. */
        long readPos;
        /** The unterminated line read so far. */
        byte[] pending = new byte[1024];
        int pendingLen;
        /** Skipping the rest of an over-long line. */
        boolean discarding;
        /** Where reading would resume given the lines emitted so far. */
        long resumeOffset;
        boolean resumeDiscarding;
        /** The same, for lines the sink accepted: what the state file says. */
        long committedOffset;
        boolean committedDiscarding;
        long lastSize;
        long lastGrowthNanos = System.nanoTime();
        /** Checksum of the first {@code fingerprintLength} bytes, taken when saving. */
        long fingerprint;
        int fingerprintLength;

        Reader(FileChannel ch, long inode) {
            this.ch = ch;
            this.inode = inode;
        }

        void resetTo(long offset, boolean skipping) {
            if (offset < fingerprintLength) fingerprintLength = 0;
            readPos = offset;
            pendingLen = 0;
            discarding = skipping;
            resumeOffset = committedOffset = offset;
            resumeDiscarding = committedDiscarding = skipping;
        }

        void append(byte b, int max) {
            if (pendingLen == pending.length) pending = java.util.Arrays.copyOf(pending, Math.min(max, pending.length * 2));
            pending[pendingLen++] = b;
        }

        void writeTo(ObjectNode o) throws IOException {
            int want = (int) Math.min(committedOffset, FINGERPRINT_BYTES);
            if (want > fingerprintLength) {
                fingerprint = crc(ch, want);
                fingerprintLength = want;
            }
            o.put("inode", inode);
            o.put("offset", committedOffset);
            o.put("discarding", committedDiscarding);
            o.put("fingerprint", fingerprint);
            o.put("fingerprint_bytes", fingerprintLength);
        }

        void close() {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("closing a tailed file", e);
            }
        }
    }

    /** Lines read from one reader, not yet delivered. */
    private static final class Batch {
        List<String> lines = new ArrayList<>();
        int truncated;

        void add(String line, boolean cut) {
            lines.add(line);
            if (cut) truncated++;
        }

        void clear() {
            lines = new ArrayList<>();
            truncated = 0;
        }
    }
}
