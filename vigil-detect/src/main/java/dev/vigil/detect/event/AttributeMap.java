package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The children of one JSON object of a decoded event ({@link EventNodes}): in insertion order, as
 * in Jackson's own {@code LinkedHashMap}, but with keys and values side by side in one array.
 * Detection reads a few attributes of each event, most of them cold in memory; a lookup here
 * reads the map and one array, where a hash map reads its table, a bucket's node and often a
 * collision chain, each in another cache line. Looking up an absent key ({@link AttributePath}
 * tries literal dotted keys at every level) reads nothing the present keys did not.
 *
 * <p>Keys are compared by identity first: Jackson interns the names it parses, and
 * {@link AttributePath} interns its segments. A key with a dot is looked for only if the object
 * has such keys: paths try {@code "usr.name"} wherever they try {@code "usr"}, and events seldom
 * have one. Objects with more than {@value #LINEAR} keys also keep a hash index, so no lookup or
 * insertion scans more than that.
 *
 * <p>A complete, mutable {@link java.util.Map} (Jackson's {@code ObjectNode} may use any of it);
 * not thread-safe, like the node it backs.
 */
final class AttributeMap extends AbstractMap<String, JsonNode> {

    /**
     * Up to this many keys, lookups scan; beyond, they go through {@link #index}. A scan of an
     * agent event's process object (about 20 keys) reads a few adjacent lines of one array; the
     * index would add a cold array of its own (measured: 5% more events/s with 32 than with 16).
     */
    static final int LINEAR = 32;

    /** {@code key0, value0, key1, value1, ...}; {@code size} pairs in use. */
    private Object[] kv;
    private int size;
    /** Beyond {@value #LINEAR} keys: open addressing, per slot a key's hash and its position + 1 (0 = empty). */
    private int[] index;
    /** How many keys have a dot: while none, a dotted key is absent without a look. */
    private int dotted;
    /**
     * Whether every key is a string the JVM interned: true while keys come only through
     * {@link #putInterned} (the projected decode's, named by the parser, which interns names).
     * Then a lookup of an interned key that no key is identical to is a miss, without comparing text.
     */
    private boolean internedKeys = true;
    private int modCount;

    AttributeMap() {
        kv = new Object[8];
    }

    @Override public int size() { return size; }

    /** Whether some key has a dot in it. */
    boolean hasDottedKeys() { return dotted > 0; }

    @Override public boolean isEmpty() { return size == 0; }

    @Override public boolean containsKey(Object key) { return key instanceof String k && find(k) >= 0; }

    @Override
    public JsonNode get(Object key) {
        if (!(key instanceof String k)) return null;
        int i = find(k);
        return i < 0 ? null : (JsonNode) kv[2 * i + 1];
    }

    /** {@link #put} of a key the JVM interned ({@link String#intern}): lookups of interned keys then compare identities only. */
    JsonNode putInterned(String key, JsonNode value) {
        boolean interned = internedKeys;
        JsonNode old = put(key, value);
        internedKeys = interned;
        return old;
    }

    /** {@link #get} of a key the JVM interned (as {@link AttributePath}'s segments are). */
    JsonNode getInterned(String key) {
        if (index == null && internedKeys) {
            Object[] a = kv;
            for (int i = 0, n = size; i < n; i++) if (a[2 * i] == key) return (JsonNode) a[2 * i + 1];
            return null;
        }
        int i = find(key);
        return i < 0 ? null : (JsonNode) kv[2 * i + 1];
    }

    @Override
    public JsonNode put(String key, JsonNode value) {
        if (key == null) throw new NullPointerException("null key");
        // decoding puts every key once, each new to the map: one pass over the keys finds it is
        int i = index == null ? scan(key) : find(key);
        if (i >= 0) {
            JsonNode old = (JsonNode) kv[2 * i + 1];
            kv[2 * i + 1] = value;
            return old;
        }
        if (2 * size == kv.length) kv = Arrays.copyOf(kv, kv.length * 2);
        if (key.indexOf('.') >= 0) dotted++;
        internedKeys = false; // unless putInterned says otherwise
        kv[2 * size] = key;
        kv[2 * size + 1] = value;
        size++;
        modCount++;
        if (index != null) indexPut(key.hashCode(), size - 1);
        else if (size > LINEAR) reindex();
        return null;
    }

    @Override
    public JsonNode remove(Object key) {
        if (!(key instanceof String k)) return null;
        int i = find(k);
        if (i < 0) return null;
        JsonNode old = (JsonNode) kv[2 * i + 1];
        removeAt(i);
        return old;
    }

    @Override
    public void clear() {
        Arrays.fill(kv, 0, 2 * size, null);
        size = 0;
        dotted = 0;
        internedKeys = true;
        index = null;
        modCount++;
    }

    /** The position of {@code key}, or -1. */
    private int find(String key) {
        Object[] a = kv;
        int n = size;
        if (index == null) {
            for (int i = 0; i < n; i++) if (a[2 * i] == key) return i;
            if (dotted == 0 && key.indexOf('.') >= 0) return -1;
            int h = key.hashCode();
            for (int i = 0; i < n; i++) {
                String k = (String) a[2 * i];
                if (k.hashCode() == h && k.equals(key)) return i;
            }
            return -1;
        }
        int h = key.hashCode();
        int[] ix = index;
        int mask = ix.length / 2 - 1;
        for (int s = mix(h) & mask; ; s = (s + 1) & mask) {
            int at = ix[2 * s + 1];
            if (at == 0) return -1;
            if (ix[2 * s] == h) {
                Object k = a[2 * (at - 1)];
                if (k == key || k.equals(key)) return at - 1;
            }
        }
    }

    /** The position of {@code key} by a scan of every key, by identity or equal text. */
    private int scan(String key) {
        Object[] a = kv;
        int h = key.hashCode();
        for (int i = 0, n = size; i < n; i++) {
            String k = (String) a[2 * i];
            if (k == key || k.hashCode() == h && k.equals(key)) return i;
        }
        return -1;
    }

    private void removeAt(int i) {
        if (((String) kv[2 * i]).indexOf('.') >= 0) dotted--;
        System.arraycopy(kv, 2 * (i + 1), kv, 2 * i, 2 * (size - i - 1));
        size--;
        kv[2 * size] = null;
        kv[2 * size + 1] = null;
        modCount++;
        if (index != null) reindex();
    }

    private void reindex() {
        if (size <= LINEAR) {
            index = null;
            return;
        }
        index = new int[2 * Integer.highestOneBit(size * 4 - 1)]; // at most half full
        for (int i = 0; i < size; i++) indexPut(kv[2 * i].hashCode(), i);
    }

    private void indexPut(int hash, int position) {
        int[] ix = index;
        int mask = ix.length / 2 - 1;
        if (2 * (position + 1) > mask + 1) { // more than half full: grow
            reindex();
            return;
        }
        int s = mix(hash) & mask;
        while (ix[2 * s + 1] != 0) s = (s + 1) & mask;
        ix[2 * s] = hash;
        ix[2 * s + 1] = position + 1;
    }

    private static int mix(int h) { return h ^ (h >>> 16); }

    @Override
    public Set<Entry<String, JsonNode>> entrySet() {
        return new AbstractSet<>() {
            @Override public int size() { return size; }

            @Override public void clear() { AttributeMap.this.clear(); }

            @Override
            public Iterator<Entry<String, JsonNode>> iterator() {
                return new Iterator<>() {
                    private int next;
                    private int last = -1;
                    private int expected = modCount;

                    @Override public boolean hasNext() { return next < size; }

                    @Override
                    public Entry<String, JsonNode> next() {
                        if (modCount != expected) throw new ConcurrentModificationException();
                        if (next >= size) throw new NoSuchElementException();
                        last = next++;
                        return new Pair(last);
                    }

                    @Override
                    public void remove() {
                        if (last < 0) throw new IllegalStateException();
                        if (modCount != expected) throw new ConcurrentModificationException();
                        removeAt(last);
                        next = last;
                        last = -1;
                        expected = modCount;
                    }
                };
            }
        };
    }

    /** An entry that reads and writes through to its position (valid until the map's keys change). */
    private final class Pair implements Entry<String, JsonNode> {
        private final int at;
        private final String key;

        Pair(int at) {
            this.at = at;
            this.key = (String) kv[2 * at];
        }

        @Override public String getKey() { return key; }

        @Override public JsonNode getValue() { return (JsonNode) kv[2 * at + 1]; }

        @Override
        public JsonNode setValue(JsonNode value) {
            JsonNode old = getValue();
            kv[2 * at + 1] = value;
            return old;
        }

        @Override public boolean equals(Object o) {
            return o instanceof Entry<?, ?> e && key.equals(e.getKey()) && java.util.Objects.equals(getValue(), e.getValue());
        }

        @Override public int hashCode() { return key.hashCode() ^ java.util.Objects.hashCode(getValue()); }

        @Override public String toString() { return key + "=" + getValue(); }
    }
}
