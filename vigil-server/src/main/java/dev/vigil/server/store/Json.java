package dev.vigil.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.signal.Entities;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON text of the signal columns that hold structures (group-by, tags, entities, samples, process tree). */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree failed to serialise", e); // trees always serialise
        }
    }

    static JsonNode read(String text, String column) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new StoreException("column " + column + " holds invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String strings(List<String> values) {
        ArrayNode a = MAPPER.createArrayNode();
        values.forEach(a::add);
        return write(a);
    }

    static List<String> readStrings(String text, String column) {
        List<String> out = new ArrayList<>();
        read(text, column).forEach(n -> out.add(n.asText()));
        return out;
    }

    static String stringMap(Map<String, String> values) {
        ObjectNode o = MAPPER.createObjectNode();
        values.forEach(o::put);
        return write(o);
    }

    static Map<String, String> readStringMap(String text, String column) {
        Map<String, String> out = new LinkedHashMap<>();
        read(text, column).properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    static String entities(Entities e) {
        ObjectNode o = MAPPER.createObjectNode();
        for (EntityKind k : EntityKind.values()) {
            ArrayNode a = o.putArray(k.id());
            k.valuesIn(e).forEach(a::add);
        }
        ObjectNode overflow = o.putObject("overflow");
        e.overflow().forEach(overflow::put);
        return write(o);
    }

    static Entities readEntities(String text) {
        JsonNode o = read(text, "entities");
        Map<EntityKind, List<String>> lists = new LinkedHashMap<>();
        for (EntityKind k : EntityKind.values()) {
            List<String> values = new ArrayList<>();
            o.path(k.id()).forEach(n -> values.add(n.asText()));
            lists.put(k, values);
        }
        Map<String, Long> overflow = new LinkedHashMap<>();
        o.path("overflow").properties().forEach(e -> overflow.put(e.getKey(), e.getValue().asLong()));
        return new Entities(lists.get(EntityKind.HOST), lists.get(EntityKind.CONTAINER), lists.get(EntityKind.IMAGE),
                lists.get(EntityKind.SERVICE), lists.get(EntityKind.USER), lists.get(EntityKind.IP),
                lists.get(EntityKind.BINARY), overflow);
    }

    static String objects(List<ObjectNode> nodes) {
        ArrayNode a = MAPPER.createArrayNode();
        nodes.forEach(a::add);
        return write(a);
    }

    static List<ObjectNode> readObjects(String text, String column) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode n : read(text, column)) {
            if (!(n instanceof ObjectNode o)) throw new StoreException("column " + column + " holds a non-object: " + n);
            out.add(o);
        }
        return out;
    }

    static ObjectNode readObject(String text, String column) {
        if (text == null) return null;
        if (!(read(text, column) instanceof ObjectNode o)) throw new StoreException("column " + column + " is not a JSON object");
        return o;
    }
}
