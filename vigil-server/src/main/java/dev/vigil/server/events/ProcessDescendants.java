package dev.vigil.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.query.Query;
import dev.vigil.detect.signal.ProcessTrees;
import dev.vigil.detect.signal.Signal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The descendants of a signal's triggering process, found in the event index: exec and fork events
 * on the signal's host whose process has the trigger among its ancestors, from the trigger's exec until a
 * while after the signal's last activity. Agents ship those events after an alert (they follow the
 * alerted process), or all events when set to. A process id seen again later belongs to another
 * process; an ancestor counts as the trigger only if it was exec'd no earlier than the trigger.
 */
public final class ProcessDescendants {

    /** Most descendants shown; more are counted. */
    public static final int MAX_NODES = 100;
    /** Events read from the index, newest first, to find them. */
    static final int MAX_EVENTS = 1000;
    /** How long after the signal's last activity children are looked for (the agent follows an alerted process 10 minutes). */
    static final long AFTER_MILLIS = 15 * 60_000L;
    /** Before the trigger's exec time, for clocks that disagree by a little. */
    static final long BEFORE_MILLIS = 60_000L;

    private ProcessDescendants() {}

    /**
     * The signal's process tree with its trigger's descendants added: nodes marked
     * {@code "descendant": true} with their {@code depth} below the trigger (1 for children), after
     * the ancestry, in the order they started; {@code "descendants_more"} counts those left out
     * beyond {@value #MAX_NODES}. The signal's own tree when it has no process, no host or no
     * descendants in the index.
     */
    public static ObjectNode treeOf(Signal signal, EventSearch search, long now) throws IOException {
        ObjectNode tree = signal.processTree();
        if (tree == null || search == null) return tree;
        JsonNode trigger = triggerNode(tree);
        List<String> hosts = signal.entities() == null ? List.of() : signal.entities().hosts();
        if (trigger == null || hosts.isEmpty()) return tree;
        long pid = trigger.path("pid").asLong();
        long execTime = trigger.path("exec_time").asLong(0);
        long from = (execTime > 0 ? execTime / 1_000_000L : signal.firstSeen()) - BEFORE_MILLIS;
        long to = Math.min(now, signal.lastSeen() + AFTER_MILLIS) + 1;
        if (to <= from) return tree;
        // process starts only: each carries its ancestry, and a busy child's thousands of file and
        // network events would crowd them out of the events read
        Query q = Query.parse("host:" + Query.literal(hosts.getFirst()) + " @evt.name:(exec OR fork) @process.ancestors.pid:" + pid);
        EventSearch.Result r = search.search(q, from, to, MAX_EVENTS, to - from);

        // newest first from the index; walk oldest first so each process keeps the program it ran last
        Map<Long, ObjectNode> byPid = new LinkedHashMap<>();
        List<EventSearch.Hit> hits = new ArrayList<>(r.events());
        for (EventSearch.Hit h : hits.reversed()) addChain(h, pid, execTime, byPid);
        if (byPid.isEmpty()) return tree;

        ObjectNode out = tree.deepCopy();
        ArrayNode nodes = (ArrayNode) out.path("nodes");
        int added = 0;
        for (ObjectNode n : byPid.values()) {
            if (added == MAX_NODES) break;
            nodes.add(n);
            added++;
        }
        if (byPid.size() > added) out.put("descendants_more", byPid.size() - added);
        return out;
    }

    private static JsonNode triggerNode(ObjectNode tree) {
        for (JsonNode n : tree.path("nodes")) if (n.path("trigger").asBoolean()) return n;
        return null;
    }

    /** Adds the processes between the trigger and this event's process, that one included. */
    private static void addChain(EventSearch.Hit h, long pid, long execTime, Map<Long, ObjectNode> byPid) {
        JsonNode process = h.event().attributes().get("process");
        if (process == null || !process.isObject()) return;
        JsonNode ancestors = process.path("ancestors");
        int at = -1; // the trigger's place among the ancestors, nearest first
        for (int i = 0; i < ancestors.size(); i++) {
            JsonNode a = ancestors.get(i);
            if (a.path("pid").asLong() == pid && a.path("exec_time").asLong(0) >= execTime) {
                at = i;
                break;
            }
        }
        if (at < 0) return;
        String container = h.event().attributes().path("container").path("id").asText("");
        int depth = 1;
        for (int i = at - 1; i >= -1; i--, depth++) {
            JsonNode p = i >= 0 ? ancestors.get(i) : process;
            ObjectNode n = ProcessTrees.node(p, false, container.isEmpty() ? null : container);
            n.put("descendant", true);
            n.put("depth", depth);
            long childPid = p.path("pid").asLong();
            ObjectNode known = byPid.get(childPid);
            // a later exec of the same process replaces what it ran before, in place
            if (known == null || n.path("exec_time").asLong(0) > known.path("exec_time").asLong(0)) byPid.put(childPid, n);
        }
    }
}
