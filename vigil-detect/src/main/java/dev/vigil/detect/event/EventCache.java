package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ValueNode;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a rule set looks up in one event, looked up once: the values of each attribute path (by
 * slot) and the results of query terms (by term slot), shared by every rule that reads them.
 * With 100 rules, {@code @evt.name}, {@code @usr.name} or {@code @network.client.ip} are read by
 * dozens of query terms, group-by fields and the entity collector per event; each read past the
 * first is an array access instead of a walk through the event's JSON tree.
 *
 * <p>Slots are numbered when rules are loaded ({@link #slot}, {@link #term}); {@link #reset} starts
 * the next event. Nothing is cleared per event: each entry remembers the event (an epoch) it was
 * resolved for, and buffers are reused, so the steady state allocates nothing. For
 * {@link #anyMatch} and {@link #exists} a path resolves to every node {@link AttributePath}
 * reaches, in its order; {@link #firstText} (group-by fields, entities, the index) walks only to
 * the first value unless all are there already, and keeps the text. Every answer is exactly the
 * path's own.
 *
 * <p>Single-threaded: one per engine.
 */
public final class EventCache {

    private final Map<String, Integer> slotsByPath = new HashMap<>();
    private final Map<String, Integer> termsByKey = new HashMap<>();
    private AttributePath[] paths = new AttributePath[0];
    /** Per slot: the epoch its values were resolved for, the values ({@code count} of them), the first text. */
    private long[] resolvedAt = new long[0];
    private JsonNode[][] values = new JsonNode[0][];
    private int[] counts = new int[0];
    private long[] textAt = new long[0];
    private String[] texts = new String[0];
    /** Per term slot: {@code epoch << 1 | result}, so one read tells whether and what. */
    private long[] terms = new long[0];

    /** The projection whose path indexes are this cache's slots (see {@link #listedBy}); null when none is. */
    private AttributeProjection listing;
    /** Per slot: whether {@link #listing} lists the slot's values ({@link AttributeProjection#listed}). */
    private boolean[] listable = new boolean[0];
    private LogEvent event;
    private ObjectNode root;
    /** Whether the current event's attributes list every listable slot's values: an unresolved listable slot is then empty. */
    private boolean listed;
    /** Starts above the entries' initial 0, so nothing reads as resolved before the first event. */
    private long epoch = 1;

    /** The slot of {@code path}, assigned on first request (at rule load, not per event). */
    public int slot(AttributePath path) {
        Integer s = slotsByPath.get(path.dotted());
        if (s != null) return s;
        int slot = slotsByPath.size();
        slotsByPath.put(path.dotted(), slot);
        int n = slot + 1;
        paths = Arrays.copyOf(paths, n);
        paths[slot] = path;
        resolvedAt = Arrays.copyOf(resolvedAt, n);
        values = Arrays.copyOf(values, n);
        values[slot] = new JsonNode[1];
        counts = Arrays.copyOf(counts, n);
        textAt = Arrays.copyOf(textAt, n);
        texts = Arrays.copyOf(texts, n);
        listable = Arrays.copyOf(listable, n);
        return slot;
    }

    /**
     * Reads the values of events decoded with {@code projection} from the list the decode made
     * ({@link LogEventJson#fromJson(byte[], AttributeProjection)}) instead of walking their trees:
     * one pass over a few adjacent entries per event, where walks read every object on each path.
     * The projection's first paths must be this cache's, in slot order (the engine makes it so);
     * else, or for events decoded otherwise, paths are walked as before. Either way every answer
     * is the path's own.
     */
    public void listedBy(AttributeProjection projection) {
        List<AttributePath> ordered = projection.ordered();
        boolean same = ordered.size() >= paths.length;
        for (int i = 0; same && i < paths.length; i++) same = ordered.get(i).equals(paths[i]);
        listing = same ? projection : null;
        for (int i = 0; i < paths.length; i++) listable[i] = same && projection.listed(i);
    }

    /** The slot of a query term by its canonical text, assigned on first request: equal terms share one. */
    public int term(String key) {
        Integer s = termsByKey.get(key);
        if (s != null) return s;
        int slot = termsByKey.size();
        termsByKey.put(key, slot);
        terms = Arrays.copyOf(terms, slot + 1);
        return slot;
    }

    public int slots() { return paths.length; }

    /** The attribute paths with a slot, in slot order: everything the rules bound to this cache read of an event. */
    public List<AttributePath> paths() { return List.of(paths); }

    public int termSlots() { return terms.length; }

    /** Starts {@code e}: every slot and term is unresolved again. */
    public void reset(LogEvent e) {
        event = e;
        root = e.attributes();
        epoch++;
        listed = false;
        if (listing != null && root instanceof ProjectedAttributes a && a.projection == listing && a.listed >= 0) {
            // the decode's list, in document order: each path's values come in its own order
            int[] ps = a.listedPaths;
            JsonNode[] ns = a.listedNodes;
            int slots = paths.length;
            for (int k = 0, n = a.listed; k < n; k++) {
                int slot = ps[k];
                if (slot < slots) add(slot, ns[k]);
            }
            listed = true;
        }
    }

    /** Appends a listed value to its slot, starting the slot for this event at its first. */
    private void add(int slot, JsonNode v) {
        JsonNode[] buf = values[slot];
        int n;
        if (resolvedAt[slot] != epoch) {
            int old = counts[slot];
            if (old > 1) Arrays.fill(buf, 1, Math.min(buf.length, old), null); // don't keep an older event's nodes alive
            resolvedAt[slot] = epoch;
            n = 0;
        } else {
            n = counts[slot];
        }
        if (n == buf.length) values[slot] = buf = Arrays.copyOf(buf, buf.length * 2);
        buf[n] = v;
        counts[slot] = n + 1;
    }

    /** The event since the last {@link #reset}. */
    public LogEvent event() { return event; }

    /** Increases with every {@link #reset}: lets callers keep their own per-event memos. */
    public long epoch() { return epoch; }

    /** Same as {@link AttributePath#anyMatch} for the slot's path on the current event. */
    public boolean anyMatch(int slot, Predicate<JsonNode> test) {
        int n = resolve(slot);
        JsonNode[] v = values[slot];
        for (int i = 0; i < n; i++) if (!isObject(v[i]) && test.test(v[i])) return true;
        return false;
    }

    /** Same as {@link AttributePath#exists}. */
    public boolean exists(int slot) {
        int n = resolve(slot);
        JsonNode[] v = values[slot];
        for (int i = 0; i < n; i++) if (v[i] instanceof ObjectNode || !v[i].isNull()) return true;
        return false;
    }

    /** Same as {@link AttributePath#first}. */
    public JsonNode first(int slot) {
        // group-by fields, entities and the index need the first value only: walk no further unless the values are here anyway
        if (resolvedAt[slot] != epoch) return listed && listable[slot] ? null : paths[slot].first(root);
        int n = counts[slot];
        JsonNode[] v = values[slot];
        for (int i = 0; i < n; i++) if (!isObject(v[i])) return v[i];
        return null;
    }

    /** Same as {@link AttributePath#firstText}; once per event (a number's text is made once). */
    public String firstText(int slot) {
        if (textAt[slot] == epoch) return texts[slot];
        JsonNode n = first(slot);
        String t = n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
        texts[slot] = t;
        textAt[slot] = epoch;
        return t;
    }

    /**
     * How many nodes the slot's path reaches in the current event, as {@link AttributePath#collect}
     * counts them (resolved once per event); {@link #value} reads them.
     */
    public int count(int slot) { return resolve(slot); }

    /** Node {@code i} of the slot's path in the current event, {@code i < count(slot)}. */
    public JsonNode value(int slot, int i) { return values[slot][i]; }

    /** A term's result for the current event: 1 true, 0 false, -1 not evaluated yet. */
    public int term(int slot) {
        long t = terms[slot];
        return t >>> 1 == epoch ? (int) (t & 1) : -1;
    }

    /** Records a term's result for the current event and returns it. */
    public boolean term(int slot, boolean result) {
        terms[slot] = epoch << 1 | (result ? 1 : 0);
        return result;
    }

    /** {@code n.isObject()}, without the megamorphic call for Jackson's own node classes. */
    private static boolean isObject(JsonNode n) {
        return n instanceof ObjectNode || !(n instanceof ValueNode) && n.isObject();
    }

    private int resolve(int slot) {
        if (resolvedAt[slot] == epoch) return counts[slot];
        JsonNode[] buf = values[slot];
        if (listed && listable[slot]) { // not in the event's list: the path finds nothing
            Arrays.fill(buf, 0, Math.min(buf.length, counts[slot]), null);
            counts[slot] = 0;
            resolvedAt[slot] = epoch;
            return 0;
        }
        int n = paths[slot].collect(root, buf);
        if (n > buf.length) { // a wider fan-out than seen so far: grow once, keep the buffer
            values[slot] = buf = new JsonNode[Integer.highestOneBit(n) << 1];
            paths[slot].collect(root, buf);
        } else if (counts[slot] > n) {
            Arrays.fill(buf, n, Math.min(buf.length, counts[slot]), null); // don't keep an older event's nodes alive
        }
        counts[slot] = n;
        resolvedAt[slot] = epoch;
        return n;
    }

    @Override public String toString() { return "EventCache[" + paths.length + " paths, " + terms.length + " terms]"; }
}
