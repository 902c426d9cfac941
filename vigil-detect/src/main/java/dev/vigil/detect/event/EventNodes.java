package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serial;

/**
 * Makes the JSON objects of decoded events ({@link LogEventJson#fromJson}) as {@link EventObject}s,
 * with an {@link AttributeMap} behind them instead of Jackson's {@code LinkedHashMap}: the same
 * nodes, the same order, fewer objects and cache lines per lookup. Everything else is Jackson's
 * default factory (numbers, text, arrays).
 */
final class EventNodes extends JsonNodeFactory {

    @Serial private static final long serialVersionUID = 1L;

    static final EventNodes INSTANCE = new EventNodes();

    private EventNodes() {
        super(false); // as JsonNodeFactory.instance: decimals normalised as by default
    }

    @Override
    public ObjectNode objectNode() {
        return new EventObject(this);
    }
}
