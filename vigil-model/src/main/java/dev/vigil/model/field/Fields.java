package dev.vigil.model.field;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.FileRef;
import dev.vigil.model.LinuxConstants.Family;
import dev.vigil.model.NetAddr;
import dev.vigil.model.Payload;
import dev.vigil.model.ProcessInfo;
import dev.vigil.model.field.Field.BoolField;
import dev.vigil.model.field.Field.LongField;
import dev.vigil.model.field.Field.LongsField;
import dev.vigil.model.field.Field.ProcessScope;
import dev.vigil.model.field.Field.StringField;
import dev.vigil.model.field.Field.StringsField;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static dev.vigil.model.EventType.*;

/**
 * The registry of every SECL field Vigil events carry, declared once each.
 *
 * <p>Process fields are declared once ({@link #PROCESS_FIELDS}) and expanded under every prefix a
 * process appears at: {@code process.}, {@code process.parent.}, {@code process.ancestors.} (arrays,
 * with iterator support), {@code exec.} (exec events), {@code ptrace.tracee.} and {@code signal.target.}.
 * File fields are declared once and expanded per file slot. The rule compiler, the JSON form's
 * tests and docs/events.md all derive from this class; {@code FieldDocsTest} keeps the doc in step.
 */
public final class Fields {

    private static final Set<EventType> ALL_TYPES = Set.of();
    private static final Map<String, Field> BY_NAME = new LinkedHashMap<>();

    /** One field of a process, before expansion under a prefix. */
    public record ProcessFieldDecl(String suffix, ValueType type, Object getter, String doc, Family constants) {}

    /** Process fields, in documentation order. */
    public static final List<ProcessFieldDecl> PROCESS_FIELDS = List.of(
            pl("pid", ValueType.INT, p -> p.pid(), "Process id (thread-group id)", null),
            pl("ppid", ValueType.INT, p -> p.ppid(), "Parent process id", null),
            pl("uid", ValueType.INT, p -> p.uid(), "Real user id", null),
            pl("gid", ValueType.INT, p -> p.gid(), "Real group id", null),
            pl("euid", ValueType.INT, p -> p.euid(), "Effective user id", null),
            pl("egid", ValueType.INT, p -> p.egid(), "Effective group id", null),
            ps("user", p -> p.user(), "Name of the real user, when resolvable"),
            ps("group", p -> p.group(), "Name of the real group, when resolvable"),
            ps("comm", p -> p.comm(), "Kernel task name (15 characters at most)"),
            ps("file.path", p -> p.file().path(), "Absolute path of the executable (the script, for scripts)"),
            ps("file.name", p -> p.file().name(), "Base name of the executable"),
            ps("interpreter.file.path", p -> p.interpreter().path(), "For scripts: the interpreter's path"),
            ps("interpreter.file.name", p -> p.interpreter().name(), "For scripts: the interpreter's base name"),
            new ProcessFieldDecl("argv", ValueType.STRING, (Getters.ProcStrings) ProcessInfo::args,
                    "Arguments, excluding argv0 (array)", null),
            ps("argv0", ProcessInfo::argv0, "First element of the argument vector"),
            ps("args", ProcessInfo::argsLine, "Arguments excluding argv0, joined by spaces"),
            pb("args_truncated", ProcessInfo::argsTruncated, "Whether the argument vector was cut"),
            new ProcessFieldDecl("envs", ValueType.STRING, (Getters.ProcStrings) ProcessInfo::envs,
                    "Environment variable names, never values (array)", null),
            pb("envs_truncated", ProcessInfo::envsTruncated, "Whether the environment was cut"),
            ps("cwd", p -> p.cwd(), "Working directory at exec time"),
            ps("tty_name", p -> p.tty(), "Controlling terminal, e.g. pts/0; empty when none"),
            ps("stdin.type", p -> p.stdinType(),
                    "What fd 0 was at exec: socket_inet, socket_inet6, socket_unix, pipe, tty, file, other; empty when unknown"),
            ps("stdout.type", p -> p.stdoutType(), "What fd 1 was at exec (values as stdin.type)"),
            pl("cap_effective", ValueType.INT, p -> p.capEffective(), "Effective capability mask", Family.CAPABILITIES),
            pl("cap_permitted", ValueType.INT, p -> p.capPermitted(), "Permitted capability mask", Family.CAPABILITIES),
            ps("container.id", p -> p.container().id(), "Id of the process's container; empty on the host"),
            pl("exec_time", ValueType.TIME, p -> p.execTime(), "When the current program was executed", null),
            pl("created_at", ValueType.TIME, p -> p.execTime(),
                    "When the current program was executed (SECL name; same as exec_time)", null));

