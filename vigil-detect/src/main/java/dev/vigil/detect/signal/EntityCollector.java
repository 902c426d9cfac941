package dev.vigil.detect.signal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Collects the entities a signal's events involve, bounded per kind: hosts, containers, images,
 * services, users, IPs and process binaries, from the standard attributes every normaliser
 * fills ({@link EventEntities}). The snapshot is kept until an entity is added, so a hot signal
 * drained at every commit does not copy unchanged lists.
 */
public final class EntityCollector {

    private final LinkedHashSet<String> hosts = new LinkedHashSet<>();
    private final LinkedHashSet<String> containers = new LinkedHashSet<>();
    private final LinkedHashSet<String> images = new LinkedHashSet<>();
    private final LinkedHashSet<String> services = new LinkedHashSet<>();
    private final LinkedHashSet<String> users = new LinkedHashSet<>();
    private final LinkedHashSet<String> ips = new LinkedHashSet<>();
    private final LinkedHashSet<String> binaries = new LinkedHashSet<>();
    private final Map<String, Long> overflow = new HashMap<>();
    private Entities snapshot;
    /**
     * Per input of {@link #add(EventEntities)}, the last value known to be in its set: a signal's
     * events mostly repeat the previous one's host, user, binary, so an equal string skips the
     * set lookup.
     */
    private final String[] known = new String[8];

    void add(EventEntities e) {
        put(0, "host", hosts, e.host);
        put(1, "container", containers, e.container);
        put(2, "image", images, e.image);
        put(3, "service", services, e.service);
        put(4, "user", users, e.user);
        put(5, "ip", ips, e.clientIp);
        put(6, "ip", ips, e.destIp);
        put(7, "binary", binaries, e.binary);
    }

    private void put(int input, String kind, LinkedHashSet<String> set, String v) {
        if (v == null || v.isEmpty() || v.equals(known[input])) return;
        if (put(kind, set, v)) known[input] = v; // not when it overflowed: each such value is counted again
    }

    /** The entities of one event, outside detection (a console listing events, say). */
    public static Entities of(dev.vigil.detect.event.LogEvent e) {
        var cache = new dev.vigil.detect.event.EventCache();
        EventEntities ents = new EventEntities(cache);
        cache.reset(e);
        EntityCollector c = new EntityCollector();
        c.add(ents.current());
        return c.snapshot();
    }

    /** Adds the entities of a stored signal (when it is resumed after a restart). */
    public void addAll(Entities e) {
        e.hosts().forEach(v -> put("host", hosts, v));
        e.containers().forEach(v -> put("container", containers, v));
        e.images().forEach(v -> put("image", images, v));
        e.services().forEach(v -> put("service", services, v));
        e.users().forEach(v -> put("user", users, v));
        e.ips().forEach(v -> put("ip", ips, v));
        e.binaries().forEach(v -> put("binary", binaries, v));
        e.overflow().forEach((k, v) -> overflow.merge(k, v, Long::sum));
        snapshot = null;
    }

    /** Adds {@code v} unless the kind is full (then counts it as overflow); whether {@code v} is in the set now. */
    private boolean put(String kind, LinkedHashSet<String> set, String v) {
        if (v == null || v.isEmpty()) return false;
        if (set.size() < Entities.MAX_PER_KIND) {
            if (set.add(v)) snapshot = null; // one lookup, whether new or known
            return true;
        }
        if (set.contains(v)) return true;
        overflow.merge(kind, 1L, Long::sum);
        snapshot = null;
        return false;
    }

    public Entities snapshot() {
        Entities s = snapshot;
        if (s == null) {
            s = snapshot = new Entities(List.copyOf(hosts), List.copyOf(containers), List.copyOf(images), List.copyOf(services),
                    List.copyOf(users), List.copyOf(ips), List.copyOf(binaries), Map.copyOf(overflow));
        }
        return s;
    }

    static List<String> list(LinkedHashSet<String> s) { return new ArrayList<>(s); }
}
