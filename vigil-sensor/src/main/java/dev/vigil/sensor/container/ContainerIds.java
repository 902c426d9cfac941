package dev.vigil.sensor.container;

/**
 * Finds the container a process belongs to from its cgroup names, the way every runtime encodes it.
 *
 * <p>Runtimes put each container in a cgroup whose name carries the 64-hex container id:
 * <pre>
 *   libpod-&lt;id&gt;, libpod-&lt;id&gt;.scope   podman (cgroupfs / systemd manager)
 *   docker-&lt;id&gt;.scope, &lt;id&gt;             docker (systemd / cgroupfs driver: /docker/&lt;id&gt;)
 *   cri-containerd-&lt;id&gt;.scope           containerd (CRI plugin, systemd driver)
 *   crio-&lt;id&gt;.scope                     CRI-O
 * </pre>
 * The monitors ({@code libpod-conmon-<id>}, {@code crio-conmon-<id>.scope}) run outside the
 * container's namespaces, so their processes are host processes and yield {@code null}. Podman with
 * the systemd manager on cgroup v2 nests the payload in a leaf named {@code container} under
 * {@code libpod-<id>.scope}, which is why callers pass several names, leaf first.
 *
 * <p>A bare 64-hex name is taken as docker's cgroupfs layout ({@code /docker/<id>}); under
 * Kubernetes' cgroupfs driver the same shape is used by every CRI runtime, so the runtime is only a
 * best guess there. Everything here is pure string work with no I/O.
 */
public final class ContainerIds {

    static final int ID_LENGTH = 64;

    private ContainerIds() {}

    /**
     * The container named by one cgroup directory name (not a path), or {@code null} when the name is
     * not a container's cgroup (e.g. {@code user.slice}, {@code init.scope}, a conmon monitor).
     */
    public static ContainerRef fromCgroupName(String name) {
        if (name == null || name.length() < ID_LENGTH) {
            return null;
        }
        int end = name.endsWith(".scope") ? name.length() - ".scope".length() : name.length();
        int start = end - ID_LENGTH;
        if (start < 0 || !isHex(name, start, end)) {
            return null;
        }
        String prefix = name.substring(0, start);
        String runtime = switch (prefix) {
            case "libpod-" -> "podman";
            case "docker-" -> "docker";
            // A bare id directory: docker's cgroupfs driver (/docker/<id>), never with .scope.
            case "" -> end == name.length() ? "docker" : null;
            case "cri-containerd-" -> "containerd";
            case "crio-" -> "cri-o";
            // libpod-conmon-, crio-conmon- and anything else: not inside a container.
            default -> null;
        };
        return runtime == null ? null : new ContainerRef(name.substring(start, end), runtime);
    }

    /** The first container among cgroup names given leaf first (leaf, parent, grandparent...), or {@code null}. */
    public static ContainerRef fromCgroupNames(String... names) {
        if (names == null) {
            return null;
        }
        for (String name : names) {
            ContainerRef ref = fromCgroupName(name);
            if (ref != null) {
                return ref;
            }
        }
        return null;
    }

    /**
     * The container named in the content of {@code /proc/<pid>/cgroup}
     * ({@code hierarchy-id:controllers:path} per line, v1 and v2 alike), or {@code null} for a host
     * process. Each path is searched from its leaf upwards; the first line with a container wins.
     */
    public static ContainerRef fromProcCgroup(String procCgroupFileContent) {
        if (procCgroupFileContent == null) {
            return null;
        }
        for (String line : procCgroupFileContent.split("\n")) {
            int colon = line.indexOf(':', line.indexOf(':') + 1);
            // Tolerate a bare path too, as tests and callers sometimes pass one.
            String path = colon >= 0 ? line.substring(colon + 1) : line;
            ContainerRef ref = fromCgroupPath(path.strip());
            if (ref != null) {
                return ref;
            }
        }
        return null;
    }

    /** The container in a cgroup path such as {@code /machine.slice/libpod-<id>.scope/container}, or {@code null}. */
    public static ContainerRef fromCgroupPath(String path) {
        if (path == null) {
            return null;
        }
        int end = path.length();
        while (end > 0) {
            int slash = path.lastIndexOf('/', end - 1);
            ContainerRef ref = fromCgroupName(path.substring(slash + 1, end));
            if (ref != null) {
                return ref;
            }
            end = slash;
        }
        return null;
    }

    static boolean isFullId(String s) {
        return s.length() == ID_LENGTH && isHex(s, 0, ID_LENGTH);
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