    static {
        // Event-wide context.
        str("event.type", ALL_TYPES, e -> e.type().id(), "Event type, e.g. open");
        lng("event.timestamp", ValueType.TIME, ALL_TYPES, Event::timestamp, "Event time", null);
        str("host.name", ALL_TYPES, e -> e.host().name(), "Host name");
        str("host.kernel", ALL_TYPES, e -> e.host().kernel(), "Kernel release of the host");
        strs("host.tags", ALL_TYPES, e -> e.host().tags(), "Tags configured on the agent, e.g. env:prod");
        str("container.id", ALL_TYPES, e -> e.container().id(), "Container id; empty on the host");
        str("container.name", ALL_TYPES, e -> e.container().name(), "Container name in its runtime");
        str("container.image.name", ALL_TYPES, e -> e.container().imageName(), "Image repository, e.g. acme/web");
        str("container.image.tag", ALL_TYPES, e -> e.container().imageTag(), "Image tag, e.g. 1.0");
        str("container.runtime", ALL_TYPES, e -> e.container().runtime(), "podman, docker, containerd or cri-o");
        strs("container.tags", ALL_TYPES, e -> e.container().tags(),
                "Datadog-style container tags: image_name:, short_image:, image_tag:, container_name:");
        lng("container.created_at", ValueType.TIME, ALL_TYPES, e -> e.container().createdAt(),
                "Container creation time", null);
        lng("process.tid", ValueType.INT, ALL_TYPES, Event::tid, "Thread that caused the event", null);

        expandProcess("process.", ProcessScope.PROCESS, ALL_TYPES, Event::process);
        expandProcess("process.parent.", ProcessScope.PARENT, ALL_TYPES, e -> orNone(e.process().parent()));
        expandAncestors();
        expandProcess("exec.", ProcessScope.EXEC, Set.of(EXEC), Event::process);
        expandProcess("ptrace.tracee.", ProcessScope.PTRACE_TRACEE, Set.of(PTRACE),
                e -> ((Payload.Ptrace) e.payload()).tracee());
        expandProcess("signal.target.", ProcessScope.SIGNAL_TARGET, Set.of(SIGNAL),
                e -> ((Payload.Signal) e.payload()).target());

        str("exit.cause", Set.of(EXIT), e -> ((Payload.Exit) e.payload()).cause(), "EXITED, SIGNALED or COREDUMPED");
        lng("exit.code", ValueType.INT, Set.of(EXIT), e -> ((Payload.Exit) e.payload()).code(),
                "Exit status, or the signal number when signaled", null);

        file("open.file", OPEN, p -> ((Payload.Open) p).file(), "opened file");
        lng("open.flags", ValueType.INT, Set.of(OPEN), e -> ((Payload.Open) e.payload()).flags(), "O_* open flags", Family.OPEN_FLAGS);
        lng("open.file.destination.mode", ValueType.INT, Set.of(OPEN), e -> ((Payload.Open) e.payload()).mode(),
                "Mode requested for a created file", Family.FILE_MODE);
        retval(OPEN, p -> ((Payload.Open) p).retval());

        file("unlink.file", UNLINK, p -> ((Payload.Unlink) p).file(), "removed file");
        lng("unlink.flags", ValueType.INT, Set.of(UNLINK), e -> ((Payload.Unlink) e.payload()).flags(), "unlinkat flags", Family.UNLINK_FLAGS);
        retval(UNLINK, p -> ((Payload.Unlink) p).retval());

        file("rename.file", RENAME, p -> ((Payload.Rename) p).file(), "source file");
        file("rename.file.destination", RENAME, p -> ((Payload.Rename) p).destination(), "new name");
        lng("rename.flags", ValueType.INT, Set.of(RENAME), e -> ((Payload.Rename) e.payload()).flags(), "renameat2 flags", Family.RENAME_FLAGS);
        retval(RENAME, p -> ((Payload.Rename) p).retval());

        file("chmod.file", CHMOD, p -> ((Payload.Chmod) p).file(), "file whose mode changes");
        lng("chmod.file.destination.mode", ValueType.INT, Set.of(CHMOD), e -> ((Payload.Chmod) e.payload()).mode(),
                "New mode (S_ISUID is 04000)", Family.FILE_MODE);
        retval(CHMOD, p -> ((Payload.Chmod) p).retval());

        file("chown.file", CHOWN, p -> ((Payload.Chown) p).file(), "file whose owner changes");
        lng("chown.file.destination.uid", ValueType.INT, Set.of(CHOWN), e -> ((Payload.Chown) e.payload()).uid(), "New owner uid (-1: unchanged)", null);
        lng("chown.file.destination.gid", ValueType.INT, Set.of(CHOWN), e -> ((Payload.Chown) e.payload()).gid(), "New group gid (-1: unchanged)", null);
        retval(CHOWN, p -> ((Payload.Chown) p).retval());

        file("mkdir.file", MKDIR, p -> ((Payload.Mkdir) p).file(), "created directory");
        lng("mkdir.file.destination.mode", ValueType.INT, Set.of(MKDIR), e -> ((Payload.Mkdir) e.payload()).mode(), "Mode of the directory", Family.FILE_MODE);
        retval(MKDIR, p -> ((Payload.Mkdir) p).retval());

        file("rmdir.file", RMDIR, p -> ((Payload.Rmdir) p).file(), "removed directory");
        retval(RMDIR, p -> ((Payload.Rmdir) p).retval());

        file("link.file", LINK, p -> ((Payload.Link) p).file(), "existing file");
        file("link.file.destination", LINK, p -> ((Payload.Link) p).destination(), "new hard link");
        retval(LINK, p -> ((Payload.Link) p).retval());

        file("symlink.file", SYMLINK, p -> ((Payload.Symlink) p).file(), "symbolic link created");
        str("symlink.target", Set.of(SYMLINK), e -> ((Payload.Symlink) e.payload()).target(), "Text the link points to, as given");
        retval(SYMLINK, p -> ((Payload.Symlink) p).retval());

        file("utimes.file", UTIMES, p -> ((Payload.Utimes) p).file(), "file whose times change");
        lng("utimes.atime", ValueType.INT, Set.of(UTIMES), e -> ((Payload.Utimes) e.payload()).atime(), "New access time, Unix seconds (-1 now, -2 unchanged)", null);
        lng("utimes.mtime", ValueType.INT, Set.of(UTIMES), e -> ((Payload.Utimes) e.payload()).mtime(), "New modification time, Unix seconds (-1 now, -2 unchanged)", null);
        retval(UTIMES, p -> ((Payload.Utimes) p).retval());

        lng("setuid.uid", ValueType.INT, Set.of(SETUID), e -> ((Payload.SetUid) e.payload()).uid(), "Real uid after the call", null);
        lng("setuid.euid", ValueType.INT, Set.of(SETUID), e -> ((Payload.SetUid) e.payload()).euid(), "Effective uid after the call", null);
        lng("setuid.fsuid", ValueType.INT, Set.of(SETUID), e -> ((Payload.SetUid) e.payload()).fsuid(), "Filesystem uid after the call", null);
        retval(SETUID, p -> ((Payload.SetUid) p).retval());
        lng("setgid.gid", ValueType.INT, Set.of(SETGID), e -> ((Payload.SetGid) e.payload()).gid(), "Real gid after the call", null);
        lng("setgid.egid", ValueType.INT, Set.of(SETGID), e -> ((Payload.SetGid) e.payload()).egid(), "Effective gid after the call", null);
        lng("setgid.fsgid", ValueType.INT, Set.of(SETGID), e -> ((Payload.SetGid) e.payload()).fsgid(), "Filesystem gid after the call", null);
        retval(SETGID, p -> ((Payload.SetGid) p).retval());
        lng("capset.cap_effective", ValueType.INT, Set.of(CAPSET), e -> ((Payload.Capset) e.payload()).capEffective(), "Effective capabilities after the call", Family.CAPABILITIES);
        lng("capset.cap_permitted", ValueType.INT, Set.of(CAPSET), e -> ((Payload.Capset) e.payload()).capPermitted(), "Permitted capabilities after the call", Family.CAPABILITIES);
        retval(CAPSET, p -> ((Payload.Capset) p).retval());

        lng("bpf.cmd", ValueType.INT, Set.of(BPF), e -> ((Payload.Bpf) e.payload()).cmd(), "bpf(2) command", Family.BPF_CMD);
        lng("bpf.prog.type", ValueType.INT, Set.of(BPF), e -> ((Payload.Bpf) e.payload()).progType(), "Program type (BPF_PROG_LOAD)", Family.BPF_PROG_TYPE);
        str("bpf.prog.name", Set.of(BPF), e -> ((Payload.Bpf) e.payload()).progName(), "Program name (BPF_PROG_LOAD)");
        lng("bpf.map.type", ValueType.INT, Set.of(BPF), e -> ((Payload.Bpf) e.payload()).mapType(), "Map type (BPF_MAP_CREATE)", Family.BPF_MAP_TYPE);
        str("bpf.map.name", Set.of(BPF), e -> ((Payload.Bpf) e.payload()).mapName(), "Map name (BPF_MAP_CREATE)");
        retval(BPF, p -> ((Payload.Bpf) p).retval());

        str("load_module.name", Set.of(LOAD_MODULE), e -> ((Payload.LoadModule) e.payload()).name(), "Module name, when known");
        file("load_module.file", LOAD_MODULE, p -> ((Payload.LoadModule) p).file(), "module file (finit_module)");
        bool("load_module.loaded_from_memory", Set.of(LOAD_MODULE), e -> ((Payload.LoadModule) e.payload()).fromMemory(), "init_module from a memory image");
        str("load_module.args", Set.of(LOAD_MODULE), e -> ((Payload.LoadModule) e.payload()).args(), "Module parameters");
        retval(LOAD_MODULE, p -> ((Payload.LoadModule) p).retval());

        lng("ptrace.request", ValueType.INT, Set.of(PTRACE), e -> ((Payload.Ptrace) e.payload()).request(), "ptrace request", Family.PTRACE_REQUEST);
        retval(PTRACE, p -> ((Payload.Ptrace) p).retval());

        str("mount.source.path", Set.of(MOUNT), e -> ((Payload.Mount) e.payload()).source(), "Mounted device or source path");
        str("mount.mountpoint.path", Set.of(MOUNT), e -> ((Payload.Mount) e.payload()).mountpoint(), "Mount point");
        str("mount.fs_type", Set.of(MOUNT), e -> ((Payload.Mount) e.payload()).fsType(), "Filesystem type");
        lng("mount.flags", ValueType.INT, Set.of(MOUNT), e -> ((Payload.Mount) e.payload()).flags(), "MS_* flags", Family.MOUNT_FLAGS);
        retval(MOUNT, p -> ((Payload.Mount) p).retval());

        lng("signal.type", ValueType.INT, Set.of(SIGNAL), e -> ((Payload.Signal) e.payload()).signal(), "Signal number", Family.SIGNAL);
        lng("signal.pid", ValueType.INT, Set.of(SIGNAL), e -> ((Payload.Signal) e.payload()).targetPid(), "Target pid as given to the syscall", null);
        retval(SIGNAL, p -> ((Payload.Signal) p).retval());

        str("selinux.enforce.status", Set.of(SELINUX), e -> selinux(e, "enforce"), "enforcing or permissive, when enforcement changes");
        str("selinux.bool.name", Set.of(SELINUX), e -> ((Payload.Selinux) e.payload()).boolName(), "Boolean being changed");
        str("selinux.bool.state", Set.of(SELINUX), e -> selinux(e, "bool"), "on or off, when a boolean changes");
        bool("selinux.bool_commit.state", Set.of(SELINUX), e -> "bool_commit".equals(((Payload.Selinux) e.payload()).kind()), "Pending booleans are committed");
        retval(SELINUX, p -> ((Payload.Selinux) p).retval());

        addr("connect.addr", CONNECT, p -> ((Payload.Connect) p).addr(), "address connected to");
        lng("connect.protocol", ValueType.INT, Set.of(CONNECT), e -> ((Payload.Connect) e.payload()).protocol(), "IPPROTO_TCP or IPPROTO_UDP when known", Family.IP_PROTOCOL);
        retval(CONNECT, p -> ((Payload.Connect) p).retval());
        addr("bind.addr", BIND, p -> ((Payload.Bind) p).addr(), "local address bound");
        lng("bind.protocol", ValueType.INT, Set.of(BIND), e -> ((Payload.Bind) e.payload()).protocol(), "IPPROTO_TCP or IPPROTO_UDP when known", Family.IP_PROTOCOL);
        retval(BIND, p -> ((Payload.Bind) p).retval());
        addr("accept.addr", ACCEPT, p -> ((Payload.Accept) p).addr(), "peer address");
        lng("accept.local.port", ValueType.INT, Set.of(ACCEPT), e -> ((Payload.Accept) e.payload()).localPort(), "Local port that accepted", null);
        retval(ACCEPT, p -> ((Payload.Accept) p).retval());

        lng("dns.id", ValueType.INT, Set.of(DNS), e -> ((Payload.Dns) e.payload()).id(), "DNS message id", null);
        str("dns.question.name", Set.of(DNS), e -> ((Payload.Dns) e.payload()).questionName(), "Queried name, lower-case, without trailing dot");
        lng("dns.question.type", ValueType.INT, Set.of(DNS), e -> ((Payload.Dns) e.payload()).questionType(), "Record type (A is 1, AAAA 28)", Family.DNS_QTYPE);
        lng("dns.question.class", ValueType.INT, Set.of(DNS), e -> ((Payload.Dns) e.payload()).questionClass(), "Query class (IN is 1)", null);
        lng("dns.question.count", ValueType.INT, Set.of(DNS), e -> ((Payload.Dns) e.payload()).questionCount(), "Number of questions", null);
        lng("dns.question.length", ValueType.INT, Set.of(DNS), e -> ((Payload.Dns) e.payload()).questionName().length(), "Length of the queried name", null);
        str("network.destination.ip", ValueType.IP, Set.of(DNS), e -> ((Payload.Dns) e.payload()).server().ip(), "DNS server the query went to");
        lng("network.destination.port", ValueType.INT, Set.of(DNS), e -> ((Payload.Dns) e.payload()).server().port(), "DNS server port", null);

        lng("lost_events.count", ValueType.INT, Set.of(LOST_EVENTS), e -> ((Payload.LostEvents) e.payload()).count(), "Events lost since the previous report", null);
        lng("lost_events.total", ValueType.INT, Set.of(LOST_EVENTS), e -> ((Payload.LostEvents) e.payload()).total(), "Events lost since the agent started", null);
    }

