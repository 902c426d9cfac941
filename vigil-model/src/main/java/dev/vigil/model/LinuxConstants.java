package dev.vigil.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Linux constants that events carry as numbers, by family, with their names: SECL rules write
 * {@code open.flags & O_CREAT > 0} or {@code bpf.cmd == BPF_PROG_LOAD}, and output can name values.
 * Values are the x86_64 ABI values.
 */
public final class LinuxConstants {

    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_TRUNC = 01000;

    public static final int S_ISUID = 04000;
    public static final int S_ISGID = 02000;

    /** Constant families; a family is an ordered name-to-value map. */
    public enum Family { OPEN_FLAGS, FILE_MODE, CAPABILITIES, BPF_CMD, BPF_PROG_TYPE, BPF_MAP_TYPE, PTRACE_REQUEST,
        ADDRESS_FAMILY, SIGNAL, MOUNT_FLAGS, IP_PROTOCOL, DNS_QTYPE, UNLINK_FLAGS, RENAME_FLAGS }

    private static final Map<Family, Map<String, Long>> FAMILIES = new LinkedHashMap<>();
    private static final Map<String, Long> ALL = new LinkedHashMap<>();

    static {
        family(Family.OPEN_FLAGS, "O_RDONLY", 0, "O_WRONLY", 01, "O_RDWR", 02, "O_CREAT", 0100, "O_EXCL", 0200,
                "O_NOCTTY", 0400, "O_TRUNC", 01000, "O_APPEND", 02000, "O_NONBLOCK", 04000, "O_DSYNC", 010000,
                "O_SYNC", 04010000, "O_DIRECT", 040000, "O_LARGEFILE", 0100000, "O_DIRECTORY", 0200000,
                "O_NOFOLLOW", 0400000, "O_NOATIME", 01000000, "O_CLOEXEC", 02000000, "O_PATH", 010000000,
                "O_TMPFILE", 020200000);
        family(Family.FILE_MODE, "S_ISUID", 04000, "S_ISGID", 02000, "S_ISVTX", 01000, "S_IRWXU", 0700,
                "S_IRUSR", 0400, "S_IWUSR", 0200, "S_IXUSR", 0100, "S_IRWXG", 070, "S_IRGRP", 040, "S_IWGRP", 020,
                "S_IXGRP", 010, "S_IRWXO", 07, "S_IROTH", 04, "S_IWOTH", 02, "S_IXOTH", 01);
        String[] caps = {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
                "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
                "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
                "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
                "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
                "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
                "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
                "CAP_CHECKPOINT_RESTORE"};
        Object[] capPairs = new Object[caps.length * 2];
        for (int i = 0; i < caps.length; i++) {
            capPairs[2 * i] = caps[i];
            capPairs[2 * i + 1] = 1L << i; // capability masks, as in cap_effective
        }
        family(Family.CAPABILITIES, capPairs);
        family(Family.BPF_CMD, "BPF_MAP_CREATE", 0, "BPF_MAP_LOOKUP_ELEM", 1, "BPF_MAP_UPDATE_ELEM", 2,
                "BPF_MAP_DELETE_ELEM", 3, "BPF_MAP_GET_NEXT_KEY", 4, "BPF_PROG_LOAD", 5, "BPF_OBJ_PIN", 6,
                "BPF_OBJ_GET", 7, "BPF_PROG_ATTACH", 8, "BPF_PROG_DETACH", 9, "BPF_PROG_TEST_RUN", 10,
                "BPF_PROG_GET_NEXT_ID", 11, "BPF_MAP_GET_NEXT_ID", 12, "BPF_PROG_GET_FD_BY_ID", 13,
                "BPF_MAP_GET_FD_BY_ID", 14, "BPF_OBJ_GET_INFO_BY_FD", 15, "BPF_PROG_QUERY", 16,
                "BPF_RAW_TRACEPOINT_OPEN", 17, "BPF_BTF_LOAD", 18, "BPF_BTF_GET_FD_BY_ID", 19, "BPF_TASK_FD_QUERY", 20,
                "BPF_MAP_LOOKUP_AND_DELETE_ELEM", 21, "BPF_MAP_FREEZE", 22, "BPF_BTF_GET_NEXT_ID", 23,
                "BPF_MAP_LOOKUP_BATCH", 24, "BPF_MAP_LOOKUP_AND_DELETE_BATCH", 25, "BPF_MAP_UPDATE_BATCH", 26,
                "BPF_MAP_DELETE_BATCH", 27, "BPF_LINK_CREATE", 28, "BPF_LINK_UPDATE", 29, "BPF_LINK_GET_FD_BY_ID", 30,
                "BPF_LINK_GET_NEXT_ID", 31, "BPF_ENABLE_STATS", 32, "BPF_ITER_CREATE", 33, "BPF_LINK_DETACH", 34,
                "BPF_PROG_BIND_MAP", 35, "BPF_TOKEN_CREATE", 36);
        family(Family.BPF_PROG_TYPE, "BPF_PROG_TYPE_UNSPEC", 0, "BPF_PROG_TYPE_SOCKET_FILTER", 1,
                "BPF_PROG_TYPE_KPROBE", 2, "BPF_PROG_TYPE_SCHED_CLS", 3, "BPF_PROG_TYPE_SCHED_ACT", 4,
                "BPF_PROG_TYPE_TRACEPOINT", 5, "BPF_PROG_TYPE_XDP", 6, "BPF_PROG_TYPE_PERF_EVENT", 7,
                "BPF_PROG_TYPE_CGROUP_SKB", 8, "BPF_PROG_TYPE_CGROUP_SOCK", 9, "BPF_PROG_TYPE_LWT_IN", 10,
                "BPF_PROG_TYPE_LWT_OUT", 11, "BPF_PROG_TYPE_LWT_XMIT", 12, "BPF_PROG_TYPE_SOCK_OPS", 13,
                "BPF_PROG_TYPE_SK_SKB", 14, "BPF_PROG_TYPE_CGROUP_DEVICE", 15, "BPF_PROG_TYPE_SK_MSG", 16,
                "BPF_PROG_TYPE_RAW_TRACEPOINT", 17, "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", 18,
                "BPF_PROG_TYPE_LWT_SEG6LOCAL", 19, "BPF_PROG_TYPE_LIRC_MODE2", 20, "BPF_PROG_TYPE_SK_REUSEPORT", 21,
                "BPF_PROG_TYPE_FLOW_DISSECTOR", 22, "BPF_PROG_TYPE_CGROUP_SYSCTL", 23,
                "BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE", 24, "BPF_PROG_TYPE_CGROUP_SOCKOPT", 25,
                "BPF_PROG_TYPE_TRACING", 26, "BPF_PROG_TYPE_STRUCT_OPS", 27, "BPF_PROG_TYPE_EXT", 28,
                "BPF_PROG_TYPE_LSM", 29, "BPF_PROG_TYPE_SK_LOOKUP", 30, "BPF_PROG_TYPE_SYSCALL", 31,
                "BPF_PROG_TYPE_NETFILTER", 32);
        family(Family.BPF_MAP_TYPE, "BPF_MAP_TYPE_UNSPEC", 0, "BPF_MAP_TYPE_HASH", 1, "BPF_MAP_TYPE_ARRAY", 2,
                "BPF_MAP_TYPE_PROG_ARRAY", 3, "BPF_MAP_TYPE_PERF_EVENT_ARRAY", 4, "BPF_MAP_TYPE_PERCPU_HASH", 5,
                "BPF_MAP_TYPE_PERCPU_ARRAY", 6, "BPF_MAP_TYPE_STACK_TRACE", 7, "BPF_MAP_TYPE_CGROUP_ARRAY", 8,
                "BPF_MAP_TYPE_LRU_HASH", 9, "BPF_MAP_TYPE_LRU_PERCPU_HASH", 10, "BPF_MAP_TYPE_LPM_TRIE", 11,
                "BPF_MAP_TYPE_ARRAY_OF_MAPS", 12, "BPF_MAP_TYPE_HASH_OF_MAPS", 13, "BPF_MAP_TYPE_DEVMAP", 14,
                "BPF_MAP_TYPE_SOCKMAP", 15, "BPF_MAP_TYPE_CPUMAP", 16, "BPF_MAP_TYPE_XSKMAP", 17,
                "BPF_MAP_TYPE_SOCKHASH", 18, "BPF_MAP_TYPE_CGROUP_STORAGE", 19, "BPF_MAP_TYPE_REUSEPORT_SOCKARRAY", 20,
                "BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE", 21, "BPF_MAP_TYPE_QUEUE", 22, "BPF_MAP_TYPE_STACK", 23,
                "BPF_MAP_TYPE_SK_STORAGE", 24, "BPF_MAP_TYPE_DEVMAP_HASH", 25, "BPF_MAP_TYPE_STRUCT_OPS", 26,
                "BPF_MAP_TYPE_RINGBUF", 27, "BPF_MAP_TYPE_INODE_STORAGE", 28, "BPF_MAP_TYPE_TASK_STORAGE", 29,
                "BPF_MAP_TYPE_BLOOM_FILTER", 30, "BPF_MAP_TYPE_USER_RINGBUF", 31, "BPF_MAP_TYPE_CGRP_STORAGE", 32,
                "BPF_MAP_TYPE_ARENA", 33);
        family(Family.PTRACE_REQUEST, "PTRACE_TRACEME", 0, "PTRACE_PEEKTEXT", 1, "PTRACE_PEEKDATA", 2,
                "PTRACE_PEEKUSR", 3, "PTRACE_POKETEXT", 4, "PTRACE_POKEDATA", 5, "PTRACE_POKEUSR", 6, "PTRACE_CONT", 7,
                "PTRACE_KILL", 8, "PTRACE_SINGLESTEP", 9, "PTRACE_GETREGS", 12, "PTRACE_SETREGS", 13,
                "PTRACE_GETFPREGS", 14, "PTRACE_SETFPREGS", 15, "PTRACE_ATTACH", 16, "PTRACE_DETACH", 17,
                "PTRACE_SYSCALL", 24, "PTRACE_SETOPTIONS", 0x4200, "PTRACE_GETEVENTMSG", 0x4201,
                "PTRACE_GETSIGINFO", 0x4202, "PTRACE_SETSIGINFO", 0x4203, "PTRACE_GETREGSET", 0x4204,
                "PTRACE_SETREGSET", 0x4205, "PTRACE_SEIZE", 0x4206, "PTRACE_INTERRUPT", 0x4207,
                "PTRACE_LISTEN", 0x4208);
        family(Family.ADDRESS_FAMILY, "AF_UNSPEC", 0, "AF_UNIX", 1, "AF_INET", 2, "AF_INET6", 10, "AF_NETLINK", 16,
                "AF_PACKET", 17);
        family(Family.SIGNAL, "SIGHUP", 1, "SIGINT", 2, "SIGQUIT", 3, "SIGILL", 4, "SIGTRAP", 5, "SIGABRT", 6,
                "SIGBUS", 7, "SIGFPE", 8, "SIGKILL", 9, "SIGUSR1", 10, "SIGSEGV", 11, "SIGUSR2", 12, "SIGPIPE", 13,
                "SIGALRM", 14, "SIGTERM", 15, "SIGSTKFLT", 16, "SIGCHLD", 17, "SIGCONT", 18, "SIGSTOP", 19,
                "SIGTSTP", 20, "SIGTTIN", 21, "SIGTTOU", 22, "SIGURG", 23, "SIGXCPU", 24, "SIGXFSZ", 25,
                "SIGVTALRM", 26, "SIGPROF", 27, "SIGWINCH", 28, "SIGIO", 29, "SIGPWR", 30, "SIGSYS", 31);
        family(Family.MOUNT_FLAGS, "MS_RDONLY", 1, "MS_NOSUID", 2, "MS_NODEV", 4, "MS_NOEXEC", 8,
                "MS_SYNCHRONOUS", 16, "MS_REMOUNT", 32, "MS_MANDLOCK", 64, "MS_DIRSYNC", 128, "MS_NOATIME", 1024,
                "MS_NODIRATIME", 2048, "MS_BIND", 4096, "MS_MOVE", 8192, "MS_REC", 16384, "MS_SILENT", 32768,
                "MS_UNBINDABLE", 1 << 17, "MS_PRIVATE", 1 << 18, "MS_SLAVE", 1 << 19, "MS_SHARED", 1 << 20);
        family(Family.IP_PROTOCOL, "IPPROTO_IP", 0, "IPPROTO_ICMP", 1, "IPPROTO_TCP", 6, "IPPROTO_UDP", 17,
                "IPPROTO_IPV6", 41, "IPPROTO_ICMPV6", 58, "IPPROTO_RAW", 255);
        family(Family.DNS_QTYPE, "A", 1, "NS", 2, "CNAME", 5, "SOA", 6, "PTR", 12, "MX", 15, "TXT", 16, "AAAA", 28,
                "SRV", 33, "ANY", 255);
        family(Family.UNLINK_FLAGS, "AT_REMOVEDIR", 0x200);
        family(Family.RENAME_FLAGS, "RENAME_NOREPLACE", 1, "RENAME_EXCHANGE", 2, "RENAME_WHITEOUT", 4);
    }

    private LinuxConstants() {}

    private static void family(Family family, Object... pairs) {
        Map<String, Long> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            long value = ((Number) pairs[i + 1]).longValue();
            map.put((String) pairs[i], value);
            // DNS record types are short words (A, MX) that would shadow identifiers; keep them in their family only.
            if (family != Family.DNS_QTYPE) {
                ALL.put((String) pairs[i], value);
            }
        }
        FAMILIES.put(family, Collections.unmodifiableMap(map));
    }

    /** Every named constant usable in rules, e.g. {@code O_CREAT}, {@code CAP_SYS_ADMIN}. */
    public static Map<String, Long> all() { return Collections.unmodifiableMap(ALL); }

    public static Map<String, Long> family(Family family) { return FAMILIES.get(family); }

    /** The name of {@code value} in an enumeration family (not a bit-flag family), or {@code null}. */
    public static String nameOf(Family family, long value) {
        for (var e : FAMILIES.get(family).entrySet()) {
            if (e.getValue() == value) {
                return e.getKey();
            }
        }
        return null;
    }
}
