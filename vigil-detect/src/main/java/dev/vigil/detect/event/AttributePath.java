package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ValueNode;

import java.util.function.Predicate;

/**
 * A dotted attribute path ({@code usr.name}, {@code process.ancestors.file.path}) resolved once
 * into segments. Resolution walks nested objects; an array on the way fans out (any element);
 * a literal dotted key ({@code "usr.name": "x"}) at any level is honoured too, as log shippers
 * often flatten.
 *
 * <p>Resolution allocates nothing: the dotted keys a literal-key lookup may need
 * ({@code "usr.name"}, {@code "file.path"}...) are joined once here, arrays are walked by index,
 * and a {@link Predicate} that is a field of the caller (not a capturing lambda) stays the only
 * object involved.
 */
public final class AttributePath {

    private static final Predicate<JsonNode> ANY = n -> true;
    private static final Predicate<JsonNode> NOT_NULL = n -> !n.isNull();

    private final String dotted;
    private final String[] segments;
    /** {@code joined[i][j]} is {@code segments[i] + "." + ... + "." + segments[j]}, for j > i. */
    private final String[][] joined;

    private AttributePath(String dotted) {
        this.dotted = dotted;
        // interned like the field names Jackson's parser interns, so key comparisons are mostly identity checks
        this.segments = dotted.split("\\.", -1);
        for (int i = 0; i < segments.length; i++) segments[i] = segments[i].intern();
        this.joined = new String[segments.length][segments.length];
        for (int i = 0; i < segments.length; i++) {
            StringBuilder key = new StringBuilder(segments[i]);
            for (int j = i + 1; j < segments.length; j++) {
                joined[i][j] = key.append('.').append(segments[j]).toString().intern();
            }
        }
    }

    public static AttributePath of(String dotted) {
        if (dotted == null || dotted.isEmpty()) throw new IllegalArgumentException("empty attribute path");
        return new AttributePath(dotted);
    }

    public String dotted() { return dotted; }

    /** True when some value at this path (any array element, any fan-out) satisfies {@code test}. Leaves only. */
    public boolean anyMatch(ObjectNode root, Predicate<JsonNode> test) {
        return find(root, 0, test, true) != null;
    }

    /**
     * True when the path leads to a value other than JSON {@code null}: a scalar, an object, or an
     * array with such an element (an empty array counts as absent).
     */
    public boolean exists(ObjectNode root) {
        return find(root, 0, NOT_NULL, false) != null;
    }

    /** The first value at this path, or {@code null}: for group-by keys and entity extraction. */
    public JsonNode first(ObjectNode root) {
        return find(root, 0, ANY, true);
    }

