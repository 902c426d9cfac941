package dev.vigil.agent.ship;

import dev.vigil.journal.JournalRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Lines read from the buffer to be sent in one request: buffer offsets {@code [start, end)}, the id
 * derived from them, and the gzipped body (built on the first attempt, re-sent as is afterwards).
 * Used by the sender thread only.
 */
final class Batch {

    private final List<JournalRecord> lines;
    private final long start;
    private final long end;
    private final String id;
    private byte[] body;

    private Batch(List<JournalRecord> lines, String agentId) {
        this.lines = List.copyOf(lines);
        this.start = lines.getFirst().offset();
        this.end = lines.getLast().nextOffset();
        this.id = id(agentId, start, end);
    }

    /** A batch of {@code lines} (at least one, contiguous in the buffer). */
    static Batch of(List<JournalRecord> lines, String agentId) {
        return new Batch(lines, agentId);
    }

    /** The batch id: the same for the same lines on every attempt, from this run or the next. */
    static String id(String agentId, long start, long end) {
        return agentId + ":" + start + "-" + end;
    }

    List<JournalRecord> lines() { return lines; }

    long start() { return start; }

    long end() { return end; }

    String id() { return id; }

    /** The lines as gzipped NDJSON (a newline after each line that lacks one). */
    byte[] body() {
        if (body == null) body = gzip(lines);
        return body;
    }

    /** This batch without its lines below {@code offset} (deleted from the full buffer), or null if none is left. */
    Batch retainFrom(long offset, String agentId) {
        if (start >= offset) return this;
        List<JournalRecord> kept = lines.stream().filter(r -> r.offset() >= offset).toList();
        return kept.isEmpty() ? null : new Batch(kept, agentId);
    }

    /** The first ({@code 0}) or second ({@code 1}) half of the lines; the batch must have two or more. */
    Batch half(int which, String agentId) {
        int mid = lines.size() / 2;
        return new Batch(which == 0 ? lines.subList(0, mid) : lines.subList(mid, lines.size()), agentId);
    }

    private static byte[] gzip(List<JournalRecord> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (GZIPOutputStream gz = new FastGzip(out)) {
            for (JournalRecord r : lines) {
                byte[] p = r.payload();
                gz.write(p);
                if (p.length == 0 || p[p.length - 1] != '\n') gz.write('\n');
            }
        } catch (IOException e) {
            throw new IllegalStateException("gzip into memory failed", e);
        }
        return out.toByteArray();
    }

    /** gzip at the fastest level: NDJSON compresses well anyway, and the agent's CPU is the host's. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(ByteArrayOutputStream out) throws IOException {
            super(out, 64 << 10);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    @Override
    public String toString() {
        return "Batch[" + id + ", " + lines.size() + " lines]";
    }
}
