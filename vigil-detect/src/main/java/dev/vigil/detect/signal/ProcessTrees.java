package dev.vigil.detect.signal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.event.LogEvent;

/**
 * The process tree of an agent event: its ancestry from the oldest known ancestor down to the
 * process that triggered the rule, each node with pid, binary, argv, user and container, the
 * triggering one marked. Null for events without process context (logs).
 */
public final class ProcessTrees {

    private ProcessTrees() {}

    public static ObjectNode of(LogEvent e) {
        JsonNode p = e.attributes().get("process");
        if (p == null || !p.isObject() || !p.has("pid")) return null;
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode tree = f.objectNode();
        ArrayNode nodes = tree.putArray("nodes");
        JsonNode ancestors = p.get("ancestors");
        String container = text(e.attributes().path("container").path("id"));
        if (ancestors != null && ancestors.isArray()) {
            for (int i = ancestors.size() - 1; i >= 0; i--) nodes.add(node(ancestors.get(i), false, null));
        }
        nodes.add(node(p, true, container));
        tree.put("trigger", p.path("pid").asLong());
        return tree;
    }

    /**
     * One node of a tree: {@code p} is a process object of an agent event ({@code process} or one of
     * its {@code ancestors}), {@code container} its container id or null.
     */
    public static ObjectNode node(JsonNode p, boolean trigger, String container) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("pid", p.path("pid").asLong());
        n.put("ppid", p.path("ppid").asLong());
        n.put("path", text(p.path("file").path("path")));
        n.put("comm", text(p.path("comm")));
        if (p.has("argv0")) n.put("argv0", text(p.path("argv0")));
        if (p.has("argv")) n.set("argv", p.get("argv").deepCopy());
        n.put("user", text(p.path("user")));
        if (p.has("uid")) n.put("uid", p.path("uid").asLong());
        if (p.has("exec_time")) n.put("exec_time", p.path("exec_time").asLong());
        if (container != null && !container.isEmpty()) n.put("container", container);
        n.put("trigger", trigger);
        return n;
    }

    private static String text(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? "" : n.asText();
    }
}
