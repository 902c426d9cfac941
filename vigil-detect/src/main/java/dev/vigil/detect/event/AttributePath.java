package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A dotted attribute path ({@code usr.name}, {@code process.ancestors.file.path}) resolved once
 * into segments. Resolution walks nested objects; an array on the way fans out (any element);
 * a literal dotted key ({@code "usr.name": "x"}) at any level is honoured too, as log shippers
 * often flatten.
 */
public final class AttributePath {

    private static final Pattern DOT = Pattern.compile("\\.");

    private final String dotted;
    private final String[] segments;

    private AttributePath(String dotted) {
        this.dotted = dotted;
        this.segments = DOT.split(dotted, -1);
    }

    public static AttributePath of(String dotted) {
        if (dotted == null || dotted.isEmpty()) throw new IllegalArgumentException("empty attribute path");
        return new AttributePath(dotted);
    }

    public String dotted() { return dotted; }

    /** True when some value at this path (any array element, any fan-out) satisfies {@code test}. Leaves only. */
    public boolean anyMatch(ObjectNode root, Predicate<JsonNode> test) {
        return walk(root, 0, test);
    }

    /** The first value at this path, or {@code null}: for group-by keys and entity extraction. */
    public JsonNode first(ObjectNode root) {
        JsonNode[] found = new JsonNode[1];
        walk(root, 0, n -> { found[0] = n; return true; });
        return found[0];
    }

    /** The first value at this path as text, or {@code null} when absent or not a scalar. */
    public String firstText(ObjectNode root) {
        JsonNode n = first(root);
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    private boolean walk(JsonNode node, int i, Predicate<JsonNode> test) {
        if (node == null || node.isMissingNode()) return false;
        if (node.isArray()) {
            for (JsonNode e : node) if (walk(e, i, test)) return true;
            return false;
        }
        if (i == segments.length) return !node.isObject() && test.test(node);
        if (!node.isObject()) return false;
        if (walk(node.get(segments[i]), i + 1, test)) return true;
        // literal dotted keys: "usr.name" as one key, or "process" -> "file.path"
        if (i + 1 < segments.length) {
            StringBuilder key = new StringBuilder(segments[i]);
            for (int j = i + 1; j < segments.length; j++) {
                key.append('.').append(segments[j]);
                JsonNode child = node.get(key.toString());
                if (child != null && walk(child, j + 1, test)) return true;
            }
        }
        return false;
    }

    @Override public String toString() { return dotted; }
    @Override public boolean equals(Object o) { return o instanceof AttributePath p && p.dotted.equals(dotted); }
    @Override public int hashCode() { return dotted.hashCode(); }
}
