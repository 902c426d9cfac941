package dev.vigil.detect.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored and exchanged JSON form of a {@link LogEvent}: reserved attributes at the top,
 * free-form ones under {@code attributes}.
 * <pre>{"id":"…","time":"2026-11-22T10:00:00.123Z","host":"web-1","source":"sshd","service":"sshd",
 *  "status":"info","message":"…","tags":["env:prod"],"attributes":{"usr":{"name":"root"}}}</pre>
 */
public final class LogEventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Decodes stored events with {@link EventNodes}' objects: detection reads them (see {@link AttributeMap}). */
    private static final ObjectReader DECODER = MAPPER.reader().with(EventNodes.INSTANCE);

    private LogEventJson() {}

    public static ObjectMapper mapper() { return MAPPER; }

    public static ObjectNode toTree(LogEvent e) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", e.id());
        o.put("time", isoInstant(e.time()));
        o.put("host", e.host());
        o.put("source", e.source());
        o.put("service", e.service());
        o.put("status", e.status());
        o.put("message", e.message());
        ArrayNode tags = o.putArray("tags");
        for (String t : e.tags()) tags.add(t);
        o.set("attributes", e.attributes());
        return o;
    }

    /** The first millisecond of year 10000: from there on {@link Instant#toString} writes a sign and five digits. */
    private static final long YEAR_10000 = 253_402_300_800_000L;

    /**
     * {@code Instant.ofEpochMilli(millis).toString()} ({@code 2026-11-22T10:00:00.123Z}, no fraction
     * when it is zero), written directly for 1970 to 9999: samples are rendered at every drain,
     * and the formatter's temporaries were most of what that allocated.
     */
    static String isoInstant(long millis) {
        if (millis < 0 || millis >= YEAR_10000) return Instant.ofEpochMilli(millis).toString();
        long days = millis / 86_400_000L;
        int ms = (int) (millis % 86_400_000L);
        // civil date from days since 1970-01-01 (H. Hinnant's algorithm, era of 400 years)
        long z = days + 719_468;
        long era = z / 146_097;
        int doe = (int) (z - era * 146_097);
        int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int mp = (5 * doy + 2) / 153;
        int day = doy - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yoe + era * 400) + (month <= 2 ? 1 : 0);
        int frac = ms % 1000;
        byte[] b = new byte[frac == 0 ? 20 : 24];
        digits(b, 0, year, 4);
        b[4] = '-';
        digits(b, 5, month, 2);
        b[7] = '-';
        digits(b, 8, day, 2);
        b[10] = 'T';
        digits(b, 11, ms / 3_600_000, 2);
        b[13] = ':';
        digits(b, 14, ms / 60_000 % 60, 2);
        b[16] = ':';
        digits(b, 17, ms / 1000 % 60, 2);
        if (frac != 0) {
            b[19] = '.';
            digits(b, 20, frac, 3);
        }
        b[b.length - 1] = 'Z';
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static void digits(byte[] b, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--, value /= 10) b[i] = (byte) ('0' + value % 10);
    }

    public static String toJson(LogEvent e) {
        try {
            return MAPPER.writeValueAsString(toTree(e));
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }

    public static byte[] toBytes(LogEvent e) {
        try {
            return MAPPER.writeValueAsBytes(toTree(e));
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }

    /** Reads the stored form; throws {@link IllegalArgumentException} naming what is wrong. */
    public static LogEvent fromTree(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("a log event is a JSON object");
        JsonNode time = n.get("time");
        long millis;
        if (time == null) throw new IllegalArgumentException("missing \"time\"");
        if (time.isNumber()) millis = time.asLong();
        else {
            try {
                millis = Instant.parse(time.asText()).toEpochMilli();
            } catch (RuntimeException x) {
                throw new IllegalArgumentException("\"time\" is not an ISO-8601 instant: " + time.asText());
            }
        }
        List<String> tags = new ArrayList<>();
        JsonNode t = n.get("tags");
        if (t != null && t.isArray()) for (JsonNode v : t) tags.add(v.asText());
        JsonNode attrs = n.get("attributes");
        ObjectNode attributes = attrs instanceof ObjectNode on ? on : JsonNodeFactory.instance.objectNode();
        return new LogEvent(text(n, "id"), millis, text(n, "host"), text(n, "source"), text(n, "service"),
                text(n, "status"), text(n, "message"), tags, attributes);
    }

    public static LogEvent fromJson(byte[] json) {
        try {
            return fromTree(DECODER.readTree(json));
        } catch (JsonProcessingException x) {
            throw new IllegalArgumentException("malformed JSON: " + x.getOriginalMessage(), x);
        } catch (java.io.IOException x) {
            throw new IllegalArgumentException("malformed JSON: " + x.getMessage(), x);
        }
    }

    public static LogEvent fromJson(String json) {
        try {
            return fromTree(DECODER.readTree(json));
        } catch (JsonProcessingException x) {
            throw new IllegalArgumentException("malformed JSON: " + x.getOriginalMessage(), x);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
