package dev.vigil.detect.engine;

import dev.vigil.detect.state.GroupKey;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Writes a {@link StateSnapshot}: length-prefixed records of numbers and strings, through a
 * buffer that goes to the stream (and into the CRC32C) only between records, ending with the
 * checksum. A record is {@link #begin begun}, filled, and {@link #end ended}; its length is known
 * only then, so its one-byte length slot is widened in place when the record is longer.
 *
 * <p>Encodings: counts and non-negative numbers as unsigned varints (7 bits a byte), numbers that
 * may be negative as zigzag varints, times as zigzag varints of their distance to a base time
 * (small: most state is recent), doubles as their raw bits, strings as their length and each UTF-16
 * unit as a varint (1 byte per ASCII char, and lossless for any string, lone surrogates included,
 * where UTF-8 would turn them into '?').
 */
final class SnapshotOutput {

    private static final int FLUSH_AT = 1 << 16;

    private final OutputStream out;
    private final CRC32C crc = new CRC32C();
    private byte[] buf = new byte[FLUSH_AT + 1024];
    private int n;
    private int recordStart = -1;
    private long flushed;
    /** What times are written relative to. */
    long baseTime;

    SnapshotOutput(OutputStream out) {
        this.out = out;
    }

    void begin() {
        if (recordStart >= 0) throw new IllegalStateException("a record is already open");
        ensure(1);
        recordStart = n++;
    }

    void end() throws IOException {
        int len = n - recordStart - 1;
        int extra = varLength(len) - 1;
        if (extra > 0) {
            ensure(extra);
            System.arraycopy(buf, recordStart + 1, buf, recordStart + 1 + extra, len);
            n += extra;
        }
        int at = recordStart;
        long v = len;
        while ((v & ~0x7FL) != 0) {
            buf[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[at] = (byte) v;
        recordStart = -1;
        if (n >= FLUSH_AT) flush();
    }

    /** A record of its own: {@code body} fills it. */
    void record(Body body) throws IOException {
        begin();
        body.write(this);
        end();
    }

    @FunctionalInterface
    interface Body {
        void write(SnapshotOutput out) throws IOException;
    }

    void writeByte(int b) {
        ensure(1);
        buf[n++] = (byte) b;
    }

    void writeBytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, n, b.length);
        n += b.length;
    }

    void writeVar(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[n++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[n++] = (byte) v;
    }

    void writeZigzag(long v) { writeVar((v << 1) ^ (v >> 63)); }

    /** A time (or a sentinel such as {@code Long.MIN_VALUE}: the wrapping difference is exact) relative to {@link #baseTime}. */
    void writeTime(long t) { writeZigzag(t - baseTime); }

    void writeLong(long v) {
        ensure(8);
        for (int i = 56; i >= 0; i -= 8) buf[n++] = (byte) (v >>> i);
    }

    void writeDouble(double d) { writeLong(Double.doubleToRawLongBits(d)); }

    void writeString(String s) {
        int len = s.length();
        writeVar(len);
        ensure(3 * len);
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) buf[n++] = (byte) c;
            else writeVar(c);
        }
    }

    /** A string that may be null. */
    void writeNullable(String s) {
        if (s == null) {
            writeByte(0);
        } else {
            writeByte(1);
            writeString(s);
        }
    }

    void writeKey(GroupKey k) {
        int size = k.size();
        writeVar(size);
        for (int i = 0; i < size; i++) writeNullable(k.value(i));
    }

    /** Writes the buffered records and the checksum; returns the bytes written in all. */
    long finish() throws IOException {
        if (recordStart >= 0) throw new IllegalStateException("a record is still open");
        flush();
        int c = (int) crc.getValue();
        out.write(new byte[]{(byte) (c >>> 24), (byte) (c >>> 16), (byte) (c >>> 8), (byte) c});
        out.flush();
        return flushed + 4;
    }

    private void flush() throws IOException {
        if (n == 0) return;
        crc.update(buf, 0, n);
        out.write(buf, 0, n);
        flushed += n;
        n = 0;
    }

    private void ensure(int more) {
        if (n + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
    }

    private static int varLength(long v) {
        int k = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            k++;
        }
        return k;
    }
}
