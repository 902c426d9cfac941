package dev.vigil.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads and checks records of one segment file through a reused direct buffer. Used by
 * {@link JournalReader} and by recovery when a journal opens. Not thread-safe.
 *
 * <p>A record is {@code [u32 length][u32 CRC32C][payload]}, big-endian; the CRC covers the four
 * length bytes and the payload, so a zero-filled tail (what some file systems leave after a crash)
 * does not pass for empty records.
 */
final class RecordReader {

    /** Capacity of the read buffer; records with bigger payloads are read straight into their array. */
    static final int BUFFER_BYTES = 256 << 10;

    private static final byte[] EMPTY = new byte[0];

    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final CRC32C crc = new CRC32C();
    private FileChannel channel;
    /** File position of buf[0], and how many bytes from there are valid. */
    private long bufPos;
    private int bufLen;
    private int expectedCrc;
    private String problem;

    void reset(FileChannel ch) {
        channel = ch;
        bufPos = 0;
        bufLen = 0;
    }

    /** Why the last {@link #header} or {@link #payload} call failed. */
    String problem() {
        return problem;
    }

    /**
     * Reads the header of the record at {@code pos}, which must lie below {@code limit} (the
     * segment's readable size). Returns the payload length, or -1 if the header is not that of a
     * record that fits below {@code limit} (see {@link #problem()}).
     */
    int header(long pos, long limit) throws IOException {
        if (limit - pos < Journal.HEADER_BYTES) {
            problem = (limit - pos) + " stray bytes after the last record, too few for a header";
            return -1;
        }
        if (!ensure(pos, Journal.HEADER_BYTES, limit)) return -1;
        int i = (int) (pos - bufPos);
        int len = buf.getInt(i);
        expectedCrc = buf.getInt(i + 4);
        if (len < 0 || len > limit - pos - Journal.HEADER_BYTES) {
            problem = "record length " + Integer.toUnsignedString(len) + " overruns the segment (" + (limit - pos - Journal.HEADER_BYTES)
                    + " bytes left after the header)";
            return -1;
        }
        return len;
    }

    /**
     * Reads and checks the payload of the record whose {@link #header} was just read. Returns it (a
     * fresh array, or a shared empty one when {@code copy} is false), or null if its CRC does not match.
     */
    byte[] payload(long pos, int len, boolean copy) throws IOException {
        long at = pos + Journal.HEADER_BYTES;
        crc.reset();
        crc.update(len >>> 24);
        crc.update(len >>> 16);
        crc.update(len >>> 8);
        crc.update(len);
        byte[] out;
        if (len <= BUFFER_BYTES) {
            if (!ensure(at, len, at + len)) return null;
            int i = (int) (at - bufPos);
            buf.limit(i + len).position(i);
            crc.update(buf);
            buf.limit(bufLen).position(0);
            out = copy ? new byte[len] : EMPTY;
            if (copy) buf.get(i, out);
        } else {
            out = new byte[len];
            ByteBuffer dst = ByteBuffer.wrap(out);
            while (dst.hasRemaining()) {
                if (channel.read(dst, at + dst.position()) < 0) {
                    problem = "the file ends at " + (at + dst.position()) + ", inside the record";
                    return null;
                }
            }
            crc.update(out, 0, len);
            if (!copy) out = EMPTY;
        }
        if ((int) crc.getValue() != expectedCrc) {
            problem = "CRC32C mismatch (stored " + Integer.toHexString(expectedCrc) + ", computed "
                    + Integer.toHexString((int) crc.getValue()) + ")";
            return null;
        }
        return out;
    }

    /** Makes bytes [pos, pos + n) of the file available in buf, reading ahead up to {@code limit}. */
    private boolean ensure(long pos, int n, long limit) throws IOException {
        if (pos >= bufPos && pos + n <= bufPos + bufLen) return true;
        buf.clear();
        int want = (int) Math.min(BUFFER_BYTES, Math.max(n, limit - pos));
        buf.limit(want);
        while (buf.position() < n) {
            int r = channel.read(buf, pos + buf.position());
            if (r < 0) {
                problem = "the file ends at " + (pos + buf.position()) + ", inside the record";
                bufLen = 0;
                buf.clear();
                return false;
            }
        }
        bufPos = pos;
        bufLen = buf.position();
        buf.limit(bufLen).position(0);
        return true;
    }
}
