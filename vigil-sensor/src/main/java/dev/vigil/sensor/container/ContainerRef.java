package dev.vigil.sensor.container;

import java.util.Objects;
import java.util.Set;

/**
 * A container as the kernel sees it: the id taken from a cgroup name and the runtime that named the
 * cgroup. It carries no metadata; {@link ContainerResolver} turns it into a
 * {@link dev.vigil.model.ContainerInfo}.
 *
 * @param id      the full container id, 64 lowercase hex digits
 * @param runtime {@code podman}, {@code docker}, {@code containerd} or {@code cri-o}
 */
public record ContainerRef(String id, String runtime) {

    /** The runtimes {@link ContainerIds} recognises. */
    public static final Set<String> RUNTIMES = Set.of("podman", "docker", "containerd", "cri-o");

    public ContainerRef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(runtime, "runtime");
        if (!ContainerIds.isFullId(id)) {
            throw new IllegalArgumentException("container id must be 64 lowercase hex digits, got '" + id + "'");
        }
        if (!RUNTIMES.contains(runtime)) {
            throw new IllegalArgumentException("unknown container runtime '" + runtime + "' (known: " + RUNTIMES + ")");
        }
    }
}