    private Fields() {}

    /** The field called {@code name}, or {@code null}. */
    public static Field get(String name) { return BY_NAME.get(name); }

    /** Every field, in declaration order. */
    public static Collection<Field> all() { return Collections.unmodifiableCollection(BY_NAME.values()); }

    /** Up to {@code max} known field names closest to {@code name}, for "did you mean" hints. */
    public static List<String> closest(String name, int max) {
        List<String> names = new ArrayList<>(BY_NAME.keySet());
        names.sort(Comparator.comparingInt(n -> distance(n, name)));
        return names.subList(0, Math.min(max, names.size()));
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }

    private static ProcessInfo orNone(ProcessInfo p) { return p == null ? ProcessInfo.NONE : p; }

    private static String selinux(Event e, String kind) {
        Payload.Selinux s = (Payload.Selinux) e.payload();
        return kind.equals(s.kind()) ? s.value() : "";
    }

    // ---- declaration helpers -------------------------------------------------------------------

    private static ProcessFieldDecl pl(String suffix, ValueType type, Getters.ProcLong g, String doc, Family constants) {
        return new ProcessFieldDecl(suffix, type, g, doc, constants);
    }

    private static ProcessFieldDecl ps(String suffix, Getters.ProcString g, String doc) {
        return new ProcessFieldDecl(suffix, ValueType.STRING, g, doc, null);
    }

