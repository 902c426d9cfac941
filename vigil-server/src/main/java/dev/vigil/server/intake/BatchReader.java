package dev.vigil.server.intake;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Splits a request body into lines under limits: the body (after gzip, so a small bomb can't
 * inflate past it), each line, and the number of lines. Blank lines are skipped; CRLF is
 * accepted; a line that is not valid UTF-8 is refused with its number.
 *
 * <p>Every accepted event passes here, 4-5 KB for an agent event: line ends are looked for and
 * lines checked for non-ASCII bytes eight bytes at a time, and only a line with some is decoded
 * to check it is UTF-8.
 */
public final class BatchReader {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L, HIGHS = 0x8080808080808080L, NEWLINES = 0x0A0A0A0A0A0A0A0AL;

    /** One non-blank line and its 1-based number in the body. */
    public record Line(long number, byte[] bytes) {
        public String text() { return new String(bytes, StandardCharsets.UTF_8); }
    }

    private final long maxBodyBytes;
    private final int maxLineBytes;
    private final int maxLines;

    public BatchReader(long maxBodyBytes, int maxLineBytes, int maxLines) {
        this.maxBodyBytes = maxBodyBytes;
        this.maxLineBytes = maxLineBytes;
        this.maxLines = maxLines;
    }

    public List<Line> read(InputStream body, boolean gzip) throws IntakeException, IOException {
        InputStream in = body;
        if (gzip) {
            try {
                in = new GZIPInputStream(body, 64 * 1024);
            } catch (ZipException | EOFException x) {
                throw new IntakeException(400, 0, "Content-Encoding is gzip but the body is not gzip data");
            }
        }
        List<Line> lines = new ArrayList<>();
        ByteArrayOutputStream cur = new ByteArrayOutputStream(1024);
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        long lineNo = 1;
        boolean tooLong = false;
        int n;
        try {
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBodyBytes)
                    throw new IntakeException(413, 0, "body is larger than " + maxBodyBytes + " bytes" + (gzip ? " once decompressed" : "") + ": split the batch");
                int start = 0;
                for (int nl; (nl = newline(buf, start, n)) >= 0; start = nl + 1) {
                    append(cur, buf, start, nl - start, lineNo);
                    finish(cur, lineNo, lines);
                    lineNo++;
                }
                append(cur, buf, start, n - start, lineNo);
            }
        } catch (ZipException | EOFException x) {
            throw new IntakeException(400, lineNo, "the gzip body is truncated or corrupt near line " + lineNo);
        }
        finish(cur, lineNo, lines);
        if (lines.size() > maxLines) throw new IntakeException(413, 0, "more than " + maxLines + " lines in one batch: split it");
        return lines;
    }

    private void append(ByteArrayOutputStream cur, byte[] buf, int off, int len, long lineNo) throws IntakeException {
        if (cur.size() + len > maxLineBytes)
            throw new IntakeException(413, lineNo, "line " + lineNo + " is longer than " + maxLineBytes + " bytes");
        cur.write(buf, off, len);
    }

    private static void finish(ByteArrayOutputStream cur, long lineNo, List<Line> lines) throws IntakeException {
        byte[] b = cur.toByteArray();
        cur.reset();
        int len = b.length;
        if (len > 0 && b[len - 1] == '\r') len--;
        boolean blank = true;
        for (int i = 0; i < len && blank; i++) blank = b[i] == ' ' || b[i] == '\t';
        if (blank) return;
        if (len != b.length) b = java.util.Arrays.copyOf(b, len);
        if (ascii(b)) {
            lines.add(new Line(lineNo, b));
            return;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
        } catch (CharacterCodingException x) {
            throw new IntakeException(400, lineNo, "line " + lineNo + " is not valid UTF-8");
        }
        lines.add(new Line(lineNo, b));
    }

    /** The index of the first {@code '\n'} in {@code b[from, to)}, or -1. */
    static int newline(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(b, i) ^ NEWLINES; // a zero byte where b has '\n'
            long zero = (w - ONES) & ~w & HIGHS; // the lowest flagged byte is the first zero (borrows only go up)
            if (zero != 0) return i + (Long.numberOfTrailingZeros(zero) >>> 3);
        }
        for (; i < to; i++) if (b[i] == '\n') return i;
        return -1;
    }

    /** Whether every byte of {@code b} is ASCII (then it is valid UTF-8 as it is). */
    static boolean ascii(byte[] b) {
        long any = 0;
        int i = 0;
        for (; i + 8 <= b.length; i += 8) any |= (long) LONGS.get(b, i);
        for (; i < b.length; i++) any |= b[i];
        return (any & HIGHS) == 0;
    }
}
