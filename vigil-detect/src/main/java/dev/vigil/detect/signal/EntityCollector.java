package dev.vigil.detect.signal;

import dev.vigil.detect.event.AttributePath;
import dev.vigil.detect.event.LogEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Collects the entities a signal's events involve, bounded per kind: hosts, containers, images,
 * services, users, IPs and process binaries, from the standard attributes every normaliser
 * fills.
 */
public final class EntityCollector {

    private static final AttributePath CONTAINER_NAME = AttributePath.of("container.name");
    private static final AttributePath CONTAINER_ID = AttributePath.of("container.id");
    private static final AttributePath IMAGE = AttributePath.of("container.image.name");
    private static final AttributePath IMAGE_TAG = AttributePath.of("container.image.tag");
    private static final AttributePath USER = AttributePath.of("usr.name");
    private static final AttributePath CLIENT_IP = AttributePath.of("network.client.ip");
    private static final AttributePath DEST_IP = AttributePath.of("network.destination.ip");
    private static final AttributePath BINARY = AttributePath.of("process.file.path");

    private final LinkedHashSet<String> hosts = new LinkedHashSet<>();
    private final LinkedHashSet<String> containers = new LinkedHashSet<>();
    private final LinkedHashSet<String> images = new LinkedHashSet<>();
    private final LinkedHashSet<String> services = new LinkedHashSet<>();
    private final LinkedHashSet<String> users = new LinkedHashSet<>();
    private final LinkedHashSet<String> ips = new LinkedHashSet<>();
    private final LinkedHashSet<String> binaries = new LinkedHashSet<>();
    private final Map<String, Long> overflow = new HashMap<>();

    public void add(LogEvent e) {
        var a = e.attributes();
        put("host", hosts, e.host());
        String container = CONTAINER_NAME.firstText(a);
        put("container", containers, container != null ? container : CONTAINER_ID.firstText(a));
        String image = IMAGE.firstText(a);
        if (image != null) {
            String tag = IMAGE_TAG.firstText(a);
            put("image", images, tag == null || tag.isEmpty() ? image : image + ":" + tag);
        }
        put("service", services, e.service());
        put("user", users, USER.firstText(a));
        put("ip", ips, CLIENT_IP.firstText(a));
        put("ip", ips, DEST_IP.firstText(a));
        put("binary", binaries, BINARY.firstText(a));
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
    }

    private void put(String kind, LinkedHashSet<String> set, String v) {
        if (v == null || v.isEmpty() || set.contains(v)) return;
        if (set.size() >= Entities.MAX_PER_KIND) overflow.merge(kind, 1L, Long::sum);
        else set.add(v);
    }

    public Entities snapshot() {
        return new Entities(List.copyOf(hosts), List.copyOf(containers), List.copyOf(images), List.copyOf(services),
                List.copyOf(users), List.copyOf(ips), List.copyOf(binaries), Map.copyOf(overflow));
    }

    static List<String> list(LinkedHashSet<String> s) { return new ArrayList<>(s); }
}