    private static ProcessFieldDecl pb(String suffix, Getters.ProcBool g, String doc) {
        return new ProcessFieldDecl(suffix, ValueType.BOOL, g, doc, null);
    }

    private static void expandProcess(String prefix, ProcessScope scope, Set<EventType> types, Function<Event, ProcessInfo> of) {
        String who = switch (scope) {
            case PARENT -> "parent: ";
            case EXEC -> "executed process: ";
            case PTRACE_TRACEE -> "traced process: ";
            case SIGNAL_TARGET -> "signaled process: ";
            default -> "";
        };
        for (ProcessFieldDecl d : PROCESS_FIELDS) {
            String name = prefix + d.suffix();
            String doc = who + d.doc();
            switch (d.getter()) {
                case Getters.ProcString g -> put(new StringField(name, d.type(), types, Field.COST_STRING, doc, d.constants(), scope,
                        e -> g.get(of.apply(e)), g));
                case Getters.ProcLong g -> put(new LongField(name, d.type(), types, Field.COST_SCALAR, doc, d.constants(), scope,
                        e -> g.get(of.apply(e)), g));
                case Getters.ProcBool g -> put(new BoolField(name, d.type(), types, Field.COST_SCALAR, doc, d.constants(), scope,
                        e -> g.get(of.apply(e)), g));
                case Getters.ProcStrings g -> put(new StringsField(name, d.type(), types, Field.COST_ARRAY, doc, d.constants(), scope,
                        e -> g.get(of.apply(e)), null, g));
                default -> throw new IllegalStateException("unsupported process getter for " + name);
            }
        }
    }

