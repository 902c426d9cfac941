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

    /** The bucket width for a window: the window over {@value #BUCKETS}, at least 1 ms. */
    static long bucketMillis(long windowMillis) { return Math.max(1, windowMillis / BUCKETS); }
}
