package dev.vigil.detect.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The attributes of one event being built: a shallow copy of the input object that normalised
 * fields are written into, copy-on-write. The input is never modified: the first write below an
 * object that still belongs to the input copies that object (one level, its children shared), so
 * adding {@code network.client.ip} next to an input's {@code network.destination} costs one small
 * copy, and events that add nothing under input objects (most agent events) copy nothing but the
 * top level. The finished tree shares unmodified subtrees with the input: callers must not modify
 * the input afterwards.
 *
 * <p>A write never replaces a scalar the input had on the way: an input {@code "usr": "alice"}
 * keeps its value and {@code usr.name} is not written (the input's own data wins over a derived
 * field).
 */
final class Attrs {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectNode root;
    /** Objects this builder created or copied, so writable in place; few per event, searched linearly. */
    private ObjectNode[] owned = new ObjectNode[8];
    private int ownedCount;

    private Attrs(ObjectNode root) {
        this.root = root;
        own(root);
    }

    /** A builder over a shallow copy of {@code input}. */
    static Attrs over(ObjectNode input) {
        ObjectNode copy = NODES.objectNode();
        copy.setAll(input);
        return new Attrs(copy);
    }

    static Attrs empty() {
        return new Attrs(NODES.objectNode());
    }

    /** The attributes: read-only once handed to a {@code LogEvent}. */
    ObjectNode root() { return root; }

    /** Removes a top-level key (a value remapped to a reserved attribute). */
    void removeTop(String key) {
        root.remove(key);
    }

    void put(Attr a, String value) {
        if (value != null && !value.isEmpty()) put(a, TextNode.valueOf(value));
    }

    void put(Attr a, long value) {
        put(a, value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value));
    }

    void put(Attr a, boolean value) {
        put(a, BooleanNode.valueOf(value));
    }

    void put(Attr a, JsonNode value) {
        ObjectNode parent = root;
        int last = a.length() - 1;
        for (int i = 0; i < last; i++) {
            String seg = a.segment(i);
            JsonNode child = parent.get(seg);
            ObjectNode next;
            if (child == null || child.isNull()) {
                next = NODES.objectNode();
                parent.set(seg, next);
                own(next);
            } else if (child instanceof ObjectNode o) {
                if (owns(o)) {
                    next = o;
                } else {
                    next = NODES.objectNode();
                    next.setAll(o);
                    parent.set(seg, next);
                    own(next);
                }
            } else {
                return; // a scalar or array of the input's: keep it
            }
            parent = next;
        }
        parent.set(a.segment(last), value);
    }

    private boolean owns(ObjectNode o) {
        for (int i = 0; i < ownedCount; i++) if (owned[i] == o) return true;
        return false;
    }

    private void own(ObjectNode o) {
        if (ownedCount == owned.length) owned = java.util.Arrays.copyOf(owned, ownedCount * 2);
        owned[ownedCount++] = o;
    }

    // ------------------------------------------------------------------ reading helpers for inputs

    /** The text of a scalar child, or {@code ""} when absent, null or a container. */
    static String text(JsonNode parent, String field) {
        if (parent == null) return "";
        JsonNode v = parent.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? "" : v.asText();
    }

    /** The child, or {@code null}. */
    static JsonNode child(JsonNode parent, String field) {
        return parent == null ? null : parent.get(field);
    }
}