    private static void expandAncestors() {
        for (ProcessFieldDecl d : PROCESS_FIELDS) {
            String name = "process.ancestors." + d.suffix();
            String doc = "any ancestor: " + d.doc();
            switch (d.getter()) {
                case Getters.ProcString g -> put(new StringsField(name, d.type(), ALL_TYPES, Field.COST_ANCESTORS, doc, d.constants(),
                        ProcessScope.ANCESTORS, e -> {
                            List<String> out = new ArrayList<>();
                            for (ProcessInfo p = e.process().parent(); p != null && out.size() < ProcessInfo.MAX_ANCESTORS; p = p.parent()) {
                                out.add(g.get(p));
                            }
                            return out;
                        }, g, null));
                case Getters.ProcLong g -> put(new LongsField(name, d.type(), ALL_TYPES, Field.COST_ANCESTORS, doc, d.constants(),
                        ProcessScope.ANCESTORS, e -> {
                            List<ProcessInfo> chain = e.process().ancestors();
                            long[] out = new long[chain.size()];
                            for (int i = 0; i < out.length; i++) out[i] = g.get(chain.get(i));
                            return out;
                        }, g));
                case Getters.ProcBool g -> put(new LongsField(name, ValueType.BOOL, ALL_TYPES, Field.COST_ANCESTORS, doc, d.constants(),
                        ProcessScope.ANCESTORS, e -> {
                            List<ProcessInfo> chain = e.process().ancestors();
                            long[] out = new long[chain.size()];
                            for (int i = 0; i < out.length; i++) out[i] = g.get(chain.get(i)) ? 1 : 0;
                            return out;
                        }, p -> g.get(p) ? 1 : 0));
                case Getters.ProcStrings g -> put(new StringsField(name, d.type(), ALL_TYPES, Field.COST_ANCESTORS, doc, d.constants(),
                        ProcessScope.ANCESTORS, e -> {
                            List<String> out = new ArrayList<>();
                            for (ProcessInfo p : e.process().ancestors()) out.addAll(g.get(p));
                            return out;
                        }, null, g));
                default -> throw new IllegalStateException("unsupported process getter for " + name);
            }
        }
    }

