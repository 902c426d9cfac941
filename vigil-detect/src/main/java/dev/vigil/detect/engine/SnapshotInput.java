package dev.vigil.detect.engine;

import dev.vigil.detect.engine.StateSnapshot.SnapshotException;
import dev.vigil.detect.state.GroupKey;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Reads what {@link SnapshotOutput} wrote, one record at a time: {@link #next} reads a record
 * into memory (and into the CRC32C), the read methods take its fields, and {@link #done} checks
 * that nothing of it is left, so a reader that disagrees with the writer about a record's shape
 * fails at that record rather than somewhere after it. Every failure is a
 * {@link SnapshotException} that says where (byte offset) and why.
 */
final class SnapshotInput {

    /** Larger records are taken for corruption: a group of 10,000 long values is far below it. */
    private static final int MAX_RECORD = 256 << 20;

    private final InputStream in;
    private final CRC32C crc = new CRC32C();
    private byte[] rec = new byte[1024];
    private int pos;
    private int limit;
    /** Bytes consumed from the stream, for messages. */
    private long offset;
    private long recordOffset;
    /** What times were written relative to. */
    long baseTime;

    SnapshotInput(InputStream in) {
        this.in = in;
    }

    /** Reads the next record; fails when the stream ends first (a truncated file). */
    void next() throws IOException {
        if (pos != limit) throw malformed((limit - pos) + " bytes of the record at byte " + recordOffset + " were not read");
        recordOffset = offset;
        long len = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.read();
            if (b < 0) throw truncated();
            crc.update(b);
            offset++;
            len |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) break;
            if (shift > 28) throw malformed("a record length at byte " + recordOffset + " is not a number");
        }
        if (len > MAX_RECORD) throw malformed("a record at byte " + recordOffset + " claims " + len + " bytes");
        int l = (int) len;
        if (rec.length < l) rec = new byte[Math.max(l, rec.length * 2)];
        int got = in.readNBytes(rec, 0, l);
        crc.update(rec, 0, got);
        offset += got;
        if (got < l) throw truncated();
        pos = 0;
        limit = l;
    }

    /** Reads {@code len} bytes outside any record (the file's magic and version). */
    byte[] readRaw(int len) throws IOException {
        byte[] b = in.readNBytes(len);
        crc.update(b);
        offset += b.length;
        if (b.length < len) throw truncated();
        return b;
    }

    /** Skips {@code records} whole records (a family no current rule has). */
    void skip(long records) throws IOException {
        for (long i = 0; i < records; i++) {
            next();
            pos = limit;
        }
    }

    /** Checks that the current record was read to its end. */
    void done() throws SnapshotException {
        if (pos != limit) throw malformed((limit - pos) + " bytes of the record at byte " + recordOffset + " were not read");
    }

    /** Reads the checksum after the last record and compares it with what was read; nothing may follow it. */
    void verifyChecksum() throws IOException {
        done();
        int expected = (int) crc.getValue();
        byte[] b = in.readNBytes(4);
        if (b.length < 4) throw truncated();
        int stored = (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
        if (stored != expected) {
            throw new SnapshotException("checksum mismatch: the file is corrupt (CRC32C " + Integer.toHexString(stored)
                    + " stored, " + Integer.toHexString(expected) + " computed over " + offset + " bytes)");
        }
        if (in.read() >= 0) throw malformed("bytes follow the checksum at byte " + (offset + 4));
    }

    int readByte() throws SnapshotException {
        if (pos >= limit) throw shortRecord();
        return rec[pos++] & 0xFF;
    }

    byte[] readBytes(int len) throws SnapshotException {
        if (limit - pos < len) throw shortRecord();
        byte[] b = new byte[len];
        System.arraycopy(rec, pos, b, 0, len);
        pos += len;
        return b;
    }

    long readVar() throws SnapshotException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) throw shortRecord();
            byte b = rec[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) return v;
        }
        throw malformed("a number in the record at byte " + recordOffset + " is longer than 10 bytes");
    }

    /** A count or index: a varint that must fit {@code 0..max}. */
    int readCount(int max) throws SnapshotException {
        long v = readVar();
        if (v < 0 || v > max) throw malformed("a count of " + v + " in the record at byte " + recordOffset + " (at most " + max + ")");
        return (int) v;
    }

    /** A count of items of at least a byte each: at most what is left of the record. */
    int readLength() throws SnapshotException { return readCount(limit - pos); }

    long readZigzag() throws SnapshotException {
        long v = readVar();
        return (v >>> 1) ^ -(v & 1);
    }

    long readTime() throws SnapshotException { return baseTime + readZigzag(); }

    long readLong() throws SnapshotException {
        if (limit - pos < 8) throw shortRecord();
        long v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | (rec[pos++] & 0xFF);
        return v;
    }

    double readDouble() throws SnapshotException { return Double.longBitsToDouble(readLong()); }

    String readString() throws SnapshotException {
        int len = readLength(); // at least a byte per char
        char[] c = new char[len];
        for (int i = 0; i < len; i++) {
            if (pos >= limit) throw shortRecord();
            byte b = rec[pos];
            if (b >= 0) {
                c[i] = (char) b;
                pos++;
            } else {
                long v = readVar();
                if (v > Character.MAX_VALUE) throw malformed("a character " + v + " in the record at byte " + recordOffset);
                c[i] = (char) v;
            }
        }
        return new String(c);
    }

    String readNullable() throws SnapshotException {
        return switch (readByte()) {
            case 0 -> null;
            case 1 -> readString();
            default -> throw malformed("a string flag in the record at byte " + recordOffset + " is neither 0 nor 1");
        };
    }

    GroupKey readKey() throws SnapshotException {
        int size = readLength();
        if (size == 0) return GroupKey.NONE;
        String[] v = new String[size];
        for (int i = 0; i < size; i++) v[i] = readNullable();
        return new GroupKey(v);
    }

    long offset() { return offset; }

    SnapshotException malformed(String why) {
        return new SnapshotException("malformed: " + why);
    }

    private SnapshotException shortRecord() {
        return malformed("the record at byte " + recordOffset + " ends early");
    }

    private SnapshotException truncated() {
        return new SnapshotException("truncated: the file ends at byte " + offset + ", before the snapshot's end",
                new EOFException());
    }
}
