package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serial;

/**
 * A JSON object of a decoded event ({@link EventNodes}): an {@link ObjectNode} like any other,
 * whose children are in an {@link AttributeMap}, so that {@link AttributePath} can look keys up
 * without the generic map call and skip the literal dotted keys ({@code "usr.name"}) it would
 * try at every level when the object has none.
 */
class EventObject extends ObjectNode {

    @Serial private static final long serialVersionUID = 1L;

    EventObject(JsonNodeFactory nodes) {
        super(nodes, new AttributeMap());
    }

    /**
     * The child under {@code key}, or null: {@link #get(String)} without the generic map call.
     * {@code key} must be interned ({@link String#intern}), as {@link AttributePath}'s segments are.
     */
    JsonNode child(String key) { return ((AttributeMap) _children).getInterned(key); }

    /**
     * Sets the child under {@code key}, a name the decode's parser interned
     * ({@link LogEventJson#PARSER_INTERNS}); returns the child it replaced, or null.
     */
    JsonNode setParsed(String key, JsonNode value) {
        if (LogEventJson.PARSER_INTERNS) return ((AttributeMap) _children).putInterned(key, value);
        return replace(key, value);
    }

    /** Whether some key has a dot in it. */
    boolean hasDottedKeys() { return ((AttributeMap) _children).hasDottedKeys(); }
}
