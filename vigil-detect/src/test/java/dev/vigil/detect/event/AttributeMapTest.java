package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link AttributeMap} is a {@link Map} like the {@code LinkedHashMap} it replaces, and decoded events read as before. */
class AttributeMapTest {

    /** Random puts, replacements, removals (direct and through iterators) and entry writes, checked against a LinkedHashMap. */
    @Test
    void behavesAsALinkedHashMap() {
        Random rnd = new Random(7);
        for (int round = 0; round < 200; round++) {
            AttributeMap map = new AttributeMap();
            LinkedHashMap<String, JsonNode> ref = new LinkedHashMap<>();
            int keys = 1 + rnd.nextInt(round % 2 == 0 ? 10 : 60); // both sides of the linear limit
            for (int op = 0; op < 300; op++) {
                // a new String each time: lookups must not depend on identity
                String k = new String(("k" + rnd.nextInt(keys)).toCharArray());
                int what = rnd.nextInt(10);
                if (what < 5) {
                    JsonNode v = IntNode.valueOf(op);
                    assertThat(map.put(k, v)).isEqualTo(ref.put(k, v));
                } else if (what < 7) {
                    assertThat(map.remove(k)).isEqualTo(ref.remove(k));
                } else if (what == 7) {
                    removeThroughIterator(map, k);
                    removeThroughIterator(ref, k);
                } else if (what == 8) {
                    for (Map.Entry<String, JsonNode> e : map.entrySet()) if (e.getKey().equals(k)) e.setValue(TextNode.valueOf("set" + op));
                    for (Map.Entry<String, JsonNode> e : ref.entrySet()) if (e.getKey().equals(k)) e.setValue(TextNode.valueOf("set" + op));
                } else {
                    assertThat(map.get(k)).isEqualTo(ref.get(k));
                    assertThat(map.containsKey(k)).isEqualTo(ref.containsKey(k));
                }
                assertThat(map.size()).isEqualTo(ref.size());
            }
            assertThat(new ArrayList<>(map.entrySet())).isEqualTo(new ArrayList<>(ref.entrySet()));
            assertThat(new ArrayList<>(map.keySet())).isEqualTo(new ArrayList<>(ref.keySet()));
            assertThat(map).isEqualTo(ref);
            assertThat(map.hashCode()).isEqualTo(ref.hashCode());
            for (int i = 0; i < keys; i++) assertThat(map.get("k" + i)).isEqualTo(ref.get("k" + i));
            assertThat(map.get("absent")).isNull();
            assertThat(map.get(42)).isNull();
        }
    }

    private static void removeThroughIterator(Map<String, JsonNode> m, String k) {
        for (Iterator<Map.Entry<String, JsonNode>> it = m.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getKey().equals(k)) it.remove();
        }
    }

    @Test
    void iterationFailsFastOnOutsideChanges() {
        AttributeMap map = new AttributeMap();
        map.put("a", IntNode.valueOf(1));
        map.put("b", IntNode.valueOf(2));
        Iterator<Map.Entry<String, JsonNode>> it = map.entrySet().iterator();
        it.next();
        map.put("c", IntNode.valueOf(3));
        assertThatThrownBy(it::next).isInstanceOf(ConcurrentModificationException.class);
        map.clear();
        assertThat(map).isEmpty();
        assertThat(map.get("a")).isNull();
    }

    /** What the event log holds, decoded: the same tree as Jackson's default, the same JSON, the same attribute reads. */
    @Test
    void decodedEventsReadAsWithJacksonsMaps() throws Exception {
        List<String> events = new ArrayList<>();
        StringBuilder wide = new StringBuilder("{\"id\":\"w\",\"time\":1,\"attributes\":{");
        for (int i = 0; i < 40; i++) wide.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":{\"v\":").append(i).append('}');
        events.add(wide.append(",\"f7\":\"duplicate, last wins\"}}").toString());
        events.add("""
                {"id":"1","time":"2026-11-22T10:00:00Z","source":"vigil-agent","attributes":{
                  "process":{"file":{"path":"/usr/bin/curl"},"ancestors":[{"file":{"path":"/bin/sh"}},{"file":null}],"pid":4242},
                  "usr.name":"root","usr":{"name":"shadowed?"},"evt":{"name":"exec","outcome":"success"},
                  "network":{"client":{"ip":"10.0.0.1"},"bytes_read":1500,"ratio":0.75},"empty":{},"list":[]}}
                """);
        List<String> paths = List.of("process.file.path", "process.ancestors.file.path", "process.pid", "usr.name", "evt.name",
                "network.client.ip", "network.bytes_read", "f7", "f39.v", "f3", "empty", "list", "missing.path");
        for (String json : events) {
            LogEvent decoded = LogEventJson.fromJson(json);
            ObjectNode plain = (ObjectNode) LogEventJson.mapper().readTree(json).get("attributes");
            assertThat(decoded.attributes()).isEqualTo(plain);
            assertThat(plain).isEqualTo(decoded.attributes());
            assertThat(LogEventJson.mapper().writeValueAsString(decoded.attributes())).isEqualTo(LogEventJson.mapper().writeValueAsString(plain));
            for (String p : paths) {
                AttributePath path = AttributePath.of(p);
                assertThat(path.first(decoded.attributes())).as(p).isEqualTo(path.first(plain));
                assertThat(path.exists(decoded.attributes())).as(p).isEqualTo(path.exists(plain));
                JsonNode[] a = new JsonNode[8], b = new JsonNode[8];
                assertThat(path.collect(decoded.attributes(), a)).as(p).isEqualTo(path.collect(plain, b));
                assertThat(a).as(p).isEqualTo(b);
            }
        }
    }
}