    /** The first value at this path as text, or {@code null} when absent or not a scalar. */
    public String firstText(ObjectNode root) {
        JsonNode n = first(root);
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    /**
     * Every node this path reaches, in the order {@link #anyMatch}, {@link #exists} and {@link #first}
     * visit them: arrays fanned out (never an array itself), objects and JSON {@code null} included.
     * Writes the first {@code out.length} into {@code out} and returns how many there are, so a
     * caller whose buffer was too small grows it and calls again. Allocates nothing.
     */
    public int collect(ObjectNode root, JsonNode[] out) {
        return collect(root, 0, out, 0);
    }

    private int collect(JsonNode node, int i, JsonNode[] out, int n) {
        // class checks first: JsonNode's isObject()/isArray()/get() are megamorphic calls, and this runs per path per event
        if (node == null || node instanceof MissingNode) return n;
        if (node instanceof ValueNode) return i == segments.length ? add(node, out, n) : n;
        if (node instanceof EventObject o) { // a decoded event's object: the same walk, without the generic calls
            if (i == segments.length) return add(o, out, n);
            n = collect(o.child(segments[i]), i + 1, out, n);
            if (!o.hasDottedKeys()) return n;
            for (int j = i + 1; j < segments.length; j++) {
                JsonNode child = o.child(joined[i][j]);
                if (child != null) n = collect(child, j + 1, out, n);
            }
            return n;
        }
        if (node instanceof ObjectNode o) {
            if (i == segments.length) return add(o, out, n);
            n = collect(o.get(segments[i]), i + 1, out, n);
            for (int j = i + 1; j < segments.length; j++) {
                JsonNode child = o.get(joined[i][j]);
                if (child != null) n = collect(child, j + 1, out, n);
            }
            return n;
        }
        if (node instanceof ArrayNode a) {
            for (int k = 0, size = a.size(); k < size; k++) n = collect(a.get(k), i, out, n);
            return n;
        }
        return collectOther(node, i, out, n);
    }

    /** Any other JsonNode implementation, through the generic API (what {@link #find} does). */
    private int collectOther(JsonNode node, int i, JsonNode[] out, int n) {
        if (node.isMissingNode()) return n;
        if (node.isArray()) {
            for (int k = 0, size = node.size(); k < size; k++) n = collect(node.get(k), i, out, n);
            return n;
        }
        if (i == segments.length) return add(node, out, n);
        if (!node.isObject()) return n;
        n = collect(node.get(segments[i]), i + 1, out, n);
        for (int j = i + 1; j < segments.length; j++) {
            JsonNode child = node.get(joined[i][j]);
            if (child != null) n = collect(child, j + 1, out, n);
        }
        return n;
    }

    private static int add(JsonNode node, JsonNode[] out, int n) {
        if (n < out.length) out[n] = node;
        return n + 1;
    }

    /** The first node at segment {@code i} and below that passes {@code test}, or {@code null}. */
    private JsonNode find(JsonNode node, int i, Predicate<JsonNode> test, boolean leavesOnly) {
        if (node == null || node instanceof MissingNode) return null;
        if (node instanceof ValueNode) return i == segments.length && test.test(node) ? node : null;
        if (node instanceof EventObject o) { // as below, without the generic calls
            if (i == segments.length) return !leavesOnly && test.test(o) ? o : null;
            JsonNode found = find(o.child(segments[i]), i + 1, test, leavesOnly);
            if (found != null || !o.hasDottedKeys()) return found;
            for (int j = i + 1; j < segments.length; j++) {
                JsonNode child = o.child(joined[i][j]);
                if (child != null && (found = find(child, j + 1, test, leavesOnly)) != null) return found;
            }
            return null;
        }
        if (node instanceof ObjectNode o) {
            if (i == segments.length) return !leavesOnly && test.test(o) ? o : null;
            JsonNode found = find(o.get(segments[i]), i + 1, test, leavesOnly);
            if (found != null) return found;
            // literal dotted keys: "usr.name" as one key, or "process" -> "file.path"
            for (int j = i + 1; j < segments.length; j++) {
                JsonNode child = o.get(joined[i][j]);
                if (child != null && (found = find(child, j + 1, test, leavesOnly)) != null) return found;
            }
            return null;
        }
        if (node instanceof ArrayNode a) {
            for (int k = 0, n = a.size(); k < n; k++) {
                JsonNode found = find(a.get(k), i, test, leavesOnly);
                if (found != null) return found;
            }
            return null;
        }
        return findOther(node, i, test, leavesOnly);
    }

    /** Any other JsonNode implementation, through the generic API. */
    private JsonNode findOther(JsonNode node, int i, Predicate<JsonNode> test, boolean leavesOnly) {
        if (node.isMissingNode()) return null;
        if (node.isArray()) {
            for (int k = 0, n = node.size(); k < n; k++) {
                JsonNode found = find(node.get(k), i, test, leavesOnly);
                if (found != null) return found;
            }
            return null;
        }
        if (i == segments.length) return (!leavesOnly || !node.isObject()) && test.test(node) ? node : null;
        if (!node.isObject()) return null;
        JsonNode found = find(node.get(segments[i]), i + 1, test, leavesOnly);
        if (found != null) return found;
        for (int j = i + 1; j < segments.length; j++) {
            JsonNode child = node.get(joined[i][j]);
            if (child != null && (found = find(child, j + 1, test, leavesOnly)) != null) return found;
        }
        return null;
    }

    @Override public String toString() { return dotted; }
    @Override public boolean equals(Object o) { return o instanceof AttributePath p && p.dotted.equals(dotted); }
    @Override public int hashCode() { return dotted.hashCode(); }
}
