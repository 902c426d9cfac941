package dev.vigil.sensor.decode;

import dev.vigil.model.ContainerInfo;
import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.FileRef;
import dev.vigil.model.HostInfo;
import dev.vigil.model.LinuxConstants;
import dev.vigil.model.NetAddr;
import dev.vigil.model.Payload;
import dev.vigil.model.ProcessInfo;
import dev.vigil.sensor.container.ContainerResolver;
import dev.vigil.sensor.process.ProcFs;
import dev.vigil.sensor.process.ProcessCache;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns ring-buffer records (layout: vigil.h) into {@link Event}s with full context.
 *
 * <h2>Work per record</h2>
 * One copy of the record into a reused byte array (the ring-buffer memory is only valid during the
 * callback), fixed-offset header reads, then the type's strings in the order vigil.bpf.c writes
 * them. Process context is a cache lookup; exec, fork, exit and credential events update the cache.
 *
 * <h2>Failure</h2>
 * A record that is too short or of an unknown type is counted in {@link #malformed()} and yields
 * {@code null}; the caller counts and carries on. A record is never half-applied to the cache.
 *
 * <p>Not thread-safe: owned by the sensor's poll thread.
 */
public final class EventDecoder {

    /** Size of struct vg_hdr. */
    public static final int HEADER_SIZE = 104;
    static final int OFF_TYPE = 0, OFF_SIZE = 4, OFF_TS = 8, OFF_PID = 16, OFF_TID = 20, OFF_UID = 24, OFF_GID = 28,
            OFF_RETVAL = 32, OFF_ARGS = 40, OFF_COMM = 88;
    static final int FULL_PATH1 = 1;

    private final ProcessCache processes;
    private final ContainerResolver containers;
    private final HostInfo host;
    private final MonotonicClock clock;
    private byte[] buf = new byte[16384 + 64];
    private int size;
    private int cursor;
    private long malformed;

    /** Converts the kernel's CLOCK_MONOTONIC nanoseconds to Unix nanoseconds. */
    @FunctionalInterface
    public interface MonotonicClock {
        long toUnixNanos(long monotonicNanos);
    }

    public EventDecoder(ProcessCache processes, ContainerResolver containers, HostInfo host, MonotonicClock clock) {
        this.processes = processes;
        this.containers = containers;
        this.host = host;
        this.clock = clock;
    }

    /** Decodes one record, or returns {@code null} (malformed, or nothing to report such as a non-query DNS send). */
    public Event decode(MemorySegment record) {
        int n = (int) record.byteSize();
        if (n < HEADER_SIZE) {
            malformed++;
            return null;
        }
        if (n > buf.length) {
            buf = new byte[n];
        }
        MemorySegment.copy(record, ValueLayout.JAVA_BYTE, 0, buf, 0, n);
        return decodeBuffered(n);
    }

    /** Decodes a record held in {@code bytes[0..n)} (tests, raw captures). */
    public Event decode(byte[] bytes, int n) {
        if (n > buf.length) {
            buf = new byte[n];
        }
        System.arraycopy(bytes, 0, buf, 0, n);
        return decodeBuffered(n);
    }

    private Event decodeBuffered(int n) {
        if (n < HEADER_SIZE) {
            malformed++;
            return null;
        }
        int declared = i32(OFF_SIZE);
        size = Math.min(n, declared >= HEADER_SIZE ? declared : n);
        cursor = HEADER_SIZE;
        EventType type = EventType.byCode(i32(OFF_TYPE));
        if (type == null) {
            malformed++;
            return null;
        }
        try {
            return decode(type);
        } catch (RuntimeException e) {
            malformed++;
            return null;
        }
    }

    private Event decode(EventType type) {
        long ts = clock.toUnixNanos(i64(OFF_TS));
        int pid = i32(OFF_PID), tid = i32(OFF_TID), uid = i32(OFF_UID), gid = i32(OFF_GID);
        int ret = (int) i64(OFF_RETVAL);
        String comm = cString(OFF_COMM, 16);
        ProcessInfo proc;
        Payload payload;
        switch (type) {
            case EXEC -> {
                proc = processes.onExec(exec(pid, uid, gid, comm, ts));
                payload = Payload.Exec.INSTANCE;
            }
            case FORK -> {
                proc = processes.onFork(pid, (int) arg(0), comm, uid, gid);
                payload = Payload.Fork.INSTANCE;
            }
            case EXIT -> {
                proc = processes.get(pid, comm, uid, gid);
                processes.onExit(pid, System.nanoTime());
                int status = (int) arg(0);
                int sig = status & 0x7f;
                payload = sig == 0 ? new Payload.Exit("EXITED", (status >> 8) & 0xff)
                        : new Payload.Exit((status & 0x80) != 0 ? "COREDUMPED" : "SIGNALED", sig);
            }
            case SETUID -> {
                ProcessInfo p = processes.get(pid, comm, uid, gid);
                int nuid = (int) arg(0), neuid = (int) arg(1);
                if (ret == 0) {
                    boolean c = !p.container().isNone();
                    p = processes.replace(p.withCredentials(nuid, p.gid(), neuid, p.egid(),
                            processes.names().user(nuid, c), p.group()));
                }
                proc = p;
                payload = new Payload.SetUid(nuid, neuid, (int) arg(2), ret);
            }
            case SETGID -> {
                ProcessInfo p = processes.get(pid, comm, uid, gid);
                int ngid = (int) arg(0), negid = (int) arg(1);
                if (ret == 0) {
                    boolean c = !p.container().isNone();
                    p = processes.replace(p.withCredentials(p.uid(), ngid, p.euid(), negid, p.user(),
                            processes.names().group(ngid, c)));
                }
                proc = p;
                payload = new Payload.SetGid(ngid, negid, (int) arg(2), ret);
            }
            case CAPSET -> {
                ProcessInfo p = processes.get(pid, comm, uid, gid);
                if (ret == 0) {
                    p = processes.replace(p.withCapabilities(arg(0), arg(1)));
                }
                proc = p;
                payload = new Payload.Capset(arg(0), arg(1), ret);
            }
            default -> {
                proc = processes.get(pid, comm, uid, gid);
                payload = payload(type, proc, ret);
                if (payload == null) {
                    return null;
                }
            }
        }
        return new Event(ts, tid, host, proc, payload);
    }

    private ProcessInfo exec(int pid, int uid, int gid, String comm, long ts) {
        int ppid = (int) arg(0);
        long ids = arg(1);
        int euid = (int) ids, egid = (int) (ids >>> 32);
        long capEff = arg(2), capPrm = arg(3), flags = arg(4);
        String filename = nextString();
        String interp = nextString();
        String exe = nextComponents();
        String cwd = nextComponents();
        int[] r = nextRange();
        List<String> argv = r == null ? List.of() : splitNul(r[0], r[1]);
        r = nextRange();
        List<String> envs = r == null ? List.of() : splitNul(r[0], r[1]);
        String tty = ttyName(nextString());
        String cg1 = nextString(), cg1Parent = nextString(), cg2 = nextString(), cg2Parent = nextString();
        ContainerInfo container = containers.fromCgroupNames(cg1, cg1Parent, cg2, cg2Parent);

        boolean script = !interp.isEmpty() && !interp.equals(filename);
        FileRef file = FileRef.of(programPath(filename, exe, cwd, argv));
        FileRef interpreter = script ? FileRef.of(PathNames.resolve(cwd, interp)) : FileRef.NONE;
        boolean inContainer = !container.isNone();
        var names = processes.names();
        return new ProcessInfo(pid, ppid, uid, gid, euid, egid, names.user(uid, inContainer), names.group(gid, inContainer),
                comm, file, interpreter, argv, (flags & 1) != 0, envs, (flags & 2) != 0, cwd, tty,
                stdioType((int) (flags >>> 16) & 0xffff), stdioType((int) (flags >>> 32) & 0xffff), capEff, capPrm,
                container, ts, null);
    }

    /** fd_kind() of vigil.bpf.c (kind in the low byte, socket family in the high byte) as a stdin.type value. */
    static String stdioType(int kind) {
        return switch (kind & 0xff) {
            case 0 -> "";
            case 1 -> switch (kind >>> 8) {
                case LinuxConstants.AF_INET -> "socket_inet";
                case LinuxConstants.AF_INET6 -> "socket_inet6";
                case LinuxConstants.AF_UNIX -> "socket_unix";
                default -> "other";
            };
            case 2 -> "pipe";
            case 3 -> "tty";
            case 4 -> "file";
            default -> "other";
        };
    }

    /** Multi-call binaries whose applet is named by argv[0]. */
    private static final java.util.Set<String> MULTI_CALL = java.util.Set.of("busybox", "toybox");

    /**
     * The path an exec reports: the program as invoked (so /bin/sh stays "sh" though it links to
     * dash, and /bin/cat stays "cat" though it links to busybox), except when the invocation names
     * the executable indirectly (/proc/self/exe, /dev/fd/N: busybox's shell runs applets that way,
     * runc re-executes itself so). Then the real binary is reported, and for a multi-call binary the
     * applet named by argv[0], in the binary's directory: "/proc/self/exe" with argv[0] "cat" and
     * real binary /bin/busybox is reported as /bin/cat.
     */
    static String programPath(String filename, String exe, String cwd, List<String> argv) {
        if (filename.isEmpty()) {
            return exe;
        }
        String invoked = PathNames.resolve(cwd, filename);
        boolean indirect = invoked.startsWith("/proc/") || invoked.startsWith("/dev/fd/");
        if (!indirect) {
            return invoked;
        }
        int slash = exe.lastIndexOf('/');
        String exeName = exe.substring(slash + 1);
        if (MULTI_CALL.contains(exeName) && !argv.isEmpty()) {
            String applet = argv.getFirst().substring(argv.getFirst().lastIndexOf('/') + 1);
            if (!applet.isEmpty() && !applet.equals(exeName)) {
                return exe.substring(0, slash + 1) + applet;
            }
        }
        return exe;
    }

    private Payload payload(EventType type, ProcessInfo proc, int ret) {
        boolean full1 = (arg(5) & FULL_PATH1) != 0;
        return switch (type) {
            case OPEN -> new Payload.Open(nextPath(full1), (int) arg(0), (int) arg(1), ret);
            case UNLINK -> new Payload.Unlink(nextPath(false), (int) arg(0), ret);
            case RMDIR -> new Payload.Rmdir(nextPath(false), ret);
            case RENAME -> new Payload.Rename(nextPath(false), nextPath(false), (int) arg(0), ret);
            case LINK -> new Payload.Link(nextPath(false), nextPath(false), ret);
            case CHMOD -> new Payload.Chmod(nextPath(full1), (int) arg(0), ret);
            case CHOWN -> new Payload.Chown(nextPath(full1), (int) arg(0), (int) arg(1), ret);
            case MKDIR -> new Payload.Mkdir(nextPath(false), (int) arg(0), ret);
            case SYMLINK -> {
                FileRef link = nextPath(false);
                yield new Payload.Symlink(link, nextString(), ret);
            }
            case UTIMES -> new Payload.Utimes(nextPath(full1), arg(0), arg(1), ret);
            case BPF -> {
                int cmd = (int) arg(0);
                String name = nextString();
                boolean prog = cmd == 5;
                yield new Payload.Bpf(cmd, (int) arg(1), prog ? name : "", (int) arg(2), prog ? "" : name, ret);
            }
            case LOAD_MODULE -> {
                FileRef file = nextPath(full1);
                String params = nextString();
                boolean memory = arg(0) == 1;
                yield new Payload.LoadModule(memory ? "" : moduleName(file.name()), memory ? FileRef.NONE : file, memory, params, ret);
            }
            case PTRACE -> {
                int target = (int) arg(1);
                yield new Payload.Ptrace((int) arg(0), target, orPid(processes.find(target), target), ret);
            }
            case MOUNT -> {
                FileRef mountpoint = nextPath(false);
                String source = nextString();
                String fs = nextString();
                yield new Payload.Mount(source, mountpoint.path(), fs, arg(0), ret);
            }
            case SIGNAL -> {
                int target = (int) arg(0);
                yield new Payload.Signal((int) arg(1), target, orPid(target > 0 ? processes.find(target) : null, target), ret);
            }
            case CONNECT, BIND -> {
                int[] r = nextRange();
                NetAddr addr = r == null ? NetAddr.NONE : SockAddrs.decode(buf, r[0], r[1]);
                int proto = (int) arg(0);
                yield type == EventType.CONNECT ? new Payload.Connect(addr, proto, ret) : new Payload.Bind(addr, proto, ret);
            }
            case ACCEPT -> {
                int family = (int) arg(0);
                NetAddr peer = NetAddr.NONE;
                int[] v6 = nextRange();
                if (family == LinuxConstants.AF_INET) {
                    long v4 = arg(3);
                    byte[] a = {(byte) v4, (byte) (v4 >> 8), (byte) (v4 >> 16), (byte) (v4 >> 24)};
                    peer = NetAddr.inet(family, SockAddrs.ip(a, 0, 4), (int) arg(1));
                } else if (family == LinuxConstants.AF_INET6 && v6 != null && v6[1] == 16) {
                    peer = NetAddr.inet(family, SockAddrs.ip(buf, v6[0], 16), (int) arg(1));
                } else if (family != 0) {
                    peer = new NetAddr(family, "", 0, "");
                }
                yield new Payload.Accept(peer, (int) arg(2), ret);
            }
            case DNS -> dns();
            case SELINUX -> selinux(nextPath(full1));
            default -> null;
        };
    }

    private Payload dns() {
        int[] sa = nextRange();
        int[] msg = nextRange();
        if (sa == null || msg == null) {
            return null;
        }
        NetAddr server = SockAddrs.decode(buf, sa[0], sa[1]);
        int off = msg[0], len = msg[1];
        if (arg(0) == 6 && len > 2) { // DNS over TCP: a two-byte length prefix
            off += 2;
            len -= 2;
        }
        DnsMessages.Question q = DnsMessages.parseQuery(buf, off, len);
        return q == null ? null : new Payload.Dns(q.id(), q.name(), q.type(), q.qclass(), q.count(), server);
    }

    private Payload selinux(FileRef file) {
        String value = nextString().trim();
        String path = file.path();
        if (path.endsWith("/enforce")) {
            return new Payload.Selinux("enforce", "", value.startsWith("1") ? "enforcing" : "permissive", 0);
        }
        if (path.endsWith("/disable")) {
            return new Payload.Selinux("enforce", "", "disabled", 0);
        }
        if (path.endsWith("/commit_pending_bools")) {
            return new Payload.Selinux("bool_commit", "", value, 0);
        }
        if (path.contains("/booleans/")) {
            return new Payload.Selinux("bool", file.name(), value.startsWith("1") ? "on" : "off", 0);
        }
        return null;
    }

    /** "nf_tables.ko.xz" -> "nf_tables": the kernel's name for a module file (dashes become underscores). */
    static String moduleName(String fileName) {
        int ko = fileName.indexOf(".ko");
        String base = ko > 0 ? fileName.substring(0, ko) : fileName;
        return base.replace('-', '_');
    }

    private static ProcessInfo orPid(ProcessInfo p, int pid) {
        if (p != null) return p;
        return new ProcessInfo(pid, 0, -1, -1, -1, -1, "", "", "", FileRef.NONE, FileRef.NONE, List.of(), false,
                List.of(), false, "", "", 0, 0, ContainerInfo.NONE, 0, null);
    }

    /** The kernel names pseudo-terminals "pts0"; people and /proc say "pts/0". */
    static String ttyName(String kernelName) {
        if (kernelName.startsWith("pts") && kernelName.length() > 3 && Character.isDigit(kernelName.charAt(3))) {
            return "pts/" + kernelName.substring(3);
        }
        return kernelName;
    }

    // ---- record reading --------------------------------------------------------------------------

    private long arg(int i) { return i64(OFF_ARGS + 8 * i); }

    private int i32(int off) {
        return (buf[off] & 0xff) | (buf[off + 1] & 0xff) << 8 | (buf[off + 2] & 0xff) << 16 | (buf[off + 3] & 0xff) << 24;
    }

    private long i64(int off) {
        return (i32(off) & 0xffffffffL) | ((long) i32(off + 4) << 32);
    }

    private String cString(int off, int max) {
        int e = off;
        while (e < off + max && buf[e] != 0) e++;
        return new String(buf, off, e - off, StandardCharsets.UTF_8);
    }

    /** The next string entry as {offset, length}, or null when the record has no more entries. */
    private int[] nextRange() {
        if (cursor + 2 > size) {
            return null;
        }
        int len = (buf[cursor] & 0xff) | (buf[cursor + 1] & 0xff) << 8;
        int start = cursor + 2;
        if (start + len > size) {
            len = size - start; // cut by the kernel side's record bound
        }
        cursor = start + len;
        return new int[] {start, len};
    }

    private String nextString() {
        int[] r = nextRange();
        if (r == null) return "";
        int e = r[0];
        while (e < r[0] + r[1] && buf[e] != 0) e++;
        return new String(buf, r[0], e - r[0], StandardCharsets.UTF_8);
    }

    private String nextComponents() {
        int[] r = nextRange();
        return r == null ? "" : PathNames.fromComponents(buf, r[0], r[1]);
    }

    /** A raw path entry followed by its components entry (full path, or base directory). */
    private FileRef nextPath(boolean full) {
        if (full) {
            int[] raw = nextRange(); // the path as given is not needed when the file's own path is known
            int[] comps = nextRange();
            if (comps != null) {
                return FileRef.of(PathNames.fromComponents(buf, comps[0], comps[1]));
            }
            return raw == null ? FileRef.NONE : FileRef.of(new String(buf, raw[0], raw[1], StandardCharsets.UTF_8));
        }
        String raw = nextString();
        int[] comps = nextRange();
        if (raw.isEmpty()) {
            return FileRef.NONE;
        }
        String base = comps == null ? "/" : PathNames.fromComponents(buf, comps[0], comps[1]);
        return FileRef.of(PathNames.resolve(base, raw));
    }

    private List<String> splitNul(int off, int len) {
        byte[] copy = java.util.Arrays.copyOfRange(buf, off, off + len);
        return ProcFs.splitNul(copy, len);
    }

    /** Records that could not be decoded. */
    public long malformed() { return malformed; }
}