    private static void file(String prefix, EventType type, Function<Payload, FileRef> of, String what) {
        Set<EventType> types = Set.of(type);
        str(prefix + ".path", types, e -> of.apply(e.payload()).path(), "Absolute path of the " + what);
        str(prefix + ".name", types, e -> of.apply(e.payload()).name(), "Base name of the " + what);
        str(prefix + ".extension", types, e -> of.apply(e.payload()).extension(), "Extension of the base name of the " + what);
    }

    private static void addr(String prefix, EventType type, Function<Payload, NetAddr> of, String what) {
        Set<EventType> types = Set.of(type);
        str(prefix + ".ip", ValueType.IP, types, e -> of.apply(e.payload()).ip(), "IP of the " + what);
        lng(prefix + ".port", ValueType.INT, types, e -> of.apply(e.payload()).port(), "Port of the " + what, null);
        lng(prefix + ".family", ValueType.INT, types, e -> of.apply(e.payload()).family(), "Address family of the " + what, Family.ADDRESS_FAMILY);
        str(prefix + ".path", types, e -> of.apply(e.payload()).path(), "Unix socket path of the " + what);
    }

    private static void retval(EventType type, java.util.function.ToIntFunction<Payload> of) {
        lng(type.id() + ".retval", ValueType.INT, Set.of(type), e -> of.applyAsInt(e.payload()),
                "Syscall result: >= 0 on success, -errno on failure", null);
    }

