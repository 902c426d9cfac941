package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A decode with a projection keeps exactly what the projection's paths find: every path finds in
 * the projected attributes the nodes it finds in the whole decode, in the same order, whatever
 * the event's shape (arrays on the way, literal dotted keys, repeated keys, nulls, numbers); the
 * reserved attributes and tags are read as the whole decode reads them; the whole event is
 * there again when asked for.
 */
class ProjectedDecodeTest {

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static final List<String> PATHS = List.of("process.file.path", "process.ancestors.file.path", "process.ancestors.file",
            "process.argv", "process.pid", "usr.name", "usr.id", "container.id", "container.image.name", "container.image.tag",
            "network.peers", "network.client.ip", "evt.name", "evt", "no.such.path", "process.file.path.deeper", "a.b.c");

    private static final List<String> EVENTS = List.of("""
            {"id":"e1","time":"2026-11-22T20:28:09.177Z","host":"web-1","source":"vigil-agent","service":"svc","status":"warn",
             "message":"hello","tags":["env:prod","team:x"],
             "attributes":{"process":{"file":{"path":"/usr/bin/curl","inode":7},
                           "ancestors":[{"file":{"path":"/bin/sh"},"args":"sh -c x"},{"file":{"path":"/usr/bin/python3"}},{"file":null},{"pid":1},"x",[{"file":{"path":"/nested"}}]],
                           "argv":[], "pid":4242, "env":["HOME","PATH"]},
              "usr.name":"root", "usr":{"name":"shadowed?","id":0},
              "container":{"id":null,"image.name":"acme/web","image":{"tag":"1.0","name":"acme/api"}},
              "network":{"peers":[["10.0.0.1","10.0.0.2"],[],["10.0.0.3",null]],"bytes_read":1500,"ratio":0.75},
              "evt":{"name":"exec","success":true},"big":{"deep":{"deeper":[1,2,3,{"x":"y"}]}}}}
            """, """
            {"time":1795379289177,"source":"sshd","tags":"not-an-array","status":null,"host":42,"message":{"an":"object"},
             "attributes":{"usr":{"name":"alice","id":1001},"evt":{"name":"authentication","outcome":"failure"},
              "network":{"client":{"ip":"203.0.113.9"},"peers":"10.9.9.9"},
              "process.file.path":"/flat","process":{"file.path":"/half-flat","file":{"path":"/nested"}},
              "a":{"b.c":1,"b":{"c":[true,false,null]}},"a.b":{"c":2.5}}}
            """, """
            {"time":"2026-02-28T23:59:59Z","attributes":{"usr":{"name":"first"},"usr":{"id":5},"evt":"scalar","evt":{"name":"second"},
             "process":{"file":{"path":"/kept"}},"process":3}}
            """, """
            {"time":"2026-11-22T20:28:09.177Z","extra":{"ignored":[1,2]},"attributes":"not an object"}
            """, """
            {"time":"2026-11-22T20:28:09.177Z","tags":["a",1,null,{"o":1}],"attributes":{}}
            """);

    @Test
    void everyPathFindsWhatItFindsInTheWholeDecode() {
        for (String json : EVENTS) {
            LogEvent whole = LogEventJson.fromJson(bytes(json));
            for (int n = 0; n <= PATHS.size(); n++) {
                // each path alone, and all of them
                List<String> ps = n < PATHS.size() ? List.of(PATHS.get(n)) : PATHS;
                AttributeProjection projection = AttributeProjection.of(ps.stream().map(AttributePath::of).toList());
                LogEvent projected = LogEventJson.fromJson(bytes(json), projection);
                assertSameReserved(projected, whole);
                for (String p : ps) assertSameNodes(AttributePath.of(p), projected, whole, json);
                assertThat(LogEventJson.projected(projected)).isTrue();
                assertThat(LogEventJson.complete(projected)).isEqualTo(whole);
            }
        }
    }

    /** A null or a scalar where paths go on is left out: no path reads it. */
    @Test
    void keepsNoMoreThanThePathsReach() {
        LogEvent e = LogEventJson.fromJson(bytes(EVENTS.getFirst()), AttributeProjection.of(List.of(AttributePath.of("usr.name"),
                AttributePath.of("process.ancestors.file.path"))));
        assertThat(e.attributes().toString()).isEqualTo("""
                {"process":{"ancestors":[{"file":{"path":"/bin/sh"}},{"file":{"path":"/usr/bin/python3"}},{},{},[{"file":{"path":"/nested"}}]]},\
                "usr.name":"root","usr":{"name":"shadowed?"}}""");
        assertThat(LogEventJson.complete(e).attributes().path("big").path("deep").path("deeper").size()).isEqualTo(4);
    }

