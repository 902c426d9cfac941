package dev.vigil.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * One segment file: records from {@link #base} on. {@link #size} is the published size: every byte
 * below it belongs to a complete record that readers may read. Written only under the journal's
 * writer lock; read by anyone.
 */
final class Segment {

    /** Suffix of segment files; the name before it is the base offset, zero-padded to 20 digits. */
    static final String SUFFIX = ".seg";

    final long base;
    final Path path;
    volatile long size;
    /** Records in the segment, or -1 if not yet counted (segments older than the last when the journal was opened). */
    long records;

    Segment(long base, Path path, long size, long records) {
        this.base = base;
        this.path = path;
        this.size = size;
        this.records = records;
    }

    long end() {
        return base + size;
    }

    static String fileName(long base) {
        return String.format(Locale.ROOT, "%020d%s", base, SUFFIX);
    }

    /** The base offset named by a segment file name, or -1 if the name is not a segment's. */
    static long parseBase(String name) {
        if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) return -1;
        long v = 0;
        for (int i = 0; i < 20; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
            if (v < 0) return -1;
        }
        return v;
    }

    /** Counts records by walking their headers (no CRC check); stops at the first header that does not fit. */
    long countRecords() throws IOException {
        if (records >= 0) return records;
        long n = 0;
        ByteBuffer header = ByteBuffer.allocate(Journal.HEADER_BYTES);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long pos = 0;
            while (pos + Journal.HEADER_BYTES <= size) {
                header.clear();
                while (header.hasRemaining()) {
                    if (ch.read(header, pos + header.position()) < 0) return n;
                }
                int len = header.getInt(0);
                if (len < 0 || pos + Journal.HEADER_BYTES + len > size) break;
                pos += Journal.HEADER_BYTES + len;
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return path.getFileName() + "[" + base + ", " + end() + ")";
    }
}
