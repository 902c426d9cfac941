package dev.vigil.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Builds ring-buffer records exactly as vigil.bpf.c writes them (vigil-sensor/src/main/bpf/vigil.h):
 * a 104-byte {@code struct vg_hdr}, then string entries, each a little-endian u16 length and that
 * many bytes with no terminating NUL (the kernel side overwrites it with the next entry's length).
 *
 * <pre>
 *   struct vg_hdr {            offset
 *     u32 type;                 0    event type code (dev.vigil.model.EventType#code)
 *     u32 size;                 4    whole record, header included
 *     u64 ts;                   8    CLOCK_MONOTONIC ns
 *     u32 pid, tid, uid, gid;  16
 *     s64 retval;              32
 *     u64 args[6];             40
 *     char comm[16];           88
 *   };                        104
 * </pre>
 *
 * Entry shapes used by the builders below: a plain string ({@link #string}), a path as dentry
 * components leaf first, each NUL-terminated ({@link #components}: "/tmp/x" is {@code x\0tmp\0}),
 * and raw NUL-separated lists ({@link #list}: argv as the kernel copies it, environment names).
 */
final class Records {

    static final int HEADER_SIZE = 104;
    /** vigil.h event type codes used here. */
    static final int VG_EXEC = 1, VG_OPEN = 10;
    /** args[5] flag of open records: the components entry is the opened file's full path. */
    static final long FULL_PATH1 = 1;

    private final ByteBuffer buf = ByteBuffer.allocate(16384).order(ByteOrder.LITTLE_ENDIAN);

    /** Starts a record with its header; {@code args} has at most six values. */
    Records header(int type, long ts, int pid, int tid, int uid, int gid, long retval, long[] args, String comm) {
        if (args.length > 6) throw new IllegalArgumentException("struct vg_hdr has 6 args, got " + args.length);
        byte[] c = comm.getBytes(StandardCharsets.UTF_8);
        if (c.length > 15) throw new IllegalArgumentException("comm is at most 15 bytes (TASK_COMM_LEN 16), got " + comm);
        buf.clear();
        buf.putInt(type).putInt(0).putLong(ts).putInt(pid).putInt(tid).putInt(uid).putInt(gid).putLong(retval);
        for (int i = 0; i < 6; i++) buf.putLong(i < args.length ? args[i] : 0);
        buf.put(Arrays.copyOf(c, 16));
        assert buf.position() == HEADER_SIZE;
        return this;
    }

    Records string(String s) {
        return entry(s.getBytes(StandardCharsets.UTF_8));
    }

    /** An absolute path as the kernel's dentry walk sends it: components leaf first, each NUL-terminated. */
    Records components(String absolutePath) {
        List<String> parts = Arrays.stream(absolutePath.split("/")).filter(p -> !p.isEmpty()).toList();
        StringBuilder sb = new StringBuilder();
        for (int i = parts.size() - 1; i >= 0; i--) sb.append(parts.get(i)).append('\0');
        return string(sb.toString());
    }

    /** Values each followed by NUL, as argv (copied raw from the process) and environment names arrive. */
    Records list(List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (String v : values) sb.append(v).append('\0');
        return string(sb.toString());
    }

    private Records entry(byte[] bytes) {
        if (bytes.length > 0xffff) throw new IllegalArgumentException("an entry holds at most 65535 bytes");
        buf.putShort((short) bytes.length).put(bytes);
        return this;
    }

    /** The record, with its size written into the header. */
    byte[] build() {
        buf.putInt(4, buf.position());
        return Arrays.copyOf(buf.array(), buf.position());
    }

    // ---- realistic records ------------------------------------------------------------------------

    /** A successful {@code openat(AT_FDCWD, path, O_RDONLY)}: the path as given, then the file's full path. */
    static byte[] open(int pid, String path) {
        return new Records()
                .header(VG_OPEN, System.nanoTime(), pid, pid, 1000, 1000, 3, new long[] {0, 0, 0, 0, 0, FULL_PATH1}, "app-worker")
                .string(path)
                .components(path)
                .build();
    }

    /**
     * An exec of curl in a podman container: filename, interpreter (the kernel sets it to the
     * filename for binaries), executable and cwd as components, argv, environment names, tty (none),
     * cgroup leaf and parent for the v1 memory hierarchy, then for the default hierarchy.
     */
    static byte[] exec(int pid, int ppid, String containerId) {
        long euidEgid = 1000L | (1000L << 32);
        return new Records()
                .header(VG_EXEC, System.nanoTime(), pid, pid, 1000, 1000, 0,
                        new long[] {ppid, euidEgid, 0, 0, 0, System.nanoTime()}, "curl")
                .string("/usr/bin/curl")
                .string("/usr/bin/curl")
                .components("/usr/bin/curl")
                .components("/srv/app")
                .list(List.of("curl", "-sS", "--max-time", "5", "-H", "Accept: application/json",
                        "https://api.internal.example/v1/health"))
                .list(List.of("PATH", "HOSTNAME", "HOME", "LANG", "TERM", "container", "APP_ENV", "DATABASE_URL"))
                .string("")
                .string("libpod-" + containerId)
                .string("libpod_parent")
                .string("libpod-" + containerId)
                .string("libpod_parent")
                .build();
    }
}