    @Test
    void aPathThatEndsAtAnObjectKeepsAllOfIt() {
        LogEvent e = LogEventJson.fromJson(bytes(EVENTS.getFirst()), AttributeProjection.of(List.of(AttributePath.of("big"))));
        assertThat(e.attributes().path("big")).isEqualTo(LogEventJson.fromJson(bytes(EVENTS.getFirst())).attributes().path("big"));
    }

    /** Decoded keys are the parser's interned names: a path misses an absent key by identity, and finds keys added later by text. */
    @Test
    void keysAddedAfterTheDecodeAreFoundByTextAndAbsentOnesMissed() {
        assertThat(LogEventJson.PARSER_INTERNS).as("Jackson interns field names: the identity-only miss is in use").isTrue();
        String json = "{\"time\":\"2026-11-22T20:28:09.177Z\",\"attributes\":{\"usr\":{\"name\":\"root\"},\"evt\":{\"name\":\"exec\"}}}";
        AttributePath user = AttributePath.of("usr.name"), id = AttributePath.of("usr.id"), added = AttributePath.of("usr.added");
        LogEvent e = LogEventJson.fromJson(bytes(json), AttributeProjection.of(List.of(user, id, added)));
        assertThat(user.firstText(e.attributes())).isEqualTo("root");
        assertThat(id.first(e.attributes())).isNull();
        assertThat(added.first(e.attributes())).isNull();
        // a key put afterwards is not the interned instance: lookups compare its text again
        ((ObjectNode) e.attributes().get("usr")).put(new String("added".toCharArray()), "later");
        assertThat(added.firstText(e.attributes())).isEqualTo("later");
        assertThat(user.firstText(e.attributes())).isEqualTo("root");
        assertThat(id.first(e.attributes())).isNull();
        // and generic lookups with an equal, not identical, key find decoded keys
        assertThat(e.attributes().get(new String("usr".toCharArray())).get(new String("name".toCharArray())).asText()).isEqualTo("root");
    }

    /** Short values decoded from many events are one object; long ones are each event's own; every value reads as decoded. */
    @Test
    void shortValuesAreSharedBetweenEvents() {
        AttributeProjection projection = AttributeProjection.of(List.of(AttributePath.of("usr.name"), AttributePath.of("cmd")));
        String longValue = "x".repeat(SharedTexts.MAX_LENGTH + 1);
        String json = "{\"time\":\"2026-11-22T20:28:09.177Z\",\"source\":\"sshd\",\"host\":\"web-1\",\"tags\":[\"env:prod\"],"
                + "\"attributes\":{\"usr\":{\"name\":\"r\\u00f6\u00f6t\"},\"cmd\":\"" + longValue + "\"}}";
        LogEvent a = LogEventJson.fromJson(bytes(json), projection), b = LogEventJson.fromJson(bytes(json), projection);
        assertThat(a.attributes().get("usr").get("name")).isSameAs(b.attributes().get("usr").get("name"));
        assertThat(a.attributes().get("usr").get("name").textValue()).isEqualTo("r\u00f6\u00f6t");
        assertThat(a.source()).isSameAs(b.source()).isEqualTo("sshd");
        assertThat(a.host()).isSameAs(b.host()).isEqualTo("web-1");
        assertThat(a.tags().getFirst()).isSameAs(b.tags().getFirst());
        assertThat(a.attributes().get("cmd")).isNotSameAs(b.attributes().get("cmd")).isEqualTo(b.attributes().get("cmd"));
        assertThat(a.attributes().get("cmd").textValue()).isEqualTo(longValue);
    }

