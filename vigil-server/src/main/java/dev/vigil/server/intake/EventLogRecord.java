package dev.vigil.server.intake;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What the event log holds: accepted events ({@code E} + the event's stored JSON) and, after
 * the events of each accepted batch, a commit marker ({@code B} + batch id + count). Detection
 * only takes a batch's events once it reads the marker, and takes exactly {@code count} of them:
 * events of a batch whose append was torn by a crash were never acknowledged, carry no marker,
 * and are left out (the sender re-sends the batch).
 */
public sealed interface EventLogRecord {

    byte EVENT = 'E';
    byte BATCH = 'B';

    record Event(byte[] json) implements EventLogRecord {}

    record BatchCommit(String batchId, int count) implements EventLogRecord {}

    static byte[] event(byte[] json) {
        byte[] out = new byte[json.length + 1];
        out[0] = EVENT;
        System.arraycopy(json, 0, out, 1, json.length);
        return out;
    }

    static byte[] batchCommit(String batchId, int count) {
        return (((char) BATCH) + Integer.toString(count) + " " + batchId).getBytes(StandardCharsets.UTF_8);
    }

    static EventLogRecord decode(byte[] payload) {
        if (payload.length == 0) throw new IllegalArgumentException("empty event log record");
        return switch (payload[0]) {
            case EVENT -> new Event(Arrays.copyOfRange(payload, 1, payload.length));
            case BATCH -> {
                String s = new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8);
                int sp = s.indexOf(' ');
                yield new BatchCommit(s.substring(sp + 1), Integer.parseInt(s.substring(0, sp)));
            }
            default -> throw new IllegalArgumentException("unknown event log record type " + payload[0]);
        };
    }
}
