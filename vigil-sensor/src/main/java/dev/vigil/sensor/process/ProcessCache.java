package dev.vigil.sensor.process;

import dev.vigil.model.ContainerInfo;
import dev.vigil.model.FileRef;
import dev.vigil.model.ProcessInfo;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's view of every live process: pid to {@link ProcessInfo}, each linked to its parent, so an
 * event's full ancestry is a pointer walk.
 *
 * <h2>Sources</h2>
 * Processes started before the agent are read from /proc at start ({@link #bootstrap()}); after that,
 * fork and exec events keep the cache current. A pid an event names that the cache does not know
 * (a race at start, or an entry evicted) is read from /proc on demand; if it is already gone, a
 * minimal entry is made from what the event itself carries (pid, comm, uid, gid).
 *
 * <h2>State and bounds</h2>
 * At most {@link #maxEntries} live entries (least recently used evicted first, counted in
 * {@link #evictions()}). Exited processes are kept for {@link #EXIT_GRACE_NANOS} so that events
 * still in flight for them (other CPUs, late syscall exits) resolve, then reaped. An exited
 * parent stays reachable from its children through their parent links, so ancestry survives the
 * parent's exit; memory held that way is bounded by the live descendants.
 *
 * <h2>Concurrency</h2>
 * Not thread-safe: the sensor's poll thread owns it.
 */
public final class ProcessCache {

    /** How long an exited process stays resolvable. */
    public static final long EXIT_GRACE_NANOS = 5_000_000_000L;
    /** Default bound on live entries. */
    public static final int DEFAULT_MAX_ENTRIES = 65_536;
    /** Guards against a cycle in /proc's ppid data while linking parents. */
    private static final int MAX_LINK_DEPTH = 256;

    private record Exited(int pid, ProcessInfo info, long at) {}

    private final ProcFs procFs;
    private final UserNames names;
    private final int maxEntries;
    private final long bootTimeUnixNanos;
    private final Map<Integer, ProcessInfo> live;
    private final ArrayDeque<Exited> exited = new ArrayDeque<>();
    private long evictions;
    private long procReads;
    private long procMisses;

    public ProcessCache(ProcFs procFs, UserNames names, int maxEntries, long bootTimeUnixNanos) {
        this.procFs = procFs;
        this.names = names;
        this.maxEntries = maxEntries;
        this.bootTimeUnixNanos = bootTimeUnixNanos;
        this.live = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, ProcessInfo> eldest) {
                if (size() > ProcessCache.this.maxEntries) {
                    evictions++;
                    return true;
                }
                return false;
            }
        };
    }

    /** Reads every process in /proc and links parents. Entries already learned from events are kept. */
    public int bootstrap() {
        Map<Integer, ProcessInfo> raw = new HashMap<>();
        for (int pid : procFs.pids()) {
            if (!live.containsKey(pid)) {
                ProcessInfo p = procFs.read(pid, names, this::bootToUnix);
                if (p != null) {
                    raw.put(pid, p);
                }
            }
        }
        Map<Integer, ProcessInfo> linked = new HashMap<>();
        for (int pid : raw.keySet()) {
            link(pid, raw, linked, 0);
        }
        linked.forEach(live::putIfAbsent);
        return linked.size();
    }

    private ProcessInfo link(int pid, Map<Integer, ProcessInfo> raw, Map<Integer, ProcessInfo> linked, int depth) {
        ProcessInfo done = linked.get(pid);
        if (done != null) return done;
        ProcessInfo known = live.get(pid);
        if (known != null) return known;
        ProcessInfo p = raw.get(pid);
        if (p == null) return null;
        ProcessInfo parent = p.ppid() > 0 && p.ppid() != pid && depth < MAX_LINK_DEPTH
                ? link(p.ppid(), raw, linked, depth + 1) : null;
        ProcessInfo withParent = p.withParent(parent);
        linked.put(pid, withParent);
        return withParent;
    }

    long bootToUnix(long bootNanos) {
        return bootTimeUnixNanos + bootNanos;
    }

    /**
     * The process {@code pid}, from the cache, else /proc, else made from the event's own fields.
     * Never returns null.
     */
    public ProcessInfo get(int pid, String comm, int uid, int gid) {
        ProcessInfo p = live.get(pid);
        if (p != null) {
            return p;
        }
        p = loadFromProc(pid, 0);
        if (p != null) {
            return p;
        }
        procMisses++;
        ProcessInfo minimal = new ProcessInfo(pid, 0, uid, gid, uid, gid, names.user(uid, false), names.group(gid, false),
                comm, FileRef.NONE, FileRef.NONE, List.of(), false, List.of(), false, "", "", 0, 0,
                ContainerInfo.NONE, 0, null);
        live.put(pid, minimal);
        return minimal;
    }

    /** The process {@code pid} if known or readable from /proc, else {@code null} (e.g. a signal target). */
    public ProcessInfo find(int pid) {
        if (pid <= 0) return null;
        ProcessInfo p = live.get(pid);
        return p != null ? p : loadFromProc(pid, 0);
    }

    private ProcessInfo loadFromProc(int pid, int depth) {
        procReads++;
        ProcessInfo p = procFs.read(pid, names, this::bootToUnix);
        if (p == null) {
            return null;
        }
        ProcessInfo parent = null;
        if (p.ppid() > 0 && p.ppid() != pid && depth < MAX_LINK_DEPTH) {
            parent = live.get(p.ppid());
            if (parent == null) {
                parent = loadFromProc(p.ppid(), depth + 1);
            }
        }
        ProcessInfo linked = p.withParent(parent);
        live.put(pid, linked);
        return linked;
    }

    /** A process forked: the child starts as a copy of its parent with its own pid. */
    public ProcessInfo onFork(int childPid, int parentPid, String comm, int uid, int gid) {
        ProcessInfo parent = get(parentPid, comm, uid, gid);
        ProcessInfo child = new ProcessInfo(childPid, parentPid, parent.uid(), parent.gid(), parent.euid(), parent.egid(),
                parent.user(), parent.group(), parent.comm(), parent.file(), parent.interpreter(), parent.argv(),
                parent.argsTruncated(), parent.envs(), parent.envsTruncated(), parent.cwd(), parent.tty(),
                parent.stdinType(), parent.stdoutType(), parent.capEffective(), parent.capPermitted(), parent.container(), parent.execTime(), parent);
        live.put(childPid, child);
        return child;
    }

    /**
     * A process executed a new program. {@code exec} is complete but for its parent link, which is
     * set here from the cache (the parent is the same as before the exec).
     */
    public ProcessInfo onExec(ProcessInfo exec) {
        ProcessInfo previous = live.get(exec.pid());
        ProcessInfo parent = previous != null && previous.parent() != null && previous.parent().pid() == exec.ppid()
                ? previous.parent()
                : exec.ppid() > 0 ? get(exec.ppid(), "", -1, -1) : null;
        ProcessInfo linked = exec.withParent(parent);
        live.put(exec.pid(), linked);
        return linked;
    }

    /** Replaces the entry of a process whose credentials or capabilities changed. */
    public ProcessInfo replace(ProcessInfo updated) {
        live.put(updated.pid(), updated);
        return updated;
    }

    /** A whole process exited; it stays resolvable for the grace period. */
    public void onExit(int pid, long nowNanos) {
        ProcessInfo p = live.get(pid);
        if (p != null) {
            exited.addLast(new Exited(pid, p, nowNanos));
        }
    }

    /** Drops exited processes whose grace period is over. Call regularly (each poll). */
    public int reap(long nowNanos) {
        int n = 0;
        for (Iterator<Exited> it = exited.iterator(); it.hasNext(); ) {
            Exited e = it.next();
            if (nowNanos - e.at() < EXIT_GRACE_NANOS) {
                break; // the deque is in exit order
            }
            it.remove();
            // the pid may have been reused since: only drop the entry that exited
            if (live.get(e.pid()) == e.info()) {
                live.remove(e.pid());
                n++;
            }
        }
        return n;
    }

    public int size() { return live.size(); }

    public long evictions() { return evictions; }

    /** Lookups that had to read /proc. */
    public long procReads() { return procReads; }

    /** Lookups of processes gone before they could be read (they get a minimal entry). */
    public long procMisses() { return procMisses; }

    public UserNames names() { return names; }
}