    private static void str(String name, Set<EventType> types, Getters.OfString g, String doc) {
        str(name, ValueType.STRING, types, g, doc);
    }

    private static void str(String name, ValueType type, Set<EventType> types, Getters.OfString g, String doc) {
        put(new StringField(name, type, types, Field.COST_STRING, doc, null, ProcessScope.NONE, g, null));
    }

    private static void strs(String name, Set<EventType> types, Getters.OfStrings g, String doc) {
        put(new StringsField(name, ValueType.STRING, types, Field.COST_ARRAY, doc, null, ProcessScope.NONE, g, null, null));
    }

    private static void lng(String name, ValueType type, Set<EventType> types, Getters.OfLong g, String doc, Family constants) {
        put(new LongField(name, type, types, Field.COST_SCALAR, doc, constants, ProcessScope.NONE, g, null));
    }

    private static void bool(String name, Set<EventType> types, Getters.OfBool g, String doc) {
        put(new BoolField(name, ValueType.BOOL, types, Field.COST_SCALAR, doc, null, ProcessScope.NONE, g, null));
    }

    private static void put(Field f) {
        if (BY_NAME.putIfAbsent(f.name(), f) != null) {
            throw new IllegalStateException("field declared twice: " + f.name());
        }
    }

    /** Event types whose events carry at least one field of {@code types}; helper for docs. */
    static Set<EventType> typesOf(Field f) {
        return f.eventTypes().isEmpty() ? EnumSet.allOf(EventType.class) : EnumSet.copyOf(f.eventTypes());
    }
}
