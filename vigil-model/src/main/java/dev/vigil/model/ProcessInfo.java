package dev.vigil.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A process as the agent knows it at one moment: identity, credentials, the program it runs with its
 * arguments, environment variable <em>names</em> (never values), capabilities, terminal, container, and
 * a link to its parent. Instances are immutable and shared: the process cache hands the same instance
 * to every event of that process until the process execs, changes credentials or exits, so attaching
 * context to an event allocates nothing.
 *
 * <p>{@code argv} holds the whole command line, {@code argv[0]} included; SECL's {@code process.argv}
 * excludes argv0 (see {@link #args()}) and {@code process.argv0} is the first element.
 *
 * @param pid          thread-group id (what {@code ps} calls PID)
 * @param ppid         parent's pid
 * @param uid          real user id
 * @param gid          real group id
 * @param euid         effective user id
 * @param egid         effective group id
 * @param user         name of {@code uid} when resolvable, else {@code ""}
 * @param group        name of {@code gid} when resolvable, else {@code ""}
 * @param comm         the kernel's 15-character task name
 * @param file         the program file; for scripts, the script
 * @param interpreter  for scripts, the interpreter binary (e.g. /bin/sh); {@link FileRef#NONE} otherwise
 * @param argv         full argument vector including argv0
 * @param argsTruncated whether the kernel side had to cut argv
 * @param envs         environment variable names, never values
 * @param envsTruncated whether the kernel side had to cut the environment
 * @param cwd          working directory at exec time
 * @param tty          controlling terminal name such as {@code pts/0}, or {@code ""}
 * @param stdinType    what fd 0 was at exec: {@code socket_inet}, {@code socket_inet6}, {@code socket_unix},
 *                     {@code pipe}, {@code tty}, {@code file}, {@code other}, or {@code ""} when unknown
 * @param stdoutType   the same for fd 1 (a shell with both on an inet socket is a reverse shell)
 * @param capEffective effective capability mask
 * @param capPermitted permitted capability mask
 * @param container    the container, or {@link ContainerInfo#NONE} on the host
 * @param execTime     Unix nanoseconds of the exec that started this program (or fork time if it never exec'd)
 * @param parent       the parent process, or {@code null} at the top of the known tree
 */
public record ProcessInfo(
        int pid,
        int ppid,
        int uid,
        int gid,
        int euid,
        int egid,
        String user,
        String group,
        String comm,
        FileRef file,
        FileRef interpreter,
        List<String> argv,
        boolean argsTruncated,
        List<String> envs,
        boolean envsTruncated,
        String cwd,
        String tty,
        String stdinType,
        String stdoutType,
        long capEffective,
        long capPermitted,
        ContainerInfo container,
        long execTime,
        ProcessInfo parent) {

    /** Stands in where an event has no process (events the agent itself produces). */
    public static final ProcessInfo NONE = new ProcessInfo(0, 0, -1, -1, -1, -1, "", "", "", FileRef.NONE,
            FileRef.NONE, List.of(), false, List.of(), false, "", "", "", "", 0, 0, ContainerInfo.NONE, 0, null);

    /** Deepest ancestry kept; deeper chains are cut (pid 1 is rarely more than 30 levels away). */
    public static final int MAX_ANCESTORS = 128;

    public ProcessInfo {
        user = user == null ? "" : user;
        group = group == null ? "" : group;
        comm = comm == null ? "" : comm;
        file = file == null ? FileRef.NONE : file;
        interpreter = interpreter == null ? FileRef.NONE : interpreter;
        argv = argv == null ? List.of() : List.copyOf(argv);
        envs = envs == null ? List.of() : List.copyOf(envs);
        cwd = cwd == null ? "" : cwd;
        tty = tty == null ? "" : tty;
        stdinType = stdinType == null ? "" : stdinType;
        stdoutType = stdoutType == null ? "" : stdoutType;
        container = container == null ? ContainerInfo.NONE : container;
    }

    /** A process whose stdin/stdout types are unknown (read from sources that do not tell them). */
    public ProcessInfo(int pid, int ppid, int uid, int gid, int euid, int egid, String user, String group, String comm,
                       FileRef file, FileRef interpreter, List<String> argv, boolean argsTruncated, List<String> envs,
                       boolean envsTruncated, String cwd, String tty, long capEffective, long capPermitted,
                       ContainerInfo container, long execTime, ProcessInfo parent) {
        this(pid, ppid, uid, gid, euid, egid, user, group, comm, file, interpreter, argv, argsTruncated, envs, envsTruncated,
                cwd, tty, "", "", capEffective, capPermitted, container, execTime, parent);
    }

    /** {@code argv[0]}, or {@code ""}. */
    public String argv0() { return argv.isEmpty() ? "" : argv.getFirst(); }

    /** The arguments after argv0 (SECL's {@code process.argv}). */
    public List<String> args() { return argv.size() <= 1 ? List.of() : argv.subList(1, argv.size()); }

    /** The arguments after argv0 joined by spaces (SECL's {@code process.args}). */
    public String argsLine() { return String.join(" ", args()); }

    /** Parent, grandparent, ... up to the top of the known tree, nearest first. */
    public List<ProcessInfo> ancestors() {
        List<ProcessInfo> out = new ArrayList<>();
        for (ProcessInfo p = parent; p != null && out.size() < MAX_ANCESTORS; p = p.parent) {
            out.add(p);
        }
        return out;
    }

    /** The same process with a new parent link (used when ancestry is rebuilt, e.g. from JSON). */
    public ProcessInfo withParent(ProcessInfo newParent) {
        return new ProcessInfo(pid, ppid, uid, gid, euid, egid, user, group, comm, file, interpreter, argv,
                argsTruncated, envs, envsTruncated, cwd, tty, stdinType, stdoutType, capEffective, capPermitted, container, execTime, newParent);
    }

    /** The same process after a credentials change. */
    public ProcessInfo withCredentials(int uid, int gid, int euid, int egid, String user, String group) {
        return new ProcessInfo(pid, ppid, uid, gid, euid, egid, user, group, comm, file, interpreter, argv,
                argsTruncated, envs, envsTruncated, cwd, tty, stdinType, stdoutType, capEffective, capPermitted, container, execTime, parent);
    }

    /** The same process after a capset. */
    public ProcessInfo withCapabilities(long effective, long permitted) {
        return new ProcessInfo(pid, ppid, uid, gid, euid, egid, user, group, comm, file, interpreter, argv,
                argsTruncated, envs, envsTruncated, cwd, tty, stdinType, stdoutType, effective, permitted, container, execTime, parent);
    }

    /** The same process in a (newly resolved) container. */
    public ProcessInfo withContainer(ContainerInfo c) {
        return new ProcessInfo(pid, ppid, uid, gid, euid, egid, user, group, comm, file, interpreter, argv,
                argsTruncated, envs, envsTruncated, cwd, tty, stdinType, stdoutType, capEffective, capPermitted, c, execTime, parent);
    }

    // Records would print and compare the whole ancestry; identity plus program is what matters.
    @Override
    public String toString() {
        return "ProcessInfo[pid=" + pid + ", ppid=" + ppid + ", file=" + file.path() + ", argv=" + argv + "]";
    }
}
