package dev.vigil.sensor;

import dev.vigil.model.EventType;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.vigil.model.EventType.*;

/** Which event types each eBPF program produces, so only the programs a configuration needs are loaded. */
final class Programs {
    private Programs() {}

    /** Programs that feed the process cache: always loaded. */
    static final Set<String> LIFECYCLE = Set.of("on_exec", "on_fork", "on_exit_task");

    private static final Map<String, Set<EventType>> BY_SYSCALL = Map.ofEntries(
            Map.entry("open", EnumSet.of(OPEN, SELINUX)), Map.entry("openat", EnumSet.of(OPEN, SELINUX)),
            Map.entry("openat2", EnumSet.of(OPEN, SELINUX)), Map.entry("creat", EnumSet.of(OPEN)),
            Map.entry("unlink", EnumSet.of(UNLINK)), Map.entry("unlinkat", EnumSet.of(UNLINK, RMDIR)),
            Map.entry("rmdir", EnumSet.of(RMDIR)),
            Map.entry("rename", EnumSet.of(RENAME)), Map.entry("renameat", EnumSet.of(RENAME)),
            Map.entry("renameat2", EnumSet.of(RENAME)),
            Map.entry("chmod", EnumSet.of(CHMOD)), Map.entry("fchmod", EnumSet.of(CHMOD)),
            Map.entry("fchmodat", EnumSet.of(CHMOD)), Map.entry("fchmodat2", EnumSet.of(CHMOD)),
            Map.entry("chown", EnumSet.of(CHOWN)), Map.entry("lchown", EnumSet.of(CHOWN)),
            Map.entry("fchown", EnumSet.of(CHOWN)), Map.entry("fchownat", EnumSet.of(CHOWN)),
            Map.entry("mkdir", EnumSet.of(MKDIR)), Map.entry("mkdirat", EnumSet.of(MKDIR)),
            Map.entry("link", EnumSet.of(LINK)), Map.entry("linkat", EnumSet.of(LINK)),
            Map.entry("symlink", EnumSet.of(SYMLINK)), Map.entry("symlinkat", EnumSet.of(SYMLINK)),
            Map.entry("utime", EnumSet.of(UTIMES)), Map.entry("utimes", EnumSet.of(UTIMES)),
            Map.entry("utimensat", EnumSet.of(UTIMES)), Map.entry("futimesat", EnumSet.of(UTIMES)),
            Map.entry("setuid", EnumSet.of(SETUID)), Map.entry("setreuid", EnumSet.of(SETUID)),
            Map.entry("setresuid", EnumSet.of(SETUID)), Map.entry("setfsuid", EnumSet.of(SETUID)),
            Map.entry("setgid", EnumSet.of(SETGID)), Map.entry("setregid", EnumSet.of(SETGID)),
            Map.entry("setresgid", EnumSet.of(SETGID)), Map.entry("setfsgid", EnumSet.of(SETGID)),
            Map.entry("capset", EnumSet.of(CAPSET)), Map.entry("bpf", EnumSet.of(BPF)),
            Map.entry("init_module", EnumSet.of(LOAD_MODULE)), Map.entry("finit_module", EnumSet.of(LOAD_MODULE)),
            Map.entry("ptrace", EnumSet.of(PTRACE)), Map.entry("mount", EnumSet.of(MOUNT)),
            Map.entry("kill", EnumSet.of(SIGNAL)), Map.entry("tkill", EnumSet.of(SIGNAL)),
            Map.entry("tgkill", EnumSet.of(SIGNAL)),
            Map.entry("connect", EnumSet.of(CONNECT, DNS)), /* connect() marks DNS sockets for write() */
            Map.entry("bind", EnumSet.of(BIND)),
            Map.entry("accept", EnumSet.of(ACCEPT)), Map.entry("accept4", EnumSet.of(ACCEPT)),
            Map.entry("sendto", EnumSet.of(DNS)), Map.entry("sendmsg", EnumSet.of(DNS)),
            Map.entry("sendmmsg", EnumSet.of(DNS)));

    /** The event types program {@code name} produces; throws for a program this table does not know. */
    static Set<EventType> typesOf(String name) {
        if (LIFECYCLE.contains(name)) {
            return switch (name) {
                case "on_exec" -> EnumSet.of(EXEC);
                case "on_fork" -> EnumSet.of(FORK);
                default -> EnumSet.of(EXIT);
            };
        }
        if (name.equals("on_write") || name.equals("on_close")) {
            return EnumSet.of(SELINUX, DNS); // writes on watched fds: selinuxfs files, DNS sockets
        }
        if (name.equals("raw_enter") || name.equals("raw_exit")) {
            return EnumSet.of(LOAD_MODULE);
        }
        String syscall = name.startsWith("enter_") ? name.substring(6) : name.startsWith("exit_") ? name.substring(5) : null;
        Set<EventType> types = syscall == null ? null : BY_SYSCALL.get(syscall);
        if (types == null) {
            throw new IllegalStateException("eBPF program " + name + " has no entry in Programs: add it");
        }
        return types;
    }

    /** The per-syscall tracepoint whose absence makes the raw sys_enter/sys_exit fallback necessary. */
    static final String RAW_FALLBACK_FOR = "tp/syscalls/sys_enter_finit_module";

    /**
     * Whether program {@code name} must be loaded for {@code config} on this kernel. The raw syscall
     * fallback (every syscall pays for it) is loaded only where module syscalls lack tracepoints.
     */
    static boolean needed(String name, SensorConfig config) {
        if (LIFECYCLE.contains(name)) {
            return true;
        }
        if (name.startsWith("raw_") && Prerequisites.tracepointExists(RAW_FALLBACK_FOR)) {
            return false;
        }
        for (EventType t : typesOf(name)) {
            if (config.reports(t)) {
                return true;
            }
        }
        return false;
    }
}
