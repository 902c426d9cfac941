package dev.vigil.model;

import java.util.HashMap;
import java.util.Map;

/**
 * Every kind of event Vigil knows. The {@link #id() id} is the SECL event type name: a rule that
 * uses {@code open.file.path} applies to {@code open} events, and {@code event.type} holds the id.
 * The wire code is the number the eBPF programs put in each record header; it never changes once
 * shipped (agents and recorded files depend on it).
 */
public enum EventType {
    EXEC("exec", Category.PROCESS, 1),
    FORK("fork", Category.PROCESS, 2),
    EXIT("exit", Category.PROCESS, 3),
    OPEN("open", Category.FILE, 10),
    UNLINK("unlink", Category.FILE, 11),
    RENAME("rename", Category.FILE, 12),
    CHMOD("chmod", Category.FILE, 13),
    CHOWN("chown", Category.FILE, 14),
    MKDIR("mkdir", Category.FILE, 15),
    RMDIR("rmdir", Category.FILE, 16),
    LINK("link", Category.FILE, 17),
    SYMLINK("symlink", Category.FILE, 18),
    UTIMES("utimes", Category.FILE, 19),
    SETUID("setuid", Category.CREDENTIALS, 30),
    SETGID("setgid", Category.CREDENTIALS, 31),
    CAPSET("capset", Category.CREDENTIALS, 32),
    BPF("bpf", Category.KERNEL, 40),
    LOAD_MODULE("load_module", Category.KERNEL, 41),
    PTRACE("ptrace", Category.KERNEL, 42),
    MOUNT("mount", Category.KERNEL, 43),
    SIGNAL("signal", Category.KERNEL, 44),
    SELINUX("selinux", Category.KERNEL, 45),
    CONNECT("connect", Category.NETWORK, 50),
    BIND("bind", Category.NETWORK, 51),
    ACCEPT("accept", Category.NETWORK, 52),
    DNS("dns", Category.NETWORK, 53),
    /** Emitted by the agent itself when the kernel could not hand over events (ring buffer full). */
    LOST_EVENTS("lost_events", Category.AGENT, 100);

    /** Broad families, used by filters such as {@code vigil events --type file}. */
    public enum Category { PROCESS, FILE, CREDENTIALS, KERNEL, NETWORK, AGENT }

    private static final Map<String, EventType> BY_ID = new HashMap<>();
    private static final EventType[] BY_CODE = new EventType[128];

    static {
        for (EventType t : values()) {
            BY_ID.put(t.id, t);
            BY_CODE[t.code] = t;
        }
    }

    private final String id;
    private final Category category;
    private final int code;

    EventType(String id, Category category, int code) {
        this.id = id;
        this.category = category;
        this.code = code;
    }

    /** The SECL name of this type, e.g. {@code load_module}. */
    public String id() { return id; }

    public Category category() { return category; }

    /** The number used on the kernel-to-agent wire. */
    public int code() { return code; }

    /** Looks up a type by SECL name; {@code null} when unknown. */
    public static EventType byId(String id) { return BY_ID.get(id); }

    /** Looks up a type by wire code; {@code null} when unknown. */
    public static EventType byCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
