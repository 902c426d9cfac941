package dev.vigil.sensor.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * uid/gid to name, from the host's /etc/passwd and /etc/group, re-read when they change (checked at
 * most every {@link #RECHECK_NANOS}). Only host processes are named this way: a container has its own
 * user database, so its processes get a name only for uid/gid 0 ("root").
 */
public final class UserNames {

    /** How often the files' modification times are checked. */
    static final long RECHECK_NANOS = 10_000_000_000L;

    private final Path passwd;
    private final Path group;
    private Map<Integer, String> users = Map.of();
    private Map<Integer, String> groups = Map.of();
    private long passwdMtime = -1;
    private long groupMtime = -1;
    private long nextCheck;

    public UserNames() {
        this(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    UserNames(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    public synchronized String user(int uid, boolean inContainer) {
        if (uid == 0) return "root";
        if (inContainer || uid < 0) return "";
        refresh();
        return users.getOrDefault(uid, "");
    }

    public synchronized String group(int gid, boolean inContainer) {
        if (gid == 0) return "root";
        if (inContainer || gid < 0) return "";
        refresh();
        return groups.getOrDefault(gid, "");
    }

    private void refresh() {
        long now = System.nanoTime();
        if (now - nextCheck < 0) {
            return;
        }
        nextCheck = now + RECHECK_NANOS;
        long pm = mtime(passwd);
        if (pm != passwdMtime) {
            users = parse(passwd);
            passwdMtime = pm;
        }
        long gm = mtime(group);
        if (gm != groupMtime) {
            groups = parse(group);
            groupMtime = gm;
        }
    }

    private static long mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return -2;
        }
    }

    /** name:x:id:... lines (passwd and group share the first three columns). */
    static Map<Integer, String> parse(Path file) {
        Map<Integer, String> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] cols = line.split(":", 4);
                if (cols.length >= 3 && !line.startsWith("#")) {
                    try {
                        out.putIfAbsent(Integer.parseInt(cols[2]), cols[0]);
                    } catch (NumberFormatException ignored) {
                        // malformed line: skip it, keep the rest
                    }
                }
            }
        } catch (IOException e) {
            // no database: ids stay unnamed
        }
        return out;
    }
}
