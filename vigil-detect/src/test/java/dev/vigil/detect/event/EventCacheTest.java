package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache answers exactly as a walk of the path does, event after event, with one cache for all. */
class EventCacheTest {

    private static LogEvent event(String attributes) {
        try {
            return new LogEvent("e", 0, "h", "s", "", "info", "", List.of(), (ObjectNode) LogEventJson.mapper().readTree(attributes));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Arrays on the way and at the end, nested arrays, literal dotted keys at several levels, nulls, numbers, booleans. */
    private static final List<LogEvent> EVENTS = List.of(
            event("""
                    {"process":{"file":{"path":"/usr/bin/curl"},
                                "ancestors":[{"file":{"path":"/bin/sh"}},{"file":{"path":"/usr/bin/python3"}},{"file":null},{"pid":1}],
                                "argv":[], "pid":4242},
                     "usr.name":"root", "usr":{"name":"shadowed?"},
                     "container":{"id":null,"image.name":"acme/web","image":{"tag":"1.0","name":"acme/api"}},
                     "network":{"peers":[["10.0.0.1","10.0.0.2"],[],["10.0.0.3",null]],"bytes_read":1500,"ratio":0.75},
                     "evt":{"name":"exec","success":true}}
                    """),
            event("""
                    {"usr":{"name":"alice","id":1001},"evt":{"name":"authentication","outcome":"failure"},
                     "network":{"client":{"ip":"203.0.113.9"},"peers":"10.9.9.9"},
                     "process.file.path":"/flat","process":{"file.path":"/half-flat","file":{"path":"/nested"}}}
                    """),
            event("{}"),
            event("""
                    {"process":{"ancestors":[{"file":{"path":"/a"}},{"file":{"path":"/b"}},{"file":{"path":"/c"}},{"file":{"path":"/d"}},
                                             {"file":{"path":"/e"}},{"file":{"path":"/f"}},{"file":{"path":"/g"}}]},
                     "evt":null,"usr":[{"name":"x"},{"name":"y"}]}
                    """));

    private static final List<String> PATHS = List.of("process.file.path", "process.ancestors.file.path", "process.ancestors.file",
            "process.ancestors", "process.argv", "process.pid", "process", "usr.name", "usr.id", "container.id", "container.image.name",
            "container.image.tag", "network.peers", "network.bytes_read", "network.ratio", "network.client.ip", "evt.name",
            "evt.success", "evt", "no.such.path", "process.file.path.deeper");

    private static final List<Predicate<JsonNode>> TESTS = List.of(
            n -> true,
            n -> n.isTextual() && n.textValue().startsWith("/"),
            n -> n.asText().equals("10.0.0.3"),
            n -> n.isNumber() && n.asLong() > 1000,
            JsonNode::isNull);

    @Test
    void answersAsThePathWalkForEveryPathAndEventInTurn() {
        EventCache cache = new EventCache();
        int[] slots = PATHS.stream().mapToInt(p -> cache.slot(AttributePath.of(p))).toArray();
        for (int round = 0; round < 2; round++) { // the second round reuses every buffer
            for (LogEvent e : EVENTS) {
                cache.reset(e);
                assertThat(cache.event()).isSameAs(e);
                for (int i = 0; i < slots.length; i++) {
                    AttributePath p = AttributePath.of(PATHS.get(i));
                    String what = p + " in " + e.attributes();
                    // ask twice: the first answer resolves, the second comes from the cache
                    for (int twice = 0; twice < 2; twice++) {
                        assertThat(cache.first(slots[i])).as(what).isSameAs(p.first(e.attributes()));
                        assertThat(cache.firstText(slots[i])).as(what).isEqualTo(p.firstText(e.attributes()));
                        assertThat(cache.exists(slots[i])).as(what).isEqualTo(p.exists(e.attributes()));
                        for (Predicate<JsonNode> t : TESTS) {
                            assertThat(cache.anyMatch(slots[i], t)).as(what).isEqualTo(p.anyMatch(e.attributes(), t));
                        }
                    }
                }
            }
        }
    }

    @Test
    void collectVisitsInTheOrderOfTheWalkAndCountsBeyondTheBuffer() {
        ObjectNode a = EVENTS.get(1).attributes();
        AttributePath p = AttributePath.of("process.file.path");
        JsonNode[] buf = new JsonNode[1];
        assertThat(p.collect(a, buf)).as("nested, half-flat, flat").isEqualTo(3);
        assertThat(buf[0].asText()).isEqualTo("/nested");
        buf = new JsonNode[3];
        p.collect(a, buf);
        assertThat(buf).extracting(JsonNode::asText).containsExactly("/nested", "/half-flat", "/flat");
    }

    @Test
    void aFanOutWiderThanBeforeGrowsTheBufferOnce() {
        EventCache cache = new EventCache();
        int slot = cache.slot(AttributePath.of("process.ancestors.file.path"));
        cache.reset(EVENTS.get(3));
        assertThat(cache.anyMatch(slot, n -> n.asText().equals("/g"))).as("the 7th of 7").isTrue();
        cache.reset(EVENTS.get(0));
        assertThat(cache.anyMatch(slot, n -> n.asText().equals("/g"))).as("not left over from the previous event").isFalse();
        assertThat(cache.firstText(slot)).isEqualTo("/bin/sh");
    }

    @Test
    void slotsAndTermsAreSharedByName() {
        EventCache cache = new EventCache();
        int a = cache.slot(AttributePath.of("usr.name"));
        assertThat(cache.slot(AttributePath.of("usr.name"))).isEqualTo(a);
        assertThat(cache.slot(AttributePath.of("usr.id"))).isNotEqualTo(a);
        assertThat(cache.slots()).isEqualTo(2);
        int t = cache.term("@usr.name:root");
        assertThat(cache.term("@usr.name:root")).isEqualTo(t);
        assertThat(cache.term("@usr.name:alice")).isNotEqualTo(t);
        assertThat(cache.termSlots()).isEqualTo(2);
    }

    @Test
    void termResultsLastOneEvent() {
        EventCache cache = new EventCache();
        int t = cache.term("x");
        cache.reset(EVENTS.get(0));
        assertThat(cache.term(t)).as("not evaluated yet").isEqualTo(-1);
        assertThat(cache.term(t, true)).isTrue();
        assertThat(cache.term(t)).isEqualTo(1);
        cache.reset(EVENTS.get(1));
        assertThat(cache.term(t)).as("reset with the next event").isEqualTo(-1);
        cache.term(t, false);
        assertThat(cache.term(t)).isZero();
        cache.reset(EVENTS.get(1));
        assertThat(cache.term(t)).as("even when the same event comes again").isEqualTo(-1);
    }

    @Test
    void aSlotAddedAfterEventsStartsUnresolved() {
        EventCache cache = new EventCache();
        cache.reset(EVENTS.get(1));
        int slot = cache.slot(AttributePath.of("usr.name"));
        assertThat(cache.firstText(slot)).isEqualTo("alice");
        int later = cache.slot(AttributePath.of("evt.name"));
        assertThat(cache.firstText(later)).isEqualTo("authentication");
    }
}
