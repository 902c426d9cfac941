package dev.vigil.detect.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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

    /**
     * Whether the parser interns the field names it reads (Jackson does by default): checked once
     * on a name no one else uses. The projected decode then marks its objects' keys as interned
     * ({@link EventObject#setParsed}), and an attribute path misses an absent key without reading
     * the present ones' text.
     */
    static final boolean PARSER_INTERNS = parserInterns();

    private static boolean parserInterns() {
        String fresh = "vigil-intern-check-" + Long.toHexString(System.nanoTime()) + "-" + Long.toHexString(System.identityHashCode(new Object()));
        try (JsonParser p = MAPPER.createParser(("{\"" + fresh + "\":0}").getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            p.nextToken();
            p.nextToken();
            String name = p.currentName();
            return name.equals(fresh) && name == name.intern();
        } catch (java.io.IOException x) {
            return false;
        }
    }

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

    /**
     * The inverse of {@link #isoInstant} for what it writes ({@code 2026-11-22T10:00:00.123Z}, or
     * without the fraction), days 1-28 of any month: {@code Long.MIN_VALUE} for anything else, which
     * {@link Instant#parse} then reads (and checks). Every decode reads one; the parser's general
     * path cost as much as the rest of a projected decode.
     */
    static long parseIsoInstant(String s) {
        int n = s.length();
        if ((n != 20 && n != 24) || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') return Long.MIN_VALUE;
        int year = num(s, 0, 4), month = num(s, 5, 2), day = num(s, 8, 2);
        int hour = num(s, 11, 2), minute = num(s, 14, 2), second = num(s, 17, 2);
        int frac = 0;
        if (n == 24) {
            if (s.charAt(19) != '.') return Long.MIN_VALUE;
            frac = num(s, 20, 3);
        }
        if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || frac < 0) {
            return Long.MIN_VALUE;
        }
        // days since 1970-01-01 of a civil date (H. Hinnant's algorithm, era of 400 years)
        int y = month <= 2 ? year - 1 : year;
        int era = y / 400;
        int yoe = y - era * 400;
        int doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        long days = era * 146_097L + doe - 719_468;
        return days * 86_400_000L + hour * 3_600_000L + minute * 60_000L + second * 1000L + frac;
    }

    /** The decimal number of {@code width} digits at {@code at}, or -1 when one is not a digit. */
    private static int num(String s, int at, int width) {
        int v = 0;
        for (int i = at; i < at + width; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) return -1;
            v = v * 10 + d;
        }
        return v;
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
        long millis = millis(n.get("time"));
        List<String> tags = new ArrayList<>();
        JsonNode t = n.get("tags");
        if (t != null && t.isArray()) for (JsonNode v : t) tags.add(v.asText());
        JsonNode attrs = n.get("attributes");
        ObjectNode attributes = attrs instanceof ObjectNode on ? on : JsonNodeFactory.instance.objectNode();
        return new LogEvent(text(n, "id"), millis, text(n, "host"), text(n, "source"), text(n, "service"),
                text(n, "status"), text(n, "message"), tags, attributes);
    }

    private static long millis(JsonNode time) {
        if (time == null) throw new IllegalArgumentException("missing \"time\"");
        if (time.isNumber()) return time.asLong();
        long fast = parseIsoInstant(time.asText());
        if (fast != Long.MIN_VALUE) return fast;
        try {
            return Instant.parse(time.asText()).toEpochMilli();
        } catch (RuntimeException x) {
            throw new IllegalArgumentException("\"time\" is not an ISO-8601 instant: " + time.asText());
        }
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

    /**
     * Reads the stored form keeping of the attributes only what {@code projection} reaches: the
     * reserved attributes and tags as {@link #fromJson(byte[])} reads them, and attributes on
     * which every path of the projection finds what it finds in the full decode. The event
     * keeps {@code json} (not copied), so {@link #complete} can decode the whole event later;
     * the caller must not change it. {@link AttributeProjection#ALL} is the full decode.
     *
     * @throws IllegalArgumentException naming what is wrong, as {@link #fromJson(byte[])}
     */
    public static LogEvent fromJson(byte[] json, AttributeProjection projection) {
        if (projection.all()) return fromJson(json);
        try (JsonParser p = MAPPER.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("a log event is a JSON object");
            String id = null, host = null, source = null, service = null, status = null, message = null;
            JsonNode time = null;
            List<String> tags = null;
            ObjectNode attributes = null;
            // as the tree: a repeated field's last value wins
            JsonToken t = p.nextToken();
            for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "id" -> id = text(p, v);
                    case "host" -> host = sharedText(p, v);
                    case "source" -> source = sharedText(p, v);
                    case "service" -> service = sharedText(p, v);
                    case "status" -> status = sharedText(p, v);
                    case "message" -> message = text(p, v);
                    case "time" -> time = v == JsonToken.VALUE_STRING ? EventNodes.INSTANCE.textNode(p.getText()) : tree(p);
                    case "tags" -> {
                        tags = new ArrayList<>();
                        if (v == JsonToken.START_ARRAY) {
                            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                                tags.add(e == JsonToken.VALUE_STRING ? SharedTexts.text(p) : tree(p).asText());
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "attributes" -> {
                        if (v == JsonToken.START_OBJECT) {
                            ProjectedAttributes a = new ProjectedAttributes(EventNodes.INSTANCE, json, projection);
                            a.start = (int) p.currentTokenLocation().getByteOffset();
                            project(p, a, projection.root(), a);
                            a.end = (int) p.currentLocation().getByteOffset(); // just past the closing brace
                            attributes = a;
                        } else {
                            p.skipChildren();
                            attributes = null;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) throw new IllegalArgumentException("malformed JSON: unexpected end of input");
            long millis = millis(time);
            if (attributes == null) attributes = new ProjectedAttributes(EventNodes.INSTANCE, json, projection);
            return new LogEvent(id, millis, host, source, service, status, message, tags, attributes);
        } catch (JsonProcessingException x) {
            throw new IllegalArgumentException("malformed JSON: " + x.getOriginalMessage(), x);
        } catch (java.io.IOException x) {
            throw new IllegalArgumentException("malformed JSON: " + x.getMessage(), x);
        }
    }

    /**
     * The whole event: {@code e} itself, or for an event read with a projection {@code e} with all
     * the attributes of its stored form (a signal's samples and process tree show everything the
     * event has).
     */
    public static LogEvent complete(LogEvent e) {
        if (!(e.attributes() instanceof ProjectedAttributes p)) return e;
        // the reserved attributes are the event's own (whatever made it from the decoded one); the attributes all of them
        return new LogEvent(e.id(), e.time(), e.host(), e.source(), e.service(), e.status(), e.message(), e.tags(),
                fromJson(p.json).attributes());
    }

    /**
     * {@code e} in its stored form as a signal sample: {@link #toTree} of {@link #complete}. For an
     * event read with a projection the tree is made only if something reads it; written as JSON,
     * it copies the attributes' stored text (see {@link SampleNode}).
     */
    public static ObjectNode sampleTree(LogEvent e) {
        return e.attributes() instanceof ProjectedAttributes p ? new SampleNode(e, p) : toTree(e);
    }

    /** Whether {@code e} was read with a projection (its attributes are not all there; see {@link #complete}). */
    public static boolean projected(LogEvent e) {
        return e.attributes() instanceof ProjectedAttributes;
    }

    /** The value the parser is at, as the full decode makes it. */
    private static JsonNode tree(JsonParser p) throws java.io.IOException {
        return DECODER.readTree(p);
    }

    /** A reserved attribute's value as {@link #text(JsonNode, String)} reads it from the tree. */
    private static String text(JsonParser p, JsonToken v) throws java.io.IOException {
        if (v == JsonToken.VALUE_STRING) return p.getText();
        JsonNode n = tree(p);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** As {@link #text(JsonParser, JsonToken)}, a string shared with other events that have it (see {@link SharedTexts}). */
    private static String sharedText(JsonParser p, JsonToken v) throws java.io.IOException {
        return v == JsonToken.VALUE_STRING ? SharedTexts.text(p) : text(p, v);
    }

    /**
     * Fills {@code into} with the fields of the object the parser is in whose keys {@code at} leads
     * on from, listing the values of listed paths in {@code list} as they are read.
     */
    private static void project(JsonParser p, EventObject into, AttributeProjection.Node at, ProjectedAttributes list)
            throws java.io.IOException {
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            AttributeProjection.Node next = at.child(key);
            if (next == null) {
                p.skipChildren();
                continue;
            }
            // a literal dotted key: paths find what it holds after what the nested keys hold, whatever the order read
            if (key.indexOf('.') >= 0) list.unlisted();
            JsonNode kept = value(p, v, next, list);
            // a repeated key replaces the earlier value in the tree, even with one nothing reads; what was listed of it no longer holds
            JsonNode replaced = kept != null ? into.setParsed(key, kept) : into.remove(key);
            if (replaced != null) list.unlisted();
        }
    }

    /** The value the parser is at, projected on {@code at}; null when nothing under {@code at} can read it. */
    private static JsonNode value(JsonParser p, JsonToken v, AttributeProjection.Node at, ProjectedAttributes list)
            throws java.io.IOException {
        if (at.end()) { // some path ends here: all of it
            JsonNode n = switch (v) {
                case VALUE_STRING -> SharedTexts.node(p);
                case VALUE_TRUE -> EventNodes.INSTANCE.booleanNode(true);
                case VALUE_FALSE -> EventNodes.INSTANCE.booleanNode(false);
                case VALUE_NULL -> EventNodes.INSTANCE.nullNode();
                default -> tree(p);
            };
            if (at.listedPath() >= 0) list.list(at.listedPath(), n);
            return n;
        }
        return switch (v) {
            case START_OBJECT -> {
                EventObject o = (EventObject) EventNodes.INSTANCE.objectNode();
                project(p, o, at, list);
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = EventNodes.INSTANCE.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    JsonNode kept = value(p, e, at, list);
                    if (kept != null) a.add(kept);
                }
                yield a;
            }
            default -> null; // a scalar where paths go on: no path reads it
        };
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
