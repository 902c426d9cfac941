package dev.vigil.detect.engine;

/**
 * Counts events in sliding event-time windows with fixed memory: {@value #BUCKETS} buckets of
 * window/{@value #BUCKETS} each (plus the current one), reused in a ring. The window is exact to one
 * bucket; events older than the ring are ignored (and reported as too late by the caller).
 *
 * <p>The counters of a group (one per query) live side by side in one {@code long[]} the group
 * owns ({@link #create}), and these methods work on counter {@code c} of it: a group's state is
 * then two objects, where a counter object with its two arrays per query made it four or more,
 * each a cache miss when a cold group is updated.
 */
final class WindowCounter {

    static final int BUCKETS = 10;
    private static final int SLOTS = BUCKETS + 1;
    /** Per counter: the newest bucket, then per slot its bucket and its count. */
    private static final int STRIDE = 1 + 2 * SLOTS;

    private WindowCounter() {}

    /** {@code counters} empty counters. */
    static long[] create(int counters) {
        long[] w = new long[counters * STRIDE];
        for (int c = 0; c < counters; c++) clear(w, c);
        return w;
    }

    /** Adds one event at {@code time} to counter {@code c}; false when it is older than the window the ring covers. */
    static boolean add(long[] w, int c, long bucketMillis, long time) {
        int at = c * STRIDE;
        long b = Math.floorDiv(time, bucketMillis);
        long newest = w[at];
        if (newest != Long.MIN_VALUE && b <= newest - SLOTS) return false;
        if (b > newest) w[at] = b;
        int slot = at + 1 + 2 * (int) Math.floorMod(b, (long) SLOTS);
        if (w[slot] != b) {
            w[slot] = b;
            w[slot + 1] = 0;
        }
        w[slot + 1]++;
        return true;
    }

    /** Events of counter {@code c} in the window ending at {@code time} (the bucket of {@code time} and the {@value #BUCKETS} before it). */
    static long count(long[] w, int c, long bucketMillis, long time) {
        int at = c * STRIDE + 1;
        long b = Math.floorDiv(time, bucketMillis);
        long total = 0;
        for (int i = 0; i < SLOTS; i++) {
            long bi = w[at + 2 * i];
            if (bi <= b && bi > b - SLOTS) total += w[at + 2 * i + 1];
        }
        return total;
    }

    static void clear(long[] w, int c) {
        int at = c * STRIDE;
        w[at] = Long.MIN_VALUE;
        for (int i = 0; i < SLOTS; i++) {
            w[at + 1 + 2 * i] = Long.MIN_VALUE;
            w[at + 2 + 2 * i] = 0;
        }
    }

    /**
     * Writes counter {@code c} for a snapshot: its occupied slots (each a bucket and its count;
     * slots of buckets older than the newest's window are kept too, as a late event still counts
     * them), buckets relative to the newest, the newest relative to the snapshot's base time.
     */
    static void write(SnapshotOutput out, long[] w, int c, long bucketMillis) {
        int at = c * STRIDE;
        int occupied = 0;
        for (int i = 0; i < SLOTS; i++) if (w[at + 1 + 2 * i] != Long.MIN_VALUE) occupied++;
        out.writeVar(occupied);
        if (occupied == 0) return; // then the newest bucket is unset too
        long newest = w[at];
        out.writeZigzag(newest - Math.floorDiv(out.baseTime, bucketMillis));
        for (int i = 0; i < SLOTS; i++) {
            long b = w[at + 1 + 2 * i];
            if (b == Long.MIN_VALUE) continue;
            out.writeZigzag(newest - b);
            out.writeVar(w[at + 2 + 2 * i]);
        }
    }

    /** Reads what {@link #write} wrote into counter {@code c}, which it clears first. */
    static void read(SnapshotInput in, long[] w, int c, long bucketMillis) throws StateSnapshot.SnapshotException {
        clear(w, c);
        int at = c * STRIDE;
        int occupied = in.readCount(SLOTS);
        if (occupied == 0) return;
        long newest = Math.floorDiv(in.baseTime, bucketMillis) + in.readZigzag();
        w[at] = newest;
        for (int i = 0; i < occupied; i++) {
            long b = newest - in.readZigzag();
            long count = in.readVar();
            int slot = at + 1 + 2 * (int) Math.floorMod(b, (long) SLOTS);
            if (w[slot] != Long.MIN_VALUE) throw in.malformed("two buckets of a window counter share a slot");
            w[slot] = b;
            w[slot + 1] = count;
        }
    }

    /** The bucket width for a window: the window over {@value #BUCKETS}, at least 1 ms. */
    static long bucketMillis(long windowMillis) { return Math.max(1, windowMillis / BUCKETS); }
}
