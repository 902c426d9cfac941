package dev.vigil.sensor.process;

import dev.vigil.model.ContainerInfo;
import dev.vigil.model.FileRef;
import dev.vigil.model.ProcessInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Reads a process from /proc: used at start-up for processes that began before the agent, and for
 * any process an event names that the cache has not seen. The result has no parent link; the cache
 * links it.
 *
 * <p>Environment: /proc/PID/environ is read only to extract variable <em>names</em>; the bytes are
 * scanned in place and values are never turned into strings or kept.
 */
public final class ProcFs {

    /** Longest command line or environment read, as on the kernel side. */
    static final int MAX_BYTES = 4096;

    private final Path proc;
    private final Function<String, ContainerInfo> containerOfCgroupFile;

    /**
     * @param containerOfCgroupFile maps the contents of /proc/PID/cgroup to the process's container
     */
    public ProcFs(Path proc, Function<String, ContainerInfo> containerOfCgroupFile) {
        this.proc = proc;
        this.containerOfCgroupFile = containerOfCgroupFile;
    }

    /** Every pid currently in /proc. */
    public List<Integer> pids() {
        List<Integer> out = new ArrayList<>();
        try (var dirs = Files.newDirectoryStream(proc)) {
            for (Path d : dirs) {
                String n = d.getFileName().toString();
                if (!n.isEmpty() && Character.isDigit(n.charAt(0))) {
                    try {
                        out.add(Integer.parseInt(n));
                    } catch (NumberFormatException ignored) {
                        // not a pid
                    }
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to bootstrap
        }
        return out;
    }

    /**
     * Reads process {@code pid}, or returns {@code null} if it no longer exists.
     *
     * @param bootNanosToUnix converts the kernel's boot-relative start time to Unix nanoseconds
     */
    public ProcessInfo read(int pid, UserNames names, java.util.function.LongUnaryOperator bootNanosToUnix) {
        Path dir = proc.resolve(Integer.toString(pid));
        try {
            String stat = Files.readString(dir.resolve("stat"));
            // comm may contain spaces and parentheses: it ends at the last ')'
            int open = stat.indexOf('('), close = stat.lastIndexOf(')');
            String comm = stat.substring(open + 1, close);
            String[] f = stat.substring(close + 2).split(" ");
            int ppid = Integer.parseInt(f[1]);
            int ttyNr = Integer.parseInt(f[4]);
            long startTicks = Long.parseLong(f[19]);
            long startNanos = startTicks * (1_000_000_000L / CLOCK_TICKS);

            int[] uids = {-1, -1, -1, -1}, gids = {-1, -1, -1, -1};
            long capEff = 0, capPrm = 0;
            for (String line : Files.readAllLines(dir.resolve("status"))) {
                if (line.startsWith("Uid:")) uids = ids(line);
                else if (line.startsWith("Gid:")) gids = ids(line);
                else if (line.startsWith("CapEff:")) capEff = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                else if (line.startsWith("CapPrm:")) capPrm = Long.parseUnsignedLong(line.substring(7).trim(), 16);
            }
            byte[] cmdline = readBounded(dir.resolve("cmdline"));
            List<String> argv = splitNul(cmdline, cmdline.length);
            EnvNames env = envNames(dir.resolve("environ"));
            String exe = readLink(dir.resolve("exe"));
            String cwd = readLink(dir.resolve("cwd"));
            String cgroup = readOr(dir.resolve("cgroup"));
            ContainerInfo container = containerOfCgroupFile.apply(cgroup);
            boolean inContainer = !container.isNone();
            // Prefer the program as invoked (argv[0] when it is an absolute path), as exec events do.
            String path = !argv.isEmpty() && argv.getFirst().startsWith("/") ? argv.getFirst() : exe;
            return new ProcessInfo(pid, ppid, uids[0], gids[0], uids[1], gids[1],
                    names.user(uids[0], inContainer), names.group(gids[0], inContainer), comm,
                    FileRef.of(path), FileRef.NONE, argv, cmdline.length >= MAX_BYTES, env.names(), env.truncated(),
                    cwd, ttyName(ttyNr), stdioType(readLink(dir.resolve("fd/0"))), stdioType(readLink(dir.resolve("fd/1"))),
                    capEff, capPrm, container, bootNanosToUnix.applyAsLong(startNanos), null);
        } catch (IOException | RuntimeException e) {
            return null; // gone, or a kernel thread without the usual files
        }
    }

    /**
     * stdin.type from a /proc/PID/fd link. A socket's family is not in the link ("socket:[inode]"), so
     * sockets of processes that predate the agent read as unknown ("").
     */
    static String stdioType(String link) {
        if (link.isEmpty() || link.startsWith("socket:")) return "";
        if (link.startsWith("pipe:")) return "pipe";
        if (link.startsWith("/dev/pts/") || link.startsWith("/dev/tty") || link.equals("/dev/console")) return "tty";
        if (link.startsWith("/dev/") || link.startsWith("anon_inode:")) return "other";
        return link.startsWith("/") ? "file" : "other";
    }

    /** USER_HZ: 100 on every mainstream Linux architecture. */
    static final long CLOCK_TICKS = 100;

    private static int[] ids(String line) {
        String[] cols = line.substring(4).trim().split("\\s+");
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            out[i] = i < cols.length ? (int) Long.parseLong(cols[i]) : -1;
        }
        return out;
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    private static String readOr(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static byte[] readBounded(Path p) throws IOException {
        try (var in = Files.newInputStream(p)) {
            return in.readNBytes(MAX_BYTES);
        }
    }

    record EnvNames(List<String> names, boolean truncated) {}

    static EnvNames envNames(Path environ) {
        try {
            byte[] raw = readBounded(environ);
            EnvNames names = new EnvNames(namesOnly(raw, raw.length), raw.length >= MAX_BYTES);
            java.util.Arrays.fill(raw, (byte) 0); // values never outlive this scan
            return names;
        } catch (IOException e) {
            return new EnvNames(List.of(), false);
        }
    }

    /** NAME=value\0 entries to NAME; the value bytes are skipped, not copied. */
    public static List<String> namesOnly(byte[] raw, int len) {
        List<String> out = new ArrayList<>();
        int start = 0;
        boolean inValue = false;
        for (int i = 0; i < len; i++) {
            byte b = raw[i];
            if (inValue) {
                if (b == 0) {
                    inValue = false;
                    start = i + 1;
                }
            } else if (b == '=' || b == 0) {
                if (i > start) {
                    out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                }
                inValue = b == '=';
                start = i + 1;
            }
        }
        return out;
    }

    /** NUL-separated strings (a trailing NUL does not make an empty last element). */
    public static List<String> splitNul(byte[] raw, int len) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < len; i++) {
            if (raw[i] == 0) {
                out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < len) {
            out.add(new String(raw, start, len - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The terminal name for a tty_nr from /proc/PID/stat, as {@code pts/N}, {@code ttyN} or {@code ttySN}. */
    public static String ttyName(int ttyNr) {
        if (ttyNr == 0) return "";
        int major = (ttyNr >> 8) & 0xfff;
        int minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
        if (major >= 136 && major <= 143) return "pts/" + (minor + (major - 136) * 256);
        if (major == 4) return minor < 64 ? "tty" + minor : "ttyS" + (minor - 64);
        return "tty(" + major + ":" + minor + ")";
    }

    static OptionalLong parseLong(String s) {
        try {
            return OptionalLong.of(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