    /**
     * The table is shared by every decoding thread without a lock: threads decoding different
     * values that fight over the same entries each read back exactly their own values.
     */
    @Test
    void decodesOnManyThreadsReadTheirOwnValues() throws Exception {
        AttributeProjection projection = AttributeProjection.of(List.of(AttributePath.of("v")));
        int threads = 4, perThread = 20_000;
        List<java.util.concurrent.Future<Integer>> wrong = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int seed = t;
                wrong.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    int bad = 0;
                    for (int i = 0; i < perThread; i++) {
                        // few distinct values per thread, more than the table holds over all: hits, misses and replacements
                        String v = "t" + seed + "-" + r.nextInt(SharedTexts.SIZE * 2);
                        LogEvent e = LogEventJson.fromJson(bytes("{\"time\":1795379289177,\"attributes\":{\"v\":\"" + v + "\"}}"), projection);
                        if (!e.attributes().get("v").textValue().equals(v)) bad++;
                    }
                    return bad;
                }));
            }
            for (var f : wrong) assertThat(f.get()).isZero();
        }
    }

    @Test
    void randomEventsAndPaths() {
        SplittableRandom rnd = new SplittableRandom(11);
        String[] keys = {"a", "b", "c", "a.b", "b.c", "a.b.c", "x"};
        for (int i = 0; i < 3000; i++) {
            ObjectNode attrs = randomObject(rnd, keys, 0);
            String json = "{\"time\":\"2026-11-22T20:28:09.177Z\",\"attributes\":" + attrs + "}";
            LogEvent whole = LogEventJson.fromJson(bytes(json));
            List<AttributePath> paths = new ArrayList<>();
            for (int k = rnd.nextInt(1, 4); k > 0; k--) {
                String[] segs = new String[rnd.nextInt(1, 4)];
                for (int s = 0; s < segs.length; s++) segs[s] = keys[rnd.nextInt(keys.length)];
                paths.add(AttributePath.of(String.join(".", segs)));
            }
            LogEvent projected = LogEventJson.fromJson(bytes(json), AttributeProjection.of(paths));
            for (AttributePath p : paths) assertSameNodes(p, projected, whole, json + " " + paths);
        }
    }

    private static ObjectNode randomObject(SplittableRandom rnd, String[] keys, int depth) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (int k = rnd.nextInt(0, 4); k > 0; k--) o.set(keys[rnd.nextInt(keys.length)], randomValue(rnd, keys, depth + 1));
        return o;
    }

    private static JsonNode randomValue(SplittableRandom rnd, String[] keys, int depth) {
        int kind = rnd.nextInt(depth > 3 ? 3 : 6);
        return switch (kind) {
            case 0 -> JsonNodeFactory.instance.textNode("v" + rnd.nextInt(10));
            case 1 -> JsonNodeFactory.instance.numberNode(rnd.nextInt(100));
            case 2 -> JsonNodeFactory.instance.nullNode();
            case 3, 4 -> randomObject(rnd, keys, depth);
            default -> {
                ArrayNode a = JsonNodeFactory.instance.arrayNode();
                for (int k = rnd.nextInt(0, 3); k > 0; k--) a.add(randomValue(rnd, keys, depth + 1));
                yield a;
            }
        };
    }

    /** A sample of a projected event is the whole event's tree, whether written as JSON (without a decode) or read. */
    @Test
    void samplesOfProjectedEventsAreTheWholeEvents() throws Exception {
        var mapper = LogEventJson.mapper();
        AttributeProjection p = AttributeProjection.of(List.of(AttributePath.of("usr.name")));
        for (String json : EVENTS) {
            LogEvent whole = LogEventJson.fromJson(bytes(json));
            ObjectNode expected = LogEventJson.toTree(whole);
            // written first: the attributes' text is copied as stored
            ObjectNode written = LogEventJson.sampleTree(LogEventJson.fromJson(bytes(json), p));
            assertThat(mapper.readTree(mapper.writeValueAsString(written))).as(json).isEqualTo(expected);
            assertThat(mapper.readTree(mapper.writeValueAsBytes(mapper.createArrayNode().add(written))).get(0)).isEqualTo(expected);
            // read first, and made into a tree by value
            ObjectNode read = LogEventJson.sampleTree(LogEventJson.fromJson(bytes(json), p));
            assertThat(read.path("attributes")).isEqualTo(expected.path("attributes"));
            assertThat(read).isEqualTo(expected);
            assertThat(expected).isEqualTo(read);
            assertThat((JsonNode) mapper.valueToTree(LogEventJson.sampleTree(LogEventJson.fromJson(bytes(json), p)))).isEqualTo(expected);
        }
        LogEvent plain = LogEventJson.fromJson(bytes(EVENTS.getFirst()));
        assertThat(LogEventJson.sampleTree(plain)).isEqualTo(LogEventJson.toTree(plain));
    }

    @Test
    void malformedInputIsRefusedAsByTheWholeDecode() {
        AttributeProjection p = AttributeProjection.of(List.of(AttributePath.of("usr.name")));
        for (String bad : List.of("", "[]", "{\"time\":\"2026-11-22T20:28:09Z\",\"attributes\":{\"usr\":{\"name\":\"x\"}",
                "{\"time\":\"2026-11-22T20:28:09Z\",\"attributes\":{\"skipped\":[1,2,}}", "{\"attributes\":{}}",
                "{\"time\":\"yesterday\"}", "{\"time\":\"2026-11-22T20:28:09Z\" \"x\":1}")) {
            assertThatThrownBy(() -> LogEventJson.fromJson(bytes(bad), p)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> LogEventJson.fromJson(bytes(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void allIsTheWholeDecode() {
        LogEvent e = LogEventJson.fromJson(bytes(EVENTS.getFirst()), AttributeProjection.ALL);
        assertThat(LogEventJson.projected(e)).isFalse();
        assertThat(e).isEqualTo(LogEventJson.fromJson(bytes(EVENTS.getFirst())));
        assertThat(LogEventJson.complete(e)).isSameAs(e);
    }

    @Test
    void theReservedAttributesOfTheEventWinOverTheStoredOnesWhenCompleted() {
        LogEvent e = LogEventJson.fromJson(bytes(EVENTS.getFirst()), AttributeProjection.of(List.of(AttributePath.of("usr.name"))));
        LogEvent restamped = new LogEvent(e.id(), 5, e.host(), e.source(), e.service(), e.status(), e.message(), e.tags(), e.attributes());
        LogEvent full = LogEventJson.complete(restamped);
        assertThat(full.time()).isEqualTo(5);
        assertThat(full.attributes().path("process").path("pid").asInt()).isEqualTo(4242);
    }

    @Test
    void isoInstantsAreReadAsInstantReadsThem() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 200_000; i++) {
            long m = rnd.nextLong(0, 253_402_300_800_000L);
            if (i % 3 == 0) m -= m % 1000;
            String s = Instant.ofEpochMilli(m).toString();
            long fast = LogEventJson.parseIsoInstant(s);
            if (fast != Long.MIN_VALUE) assertThat(fast).as(s).isEqualTo(m);
            else assertThat(Integer.parseInt(s.substring(8, 10))).as(s).isGreaterThan(28); // left to Instant.parse
        }
        for (String odd : List.of("2026-11-22T20:28:09.1Z", "2026-11-22T20:28:09+01:00", "2026-13-01T00:00:00Z", "2026-11-22T24:00:00Z",
                "2026-11-22T2-:00:00Z", "2026-11-22 20:28:09Z", "1969-12-31T23:59:59Z", "2026-11-22T20:28:09.12aZ")) {
            assertThat(LogEventJson.parseIsoInstant(odd)).as(odd).isEqualTo(Long.MIN_VALUE);
        }
    }

    private static void assertSameReserved(LogEvent projected, LogEvent whole) {
        assertThat(Arrays.asList(projected.id(), projected.time(), projected.host(), projected.source(), projected.service(),
                projected.status(), projected.message(), projected.tags()))
                .isEqualTo(Arrays.asList(whole.id(), whole.time(), whole.host(), whole.source(), whole.service(), whole.status(),
                        whole.message(), whole.tags()));
    }

    private static void assertSameNodes(AttributePath p, LogEvent projected, LogEvent whole, String json) {
        JsonNode[] a = new JsonNode[64], b = new JsonNode[64];
        int na = p.collect(projected.attributes(), a), nb = p.collect(whole.attributes(), b);
        assertThat(Arrays.asList(a).subList(0, na)).as("%s in %s", p, json).isEqualTo(Arrays.asList(b).subList(0, nb));
        assertThat(p.exists(projected.attributes())).isEqualTo(p.exists(whole.attributes()));
        assertThat(p.firstText(projected.attributes())).isEqualTo(p.firstText(whole.attributes()));
    }
}
