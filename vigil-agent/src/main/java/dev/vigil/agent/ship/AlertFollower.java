package dev.vigil.agent.ship;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.ProcessInfo;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Follow-up shipping of alerted processes ({@link ShipMode#ALERTS}): after an alert on a process P,
 * every event of P and of P's descendants is shipped too, for a window of event time, so the server
 * sees what an alerted process (a reverse shell, say) ran next.
 *
 * <h2>Matching</h2>
 * An event is followed when its process, or one of its ancestors (at most
 * {@link ProcessInfo#MAX_ANCESTORS} up), is a followed P, the nearest such P counting. P is known by
 * its pid and the exec time it had at the alert: an entry with P's pid is P only if its exec time is
 * at least that (P may exec again) and, once P's {@code exit} event was seen, less than the exit's
 * time (a later process that reuses the pid is someone else). An entry that a fork copied from its
 * parent carries the parent's exec time until it execs, so a pid reused by a fork that has not
 * exec'd yet can pass for P: the window and budget bound that.
 *
 * <h2>Bounds</h2>
 * At most {@code maxRoots} followed processes (roots): a new one evicts the oldest
 * ({@link Stats#rootsEvicted()}). At most {@code maxEventsPerRoot} events are shipped per root, the
 * rest are counted ({@link Stats#eventsDropped()}). A followed event is also skipped (and counted,
 * {@link Stats#eventsShed()}, not charged to the budget) while the shipper's queue has no spare room,
 * so followed events never crowd out alerts. An alert on a process already inside a followed
 * tree adds no root, unless that tree has used up its budget: then the alerted subtree gets a root
 * of its own, so a noisy tree cannot hide a later alert below it. Alerts on pid 1 add no root (its
 * tree is the whole host).
 *
 * <h2>Cost</h2>
 * With nothing followed, {@link #follows} is one field read. Otherwise it walks the event's
 * ancestry with one probe of a small open-addressing pid table per level, allocating nothing.
 *
 * <h2>Threading</h2>
 * Owned by the sensor's poll thread (events and alerts both arrive there); {@link #stats()} may be
 * called from any thread.
 */
public final class AlertFollower {

    /** How long an alerted process is followed unless configured otherwise. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
    /** Most processes followed at once. */
    public static final int MAX_ROOTS = 1024;
    /** Most events shipped for one followed process and its descendants. */
    public static final int MAX_EVENTS_PER_ROOT = 10_000;

    private static final long ALIVE = Long.MAX_VALUE;

    /** One followed process P and its budget. */
    private static final class Root {
        final int pid;
        final long execTime;
        final long until;
        long exitTime = ALIVE;
        int shipped;
        /** The next (older) root with the same pid: only after pid reuse, or a nested root on an exhausted one. */
        Root samePid;

        Root(int pid, long execTime, long until) {
            this.pid = pid;
            this.execTime = execTime;
            this.until = until;
        }

        /** Whether this process-cache entry (with P's pid) is P, not an earlier program or a later process. */
        boolean owns(ProcessInfo p) {
            return p.execTime() >= execTime && p.execTime() < exitTime;
        }
    }

    /**
     * Counters since start.
     *
     * @param roots          processes followed now
     * @param rootsStarted   alerts that started following a process
     * @param rootsEvicted   followed processes dropped early because {@code maxRoots} were followed
     * @param followedEvents events shipped because they belong to a followed process
     * @param eventsDropped  events of a followed process not shipped because its budget was used up
     * @param eventsShed     events of a followed process not shipped because the shipping queue was half full
     */
    public record Stats(long roots, long rootsStarted, long rootsEvicted, long followedEvents, long eventsDropped, long eventsShed) {}

    private final long windowNanos;
    private final int maxEventsPerRoot;
    /** Roots in the order they were added (oldest at {@code head}): expiry and eviction take from the front. */
    private final Root[] ring;
    private int head;
    private int size;
    private final PidTable byPid;
    private final BooleanSupplier room;

    // written by the poll thread only, read by the heartbeat
    private volatile long roots, rootsStarted, rootsEvicted, followedEvents, eventsDropped, eventsShed;

    /** Follows for {@code window}, within the default bounds, shipping followed events while {@code room} says so. */
    public AlertFollower(Duration window, BooleanSupplier room) {
        this(window, MAX_ROOTS, MAX_EVENTS_PER_ROOT, room);
    }

    public AlertFollower(Duration window, int maxRoots, int maxEventsPerRoot, BooleanSupplier room) {
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("the follow window must be positive: " + window);
        if (maxRoots < 1 || maxEventsPerRoot < 1) throw new IllegalArgumentException("maxRoots and maxEventsPerRoot must be at least 1");
        this.windowNanos = saturatedNanos(window);
        this.maxEventsPerRoot = maxEventsPerRoot;
        this.ring = new Root[maxRoots];
        this.byPid = new PidTable(maxRoots);
        this.room = room;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Called with every event before rules judge it: whether to ship it as a followed event (counted
     * as shipped when true). Also notes the exit of a followed process.
     */
    public boolean follows(Event e) {
        if (size == 0) return false;
        long now = e.timestamp();
        expire(now);
        if (size == 0) return false;
        Root r = rootOf(e.process(), now);
        if (e.type() == EventType.EXIT) exited(e.process(), now);
        if (r == null) return false;
        if (r.shipped >= maxEventsPerRoot) {
            eventsDropped++;
            return false;
        }
        if (!room.getAsBoolean()) {
            eventsShed++;
            return false;
        }
        r.shipped++;
        followedEvents++;
        return true;
    }

    /** An alert on {@code e}: follows its process from now on, unless it is followed already. */
    public void onAlert(Event e) {
        ProcessInfo p = e.process();
        if (p.pid() <= 1) return;
        long now = e.timestamp();
        expire(now);
        Root inside = rootOf(p, now);
        if (inside != null && inside.shipped < maxEventsPerRoot) return;
        if (size == ring.length) {
            removeOldest();
            rootsEvicted++;
        }
        long until = now > Long.MAX_VALUE - windowNanos ? Long.MAX_VALUE : now + windowNanos;
        Root r = new Root(p.pid(), p.execTime(), until);
        r.samePid = byPid.get(r.pid); // newest first: the nearest, freshest root is the one charged
        byPid.put(r.pid, r);
        ring[(head + size) % ring.length] = r;
        size++;
        roots = size;
        rootsStarted++;
    }

    public Stats stats() {
        return new Stats(roots, rootsStarted, rootsEvicted, followedEvents, eventsDropped, eventsShed);
    }

    /** The nearest live root {@code p} or an ancestor is, else null. */
    private Root rootOf(ProcessInfo p, long now) {
        ProcessInfo q = p;
        for (int depth = 0; q != null && depth <= ProcessInfo.MAX_ANCESTORS; depth++, q = q.parent()) {
            for (Root r = byPid.get(q.pid()); r != null; r = r.samePid) {
                if (now <= r.until && r.owns(q)) return r;
            }
        }
        return null;
    }

    private void exited(ProcessInfo p, long now) {
        for (Root r = byPid.get(p.pid()); r != null; r = r.samePid) {
            if (r.exitTime == ALIVE && r.owns(p)) r.exitTime = now;
        }
    }

    /** Drops roots from the front whose window is over (roots are added in about event-time order). */
    private void expire(long now) {
        while (size > 0 && ring[head].until < now) removeOldest();
    }

    private void removeOldest() {
        Root r = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        roots = size;
        Root first = byPid.get(r.pid);
        if (first == r) {
            if (r.samePid == null) byPid.remove(r.pid);
            else byPid.put(r.pid, r.samePid);
        } else {
            Root prev = first;
            while (prev.samePid != r) prev = prev.samePid;
            prev.samePid = r.samePid;
        }
        r.samePid = null;
    }

    /**
     * pid to the newest root with that pid: open addressing with linear probing, at most a quarter
     * full so a miss (the usual answer) costs about one probe; no boxing.
     */
    static final class PidTable {
        private final int[] keys;
        private final Root[] values;
        private final int mask;
        private final int shift;

        PidTable(int maxKeys) {
            int capacity = Integer.highestOneBit(Math.max(4, maxKeys) * 4 - 1) << 1;
            keys = new int[capacity];
            values = new Root[capacity];
            mask = capacity - 1;
            shift = 32 - Integer.numberOfTrailingZeros(capacity);
        }

        private int home(int pid) {
            return (pid * 0x9E3779B9) >>> shift; // Fibonacci hashing spreads consecutive pids
        }

        /** Keys are pids above 1; 0 marks a free slot (so pid 0, never a key, finds null). */
        Root get(int pid) {
            for (int i = home(pid); ; i = (i + 1) & mask) {
                int k = keys[i];
                if (k == pid) return values[i];
                if (k == 0) return null;
            }
        }

        boolean contains(int pid) {
            for (int i = home(pid); ; i = (i + 1) & mask) {
                if (keys[i] == pid) return true;
                if (keys[i] == 0) return false;
            }
        }

        void put(int pid, Root r) {
            int i = home(pid);
            while (keys[i] != 0 && keys[i] != pid) i = (i + 1) & mask;
            keys[i] = pid;
            values[i] = r;
        }

        void remove(int pid) {
            int i = home(pid);
            while (keys[i] != pid) {
                if (keys[i] == 0) return;
                i = (i + 1) & mask;
            }
            // backward-shift deletion: move later entries of the probe run into the hole, no tombstones
            for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
                int h = home(keys[j]);
                boolean staysPut = i <= j ? (i < h && h <= j) : (i < h || h <= j);
                if (!staysPut) {
                    keys[i] = keys[j];
                    values[i] = values[j];
                    i = j;
                }
            }
            keys[i] = 0;
            values[i] = null;
        }
    }
}
