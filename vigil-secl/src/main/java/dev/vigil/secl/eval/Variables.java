package dev.vigil.secl.eval;

import dev.vigil.model.Event;

import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Rule variables, set by rule actions and read by rule expressions ({@code ${process.downloaded}}).
 *
 * <h2>Scopes</h2>
 * {@code process}: per process, copied to a child when it forks (so children inherit, as in
 * Datadog's agent) and dropped when the process exits; {@code container}: per container, the host
 * counting as one container; {@code global}: one value.
 *
 * <h2>Values</h2>
 * A Boolean, a Long, a String, or for {@code append} a set of Strings or Longs (insertion order,
 * duplicates ignored: {@code ${container.recon.length}} counts distinct values).
 *
 * <h2>Bounds</h2>
 * At most {@link #maxEntries} scoped values; beyond that the least recently set is evicted and
 * counted ({@link #evictions()}). Entries past their TTL read as absent and are purged on access.
 *
 * <p>Not thread-safe: owned by the thread that evaluates rules.
 */
public final class Variables {

    public enum Scope { PROCESS, CONTAINER, GLOBAL }

    /** Default bound on stored values. */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private record Key(Scope scope, Object owner, String name) {}

    private static final class Slot {
        Object value;
        long expiresAt; // Unix ns; Long.MAX_VALUE: never

        Slot(Object value, long expiresAt) {
            this.value = value;
            this.expiresAt = expiresAt;
        }
    }

    private final int maxEntries;
    private final LinkedHashMap<Key, Slot> entries;
    private final Map<Integer, Set<Key>> byPid = new HashMap<>();
    private long evictions;

    public Variables() {
        this(DEFAULT_MAX_ENTRIES);
    }

    public Variables(int maxEntries) {
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Slot> eldest) {
                if (size() > Variables.this.maxEntries) {
                    evictions++;
                    unindex(eldest.getKey());
                    return true;
                }
                return false;
            }
        };
    }

    private static Object owner(Scope scope, Event e) {
        return switch (scope) {
            case PROCESS -> e.process().pid();
            case CONTAINER -> e.container().id();
            case GLOBAL -> "";
        };
    }

    /** The current value, or {@code null} when unset or expired. */
    public Object get(Scope scope, String name, Event e, long now) {
        Key k = new Key(scope, owner(scope, e), name);
        Slot en = entries.get(k);
        if (en == null) {
            return null;
        }
        if (en.expiresAt <= now) {
            entries.remove(k);
            unindex(k);
            return null;
        }
        return en.value;
    }

    /**
     * Sets (or, with {@code append}, adds to) a variable in the scope of event {@code e}.
     *
     * @param ttlNanos 0 for no expiry
     */
    public void set(Scope scope, String name, Object value, boolean append, long ttlNanos, Event e, long now) {
        Key k = new Key(scope, owner(scope, e), name);
        long expires = ttlNanos > 0 ? now + ttlNanos : Long.MAX_VALUE;
        Slot en = entries.get(k);
        if (en != null && en.expiresAt <= now) {
            en = null;
        }
        if (append) {
            @SuppressWarnings("unchecked")
            Set<Object> set = en != null && en.value instanceof Set<?> s ? (Set<Object>) s : new LinkedHashSet<>();
            if (value instanceof Collection<?> many) set.addAll(many);
            else set.add(value);
            value = set;
        }
        entries.remove(k); // re-insert: the most recently set is the last evicted
        entries.put(k, new Slot(value, expires));
        if (scope == Scope.PROCESS) {
            byPid.computeIfAbsent((Integer) k.owner(), p -> new LinkedHashSet<>()).add(k);
        }
    }

    /** A child inherits a copy of its parent's process-scoped variables. */
    public void onFork(int parentPid, int childPid) {
        Set<Key> keys = byPid.get(parentPid);
        if (keys == null) {
            return;
        }
        for (Key k : keys.toArray(new Key[0])) {
            Slot en = entries.get(k);
            if (en != null) {
                Object v = en.value instanceof Set<?> s ? new LinkedHashSet<>(s) : en.value;
                Key child = new Key(Scope.PROCESS, childPid, k.name());
                entries.put(child, new Slot(v, en.expiresAt));
                byPid.computeIfAbsent(childPid, p -> new LinkedHashSet<>()).add(child);
            }
        }
    }

    /** Drops a process's variables when it exits. */
    public void onExit(int pid) {
        Set<Key> keys = byPid.remove(pid);
        if (keys != null) {
            for (Key k : keys) entries.remove(k);
        }
    }

    /** Drops every expired value; call periodically. */
    public int purge(long now) {
        int n = 0;
        for (Iterator<Map.Entry<Key, Slot>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Slot> me = it.next();
            if (me.getValue().expiresAt <= now) {
                it.remove();
                unindex(me.getKey());
                n++;
            }
        }
        return n;
    }

    private void unindex(Key k) {
        if (k.scope() == Scope.PROCESS) {
            Set<Key> keys = byPid.get((Integer) k.owner());
            if (keys != null) {
                keys.remove(k);
                if (keys.isEmpty()) byPid.remove((Integer) k.owner());
            }
        }
    }

    public int size() { return entries.size(); }

    public long evictions() { return evictions; }

    /** Parses a scope name as written in policies. */
    public static Scope scope(String name) {
        return switch (name) {
            case "process" -> Scope.PROCESS;
            case "container", "cgroup" -> Scope.CONTAINER;
            case "global", "" -> Scope.GLOBAL;
            default -> null;
        };
    }
}
