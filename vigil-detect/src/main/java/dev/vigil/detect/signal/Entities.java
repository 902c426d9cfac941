package dev.vigil.detect.signal;

import java.util.List;
import java.util.Map;

/**
 * Who and what a signal involves, each list bounded ({@link #MAX_PER_KIND} distinct values, first
 * seen first) with {@code overflow} counting the values left out, per kind.
 */
public record Entities(List<String> hosts, List<String> containers, List<String> images, List<String> services,
                       List<String> users, List<String> ips, List<String> binaries, Map<String, Long> overflow) {

    public static final int MAX_PER_KIND = 50;

    public static final Entities EMPTY = new Entities(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(), Map.of());

    public Entities {
        hosts = List.copyOf(hosts);
        containers = List.copyOf(containers);
        images = List.copyOf(images);
        services = List.copyOf(services);
        users = List.copyOf(users);
        ips = List.copyOf(ips);
        binaries = List.copyOf(binaries);
        overflow = Map.copyOf(overflow);
    }

    /** The entity kinds by the names the API and storage use. */
    public Map<String, List<String>> byKind() {
        return Map.of("host", hosts, "container", containers, "image", images, "service", services,
                "user", users, "ip", ips, "binary", binaries);
    }
}
