package dev.vigil.detect.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    private LogEventJson() {}

    public static ObjectMapper mapper() { return MAPPER; }

    public static ObjectNode toTree(LogEvent e) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", e.id());
        o.put("time", Instant.ofEpochMilli(e.time()).toString());
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
            return fromTree(MAPPER.readTree(json));
        } catch (JsonProcessingException x) {
            throw new IllegalArgumentException("malformed JSON: " + x.getOriginalMessage(), x);
        } catch (java.io.IOException x) {
            throw new IllegalArgumentException("malformed JSON: " + x.getMessage(), x);
        }
    }

    public static LogEvent fromJson(String json) {
        try {
            return fromTree(MAPPER.readTree(json));
        } catch (JsonProcessingException x) {
            throw new IllegalArgumentException("malformed JSON: " + x.getOriginalMessage(), x);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
