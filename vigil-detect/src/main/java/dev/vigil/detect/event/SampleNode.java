package dev.vigil.detect.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import java.io.IOException;
import java.io.Serial;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A signal's sample of an event decoded with a projection: the tree of the whole event
 * ({@link LogEventJson#toTree} of {@link LogEventJson#complete}), made only when something reads
 * it. Written as JSON, it writes the reserved attributes and copies the attributes' stored text
 * as it is, with no decode at all: a hot signal's latest sample changes at every commit, and the
 * store only writes it.
 */
final class SampleNode extends ObjectNode {

    @Serial private static final long serialVersionUID = 1L;

    private final transient LogEvent event;
    private final transient ProjectedAttributes attributes;

    SampleNode(LogEvent event, ProjectedAttributes attributes) {
        super(JsonNodeFactory.instance, new Fields(event));
        this.event = event;
        this.attributes = attributes;
    }

    @Override
    public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
        // a token buffer makes a tree (valueToTree): it gets the tree, not raw text
        if (((Fields) _children).materialized() || g instanceof TokenBuffer) {
            super.serialize(g, provider);
            return;
        }
        g.writeStartObject(this);
        g.writeStringField("id", event.id());
        g.writeStringField("time", LogEventJson.isoInstant(event.time()));
        g.writeStringField("host", event.host());
        g.writeStringField("source", event.source());
        g.writeStringField("service", event.service());
        g.writeStringField("status", event.status());
        g.writeStringField("message", event.message());
        g.writeArrayFieldStart("tags");
        for (String t : event.tags()) g.writeString(t);
        g.writeEndArray();
        g.writeFieldName("attributes");
        if (attributes.start >= 0) {
            g.writeRawValue(new String(attributes.json, attributes.start, attributes.end - attributes.start, StandardCharsets.UTF_8));
        } else {
            g.writeStartObject();
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** The sample's fields, decoded on first use. */
    private static final class Fields extends AbstractMap<String, JsonNode> {
        private final LogEvent event;
        private Map<String, JsonNode> map;

        Fields(LogEvent event) { this.event = event; }

        boolean materialized() { return map != null; }

        private Map<String, JsonNode> map() {
            if (map == null) {
                Map<String, JsonNode> m = new LinkedHashMap<>();
                LogEventJson.toTree(LogEventJson.complete(event)).properties().forEach(e -> m.put(e.getKey(), e.getValue()));
                map = m;
            }
            return map;
        }

        @Override public int size() { return map().size(); }
        @Override public boolean isEmpty() { return map().isEmpty(); }
        @Override public boolean containsKey(Object key) { return map().containsKey(key); }
        @Override public JsonNode get(Object key) { return map().get(key); }
        @Override public JsonNode put(String key, JsonNode value) { return map().put(key, value); }
        @Override public JsonNode remove(Object key) { return map().remove(key); }
        @Override public void clear() { map().clear(); }
        @Override public Set<String> keySet() { return map().keySet(); }
        @Override public Collection<JsonNode> values() { return map().values(); }
        @Override public Set<Entry<String, JsonNode>> entrySet() { return map().entrySet(); }
    }
}
