package dev.vigil.detect.state;

import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * A hash table that keeps its entries in least-recently-used order: what a {@code LinkedHashMap}
 * in access order does for detection state and open signals, with fewer memory reads per lookup.
 *
 * <p>Detection looks up a group's state for every matching event, and the tables are mostly cold
 * in memory, so what a lookup costs is the chain of dependent reads. A {@code LinkedHashMap} reads
 * its table, then the entry, then the value, and on every hit rewrites the links of the entry's
 * two neighbours to move it to the end. Here a key's slot holds its hash, key and value in arrays
 * indexed by the slot itself (open addressing, linear probing), so the value is one read away;
 * recency is a stamp written into the slot and an entry appended to a queue of accesses, both
 * plain stores. The queue is read only to find the least recently used entry, to iterate in
 * order, or to be compacted when stale records (of entries touched again since) outnumber the
 * live ones; compaction reads each record's slot independently of the others, so those reads
 * overlap.
 *
 * <p>Removal leaves a tombstone (a slot never moves until the table is rebuilt, so queue records
 * stay valid); tombstones are dropped when the table is rebuilt, which happens when live entries
 * and tombstones fill half the slots. Iteration ({@link #forEach}, {@link #removeIf}) and
 * {@link #eldest} follow access order exactly as a {@code LinkedHashMap} in access order would,
 * with {@link #get} and {@link #put} as accesses and {@link #peek} not.
 *
 * <p>Keys must not be null and must not change while in the table. Single-threaded.
 */
public final class LruTable<K, V> {

    private static final Object TOMBSTONE = new Object();
    private static final int MIN_SLOTS = 16;

    /** Per slot: {@code key, value}; key null when the slot was never used, {@link #TOMBSTONE} when its entry was removed. */
    private Object[] kv;
    private int[] hashes;
    /** Per slot: the stamp of its entry's latest access (the stamp of its live queue record). */
    private int[] stamps;
    /** Accesses in order, each {@code stamp << 32 | slot}; records from {@link #head} to {@link #tail}. */
    private long[] queue;
    private int head;
    private int tail;
    private int clock;
    private int size;
    private int tombstones;
    private int mask;
    private int shift;

    public LruTable() {
        allocate(MIN_SLOTS);
        queue = new long[MIN_SLOTS];
    }

    public int size() { return size; }

    /** The value of {@code key}, or null; counts as an access. */
    public V get(Object key) {
        int s = find(key, key.hashCode());
        if (s < 0) return null;
        touch(s);
        return value(s);
    }

    /** The value of {@code key}, or null, without counting as an access. */
    public V peek(Object key) {
        int s = find(key, key.hashCode());
        return s < 0 ? null : value(s);
    }

    /** Sets the value of {@code key} (the most recently used entry now); returns the previous value or null. */
    public V put(K key, V value) {
        int h = key.hashCode();
        int s = find(key, h);
        if (s >= 0) {
            V old = value(s);
            kv[2 * s + 1] = value;
            touch(s);
            return old;
        }
        if (2 * (size + tombstones + 1) > kv.length / 2) {
            rebuild(4 * (size + 1) > kv.length / 2 ? kv.length : kv.length / 2); // live entries past a quarter: twice the slots
        }
        s = insertSlot(h);
        if (kv[2 * s] == TOMBSTONE) tombstones--;
        kv[2 * s] = key;
        kv[2 * s + 1] = value;
        hashes[s] = h;
        size++;
        touch(s);
        return null;
    }

    /** Removes {@code key}; returns its value or null. */
    public V remove(Object key) {
        int s = find(key, key.hashCode());
        if (s < 0) return null;
        V old = value(s);
        clear(s);
        return old;
    }

    /** The least recently used key, or null when empty. */
    @SuppressWarnings("unchecked")
    public K eldest() {
        int s = eldestSlot();
        return s < 0 ? null : (K) kv[2 * s];
    }

    /** Removes the least recently used entry; returns its value, or null when empty. */
    public V removeEldest() {
        int s = eldestSlot();
        if (s < 0) return null;
        V old = value(s);
        clear(s);
        return old;
    }

    /** Visits every entry, least recently used first; {@code visitor} must not add or remove entries. */
    @SuppressWarnings("unchecked")
    public void forEach(BiConsumer<? super K, ? super V> visitor) {
        long[] q = queue;
        for (int i = head, end = tail; i < end; i++) {
            int s = live(q[i]);
            if (s >= 0) visitor.accept((K) kv[2 * s], value(s));
        }
    }

    /** Removes the entries {@code test} answers true for, visited least recently used first; returns how many. */
    @SuppressWarnings("unchecked")
    public int removeIf(BiPredicate<? super K, ? super V> test) {
        long[] q = queue;
        int removed = 0;
        for (int i = head, end = tail; i < end; i++) {
            int s = live(q[i]);
            if (s >= 0 && test.test((K) kv[2 * s], value(s))) {
                clear(s);
                removed++;
            }
        }
        return removed;
    }

    /** Removes every entry. */
    public void clear() {
        allocate(MIN_SLOTS);
        queue = new long[MIN_SLOTS];
        head = tail = clock = size = tombstones = 0;
    }

    @SuppressWarnings("unchecked")
    private V value(int s) { return (V) kv[2 * s + 1]; }

    /** The slot of {@code key}, or -1. */
    private int find(Object key, int h) {
        Object[] a = kv;
        int[] hs = hashes;
        int m = mask;
        for (int s = (h * 0x9E3779B9) >>> shift; ; s = (s + 1) & m) {
            Object k = a[2 * s];
            if (k == null) return -1;
            if (hs[s] == h && k != TOMBSTONE && (k == key || k.equals(key))) return s;
        }
    }

    /** A slot for a new key of hash {@code h} (known absent): the first empty or tombstone slot of its probe. */
    private int insertSlot(int h) {
        Object[] a = kv;
        int m = mask;
        int s = (h * 0x9E3779B9) >>> shift;
        while (a[2 * s] != null && a[2 * s] != TOMBSTONE) s = (s + 1) & m;
        return s;
    }

    /** Records an access to slot {@code s}: its stamp, and a queue record carrying it. */
    private void touch(int s) {
        if (tail == queue.length) makeRoom();
        int stamp = clock++;
        stamps[s] = stamp;
        queue[tail++] = (long) stamp << 32 | s;
    }

    /** The slot of a queue record when it is its entry's latest access, else -1. */
    private int live(long record) {
        int s = (int) record;
        return kv[2 * s] != TOMBSTONE && stamps[s] == (int) (record >>> 32) ? s : -1;
    }

    private int eldestSlot() {
        long[] q = queue;
        while (head < tail) {
            int s = live(q[head]);
            if (s >= 0) return s;
            head++;
        }
        return -1;
    }

    private void clear(int s) {
        kv[2 * s] = TOMBSTONE;
        kv[2 * s + 1] = null;
        size--;
        tombstones++;
    }

    /** The queue is full: drop stale records (renumbering stamps from 0) and grow it if live records still fill half. */
    private void makeRoom() {
        long[] q = queue;
        int n = 0;
        for (int i = head; i < tail; i++) {
            int s = live(q[i]);
            if (s >= 0) {
                stamps[s] = n;
                q[n] = (long) n << 32 | s;
                n++;
            }
        }
        head = 0;
        tail = n;
        clock = n;
        if (2 * n > q.length) queue = Arrays.copyOf(q, 2 * q.length);
    }

    /** Re-inserts the live entries into {@code slots} fresh slots, in access order, dropping tombstones. */
    private void rebuild(int slots) {
        Object[] oldKv = kv;
        int[] oldHashes = hashes;
        int[] oldStamps = stamps;
        long[] oldQueue = queue;
        int from = head, to = tail;
        allocate(Math.max(MIN_SLOTS, slots));
        long[] q = new long[Math.max(MIN_SLOTS, Integer.highestOneBit(Math.max(1, size) * 2 - 1) * 2)];
        int n = 0;
        for (int i = from; i < to; i++) {
            long r = oldQueue[i];
            int old = (int) r;
            if (oldKv[2 * old] == TOMBSTONE || oldStamps[old] != (int) (r >>> 32)) continue;
            int s = insertSlot(oldHashes[old]);
            kv[2 * s] = oldKv[2 * old];
            kv[2 * s + 1] = oldKv[2 * old + 1];
            hashes[s] = oldHashes[old];
            stamps[s] = n;
            q[n] = (long) n << 32 | s;
            n++;
        }
        queue = q;
        head = 0;
        tail = n;
        clock = n;
        tombstones = 0;
    }

    private void allocate(int slots) {
        kv = new Object[2 * slots];
        hashes = new int[slots];
        stamps = new int[slots];
        mask = slots - 1;
        shift = 32 - Integer.numberOfTrailingZeros(slots);
    }
}
