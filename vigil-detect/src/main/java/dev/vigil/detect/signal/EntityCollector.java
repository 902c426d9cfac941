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

    void add(EventEntities e) {
        put("host", hosts, e.host);
        put("container", containers, e.container);
        put("image", images, e.image);
        put("service", services, e.service);
        put("user", users, e.user);
        put("ip", ips, e.clientIp);
        put("ip", ips, e.destIp);
        put("binary", binaries, e.binary);
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

    private void put(String kind, LinkedHashSet<String> set, String v) {
        if (v == null || v.isEmpty()) return;
        if (set.size() < Entities.MAX_PER_KIND) {
            if (set.add(v)) snapshot = null; // one lookup, whether new or known
        } else if (!set.contains(v)) {
            overflow.merge(kind, 1L, Long::sum);
            snapshot = null;
        }
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
