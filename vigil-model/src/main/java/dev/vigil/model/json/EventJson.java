package dev.vigil.model.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.vigil.model.ContainerInfo;
import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.FileRef;
import dev.vigil.model.HostInfo;
import dev.vigil.model.NetAddr;
import dev.vigil.model.Payload;
import dev.vigil.model.ProcessInfo;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stable JSON form of an {@link Event}, one object per line in NDJSON files. Keys nest along the
 * SECL field names: {@code open.file.path} is {@code {"open":{"file":{"path":...}}}}, and
 * {@code process.ancestors} is an array of process objects, nearest first. Empty strings, empty arrays
 * and false booleans are omitted; numbers are always written. docs/events.md documents the form.
 *
 * <p>Instances are thread-safe (the Jackson factory is).
 */
public final class EventJson {

    /** Format version written in every record as {@code "v"}; readers accept this version and older. */
    public static final int FORMAT_VERSION = 1;

    private final JsonFactory factory;

    public EventJson() {
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(1 << 20).maxNestingDepth(64).build())
                .build();
    }

    public JsonFactory factory() { return factory; }

    // ---------------------------------------------------------------------------------- writing

    public String toJson(Event e) {
        StringWriter w = new StringWriter(512);
        try (JsonGenerator g = factory.createGenerator(w)) {
            write(e, g);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return w.toString();
    }

    public void write(Event e, JsonGenerator g) throws IOException {
        g.writeStartObject();
        writeFields(e, g);
        g.writeEndObject();
    }

    /**
     * Writes the event's keys into an object the caller has opened, so that other documents can
     * embed an event at their top level (an alert is an event plus an {@code alert} key).
     */
    public void writeFields(Event e, JsonGenerator g) throws IOException {
        g.writeNumberField("v", FORMAT_VERSION);
        g.writeObjectFieldStart("event");
        g.writeStringField("type", e.type().id());
        g.writeNumberField("timestamp", e.timestamp());
        g.writeStringField("time", Instant.ofEpochSecond(0, e.timestamp()).toString());
        g.writeEndObject();
        writeHost(e.host(), g);
        if (!e.container().isNone()) {
            writeContainer(e.container(), g);
        }
        if (e.process() != ProcessInfo.NONE) {
            g.writeFieldName("process");
            writeProcess(e.process(), e.tid(), true, g);
        }
        writePayload(e.payload(), g);
    }

    private static void writeHost(HostInfo h, JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("host");
        str(g, "name", h.name());
        str(g, "kernel", h.kernel());
        strs(g, "tags", h.tags());
        g.writeEndObject();
    }

    private static void writeContainer(ContainerInfo c, JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("container");
        str(g, "id", c.id());
        str(g, "name", c.name());
        if (!c.imageName().isEmpty() || !c.imageTag().isEmpty()) {
            g.writeObjectFieldStart("image");
            str(g, "name", c.imageName());
            str(g, "tag", c.imageTag());
            g.writeEndObject();
        }
        str(g, "runtime", c.runtime());
        if (c.createdAt() != 0) {
            g.writeNumberField("created_at", c.createdAt());
        }
        g.writeEndObject();
    }

    private static void writeProcess(ProcessInfo p, int tid, boolean withAncestors, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("pid", p.pid());
        if (tid != 0) {
            g.writeNumberField("tid", tid);
        }
        g.writeNumberField("ppid", p.ppid());
        g.writeNumberField("uid", p.uid());
        g.writeNumberField("gid", p.gid());
        g.writeNumberField("euid", p.euid());
        g.writeNumberField("egid", p.egid());
        str(g, "user", p.user());
        str(g, "group", p.group());
        str(g, "comm", p.comm());
        file(g, "file", p.file());
        if (!p.interpreter().isNone()) {
            g.writeObjectFieldStart("interpreter");
            file(g, "file", p.interpreter());
            g.writeEndObject();
        }
        str(g, "argv0", p.argv0());
        strs(g, "argv", p.args());
        bool(g, "args_truncated", p.argsTruncated());
        strs(g, "envs", p.envs());
        bool(g, "envs_truncated", p.envsTruncated());
        str(g, "cwd", p.cwd());
        str(g, "tty_name", p.tty());
        if (!p.stdinType().isEmpty()) {
            g.writeObjectFieldStart("stdin");
            g.writeStringField("type", p.stdinType());
            g.writeEndObject();
        }
        if (!p.stdoutType().isEmpty()) {
            g.writeObjectFieldStart("stdout");
            g.writeStringField("type", p.stdoutType());
            g.writeEndObject();
        }
        g.writeNumberField("cap_effective", p.capEffective());
        g.writeNumberField("cap_permitted", p.capPermitted());
        if (!p.container().isNone()) {
            g.writeObjectFieldStart("container");
            g.writeStringField("id", p.container().id());
            g.writeEndObject();
        }
        if (p.execTime() != 0) {
            g.writeNumberField("exec_time", p.execTime());
        }
        if (withAncestors && p.parent() != null) {
            g.writeArrayFieldStart("ancestors");
            int n = 0;
            for (ProcessInfo a = p.parent(); a != null && n < ProcessInfo.MAX_ANCESTORS; a = a.parent(), n++) {
                writeProcess(a, 0, false, g);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writePayload(Payload payload, JsonGenerator g) throws IOException {
        String key = payload.type().id();
        switch (payload) {
            case Payload.Exec x -> { }
            case Payload.Fork x -> { }
            case Payload.Exit x -> {
                g.writeObjectFieldStart(key);
                str(g, "cause", x.cause());
                g.writeNumberField("code", x.code());
                g.writeEndObject();
            }
            case Payload.Open x -> {
                g.writeObjectFieldStart(key);
                fileWithMode(g, x.file(), x.mode());
                g.writeNumberField("flags", x.flags());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Unlink x -> {
                g.writeObjectFieldStart(key);
                file(g, "file", x.file());
                g.writeNumberField("flags", x.flags());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Rename x -> {
                g.writeObjectFieldStart(key);
                fileWithDestination(g, x.file(), x.destination());
                g.writeNumberField("flags", x.flags());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Chmod x -> {
                g.writeObjectFieldStart(key);
                fileWithMode(g, x.file(), x.mode());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Chown x -> {
                g.writeObjectFieldStart(key);
                g.writeObjectFieldStart("file");
                str(g, "path", x.file().path());
                str(g, "name", x.file().name());
                g.writeObjectFieldStart("destination");
                g.writeNumberField("uid", x.uid());
                g.writeNumberField("gid", x.gid());
                g.writeEndObject();
                g.writeEndObject();
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Mkdir x -> {
                g.writeObjectFieldStart(key);
                fileWithMode(g, x.file(), x.mode());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Rmdir x -> {
                g.writeObjectFieldStart(key);
                file(g, "file", x.file());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Link x -> {
                g.writeObjectFieldStart(key);
                fileWithDestination(g, x.file(), x.destination());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Symlink x -> {
                g.writeObjectFieldStart(key);
                file(g, "file", x.file());
                str(g, "target", x.target());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Utimes x -> {
                g.writeObjectFieldStart(key);
                file(g, "file", x.file());
                g.writeNumberField("atime", x.atime());
                g.writeNumberField("mtime", x.mtime());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.SetUid x -> {
                g.writeObjectFieldStart(key);
                g.writeNumberField("uid", x.uid());
                g.writeNumberField("euid", x.euid());
                g.writeNumberField("fsuid", x.fsuid());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.SetGid x -> {
                g.writeObjectFieldStart(key);
                g.writeNumberField("gid", x.gid());
                g.writeNumberField("egid", x.egid());
                g.writeNumberField("fsgid", x.fsgid());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Capset x -> {
                g.writeObjectFieldStart(key);
                g.writeNumberField("cap_effective", x.capEffective());
                g.writeNumberField("cap_permitted", x.capPermitted());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Bpf x -> {
                g.writeObjectFieldStart(key);
                g.writeNumberField("cmd", x.cmd());
                g.writeObjectFieldStart("prog");
                g.writeNumberField("type", x.progType());
                str(g, "name", x.progName());
                g.writeEndObject();
                g.writeObjectFieldStart("map");
                g.writeNumberField("type", x.mapType());
                str(g, "name", x.mapName());
                g.writeEndObject();
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.LoadModule x -> {
                g.writeObjectFieldStart(key);
                str(g, "name", x.name());
                if (!x.file().isNone()) {
                    file(g, "file", x.file());
                }
                bool(g, "loaded_from_memory", x.fromMemory());
                str(g, "args", x.args());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Ptrace x -> {
                g.writeObjectFieldStart(key);
                g.writeNumberField("request", x.request());
                g.writeNumberField("pid", x.targetPid());
                g.writeFieldName("tracee");
                writeProcess(x.tracee(), 0, false, g);
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Mount x -> {
                g.writeObjectFieldStart(key);
                g.writeObjectFieldStart("source");
                str(g, "path", x.source());
                g.writeEndObject();
                g.writeObjectFieldStart("mountpoint");
                str(g, "path", x.mountpoint());
                g.writeEndObject();
                str(g, "fs_type", x.fsType());
                g.writeNumberField("flags", x.flags());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Signal x -> {
                g.writeObjectFieldStart(key);
                g.writeNumberField("type", x.signal());
                g.writeNumberField("pid", x.targetPid());
                g.writeFieldName("target");
                writeProcess(x.target(), 0, false, g);
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Selinux x -> {
                g.writeObjectFieldStart(key);
                str(g, "kind", x.kind());
                str(g, "bool_name", x.boolName());
                str(g, "value", x.value());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Connect x -> {
                g.writeObjectFieldStart(key);
                addr(g, "addr", x.addr());
                g.writeNumberField("protocol", x.protocol());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Bind x -> {
                g.writeObjectFieldStart(key);
                addr(g, "addr", x.addr());
                g.writeNumberField("protocol", x.protocol());
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Accept x -> {
                g.writeObjectFieldStart(key);
                addr(g, "addr", x.addr());
                g.writeObjectFieldStart("local");
                g.writeNumberField("port", x.localPort());
                g.writeEndObject();
                g.writeNumberField("retval", x.retval());
                g.writeEndObject();
            }
            case Payload.Dns x -> {
                g.writeObjectFieldStart(key);
                g.writeNumberField("id", x.id());
                g.writeObjectFieldStart("question");
                str(g, "name", x.questionName());
                g.writeNumberField("type", x.questionType());
                g.writeNumberField("class", x.questionClass());
                g.writeNumberField("count", x.questionCount());
                g.writeEndObject();
                g.writeEndObject();
                g.writeObjectFieldStart("network");
                addr(g, "destination", x.server());
                g.writeEndObject();
            }
            case Payload.LostEvents x -> {
                g.writeObjectFieldStart(key);
                g.writeNumberField("count", x.count());
                g.writeNumberField("total", x.total());
                g.writeEndObject();
            }
        }
    }

    private static void fileWithMode(JsonGenerator g, FileRef f, int mode) throws IOException {
        g.writeObjectFieldStart("file");
        str(g, "path", f.path());
        str(g, "name", f.name());
        g.writeObjectFieldStart("destination");
        g.writeNumberField("mode", mode);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void fileWithDestination(JsonGenerator g, FileRef f, FileRef dest) throws IOException {
        g.writeObjectFieldStart("file");
        str(g, "path", f.path());
        str(g, "name", f.name());
        g.writeObjectFieldStart("destination");
        str(g, "path", dest.path());
        str(g, "name", dest.name());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void file(JsonGenerator g, String key, FileRef f) throws IOException {
        g.writeObjectFieldStart(key);
        str(g, "path", f.path());
        str(g, "name", f.name());
        g.writeEndObject();
    }

    private static void addr(JsonGenerator g, String key, NetAddr a) throws IOException {
        g.writeObjectFieldStart(key);
        g.writeNumberField("family", a.family());
        str(g, "ip", a.ip());
        g.writeNumberField("port", a.port());
        str(g, "path", a.path());
        g.writeEndObject();
    }

    private static void str(JsonGenerator g, String key, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            g.writeStringField(key, value);
        }
    }

    private static void strs(JsonGenerator g, String key, List<String> values) throws IOException {
        if (!values.isEmpty()) {
            g.writeArrayFieldStart(key);
            for (String v : values) {
                g.writeString(v);
            }
            g.writeEndArray();
        }
    }

    private static void bool(JsonGenerator g, String key, boolean value) throws IOException {
        if (value) {
            g.writeBooleanField(key, true);
        }
    }

    // ---------------------------------------------------------------------------------- reading

    /**
     * Parses one event. Unknown keys are ignored (newer writers may add fields); a missing or unknown
     * {@code event.type} is an error.
     *
     * @throws MalformedEventException naming what is wrong
     */
    public Event parse(String json) {
        try (JsonParser p = factory.createParser(json)) {
            Event e = read(p);
            // A second object on the same line (a lost newline) would otherwise be dropped silently.
            if (p.nextToken() != null) {
                throw new MalformedEventException("unexpected '" + p.getText() + "' after the event object at column "
                        + p.currentTokenLocation().getColumnNr());
            }
            return e;
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new MalformedEventException("invalid JSON: " + ex.getOriginalMessage()
                    + (ex.getLocation() != null ? " at column " + ex.getLocation().getColumnNr() : ""), ex);
        } catch (IOException ex) {
            throw new MalformedEventException("invalid JSON: " + ex.getMessage(), ex);
        }
    }

    /** Reads the next event object from {@code p}, which must be positioned before or at its START_OBJECT. */
    public Event read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken() == JsonToken.START_OBJECT ? p.currentToken() : p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw new MalformedEventException("expected a JSON object, found " + t);
        }
        Map<String, Object> root = readObject(p);
        return fromTree(root);
    }

    /** Builds an event from an already-parsed JSON object (as produced by {@link #readObject}). */
    public static Event fromTree(Map<String, Object> root) {
        Map<String, Object> evt = obj(root, "event");
        String typeId = s(evt, "type");
        EventType type = EventType.byId(typeId);
        if (type == null) {
            throw new MalformedEventException(typeId.isEmpty() ? "missing event.type" : "unknown event.type '" + typeId + "'");
        }
        long timestamp = l(evt, "timestamp", 0);
        Map<String, Object> h = obj(root, "host");
        HostInfo host = new HostInfo(s(h, "name"), s(h, "kernel"), ss(h, "tags"));
        ContainerInfo container = container(obj(root, "container"));
        Map<String, Object> proc = obj(root, "process");
        ProcessInfo process = proc.isEmpty() ? ProcessInfo.NONE : process(proc, container, true);
        int tid = i(proc, "tid", 0);
        Map<String, Object> x = obj(root, type.id());
        Payload payload = switch (type) {
            case EXEC -> Payload.Exec.INSTANCE;
            case FORK -> Payload.Fork.INSTANCE;
            case EXIT -> new Payload.Exit(s(x, "cause"), i(x, "code"));
            case OPEN -> new Payload.Open(file(x, "file"), i(x, "flags"), i(obj(obj(x, "file"), "destination"), "mode"), i(x, "retval"));
            case UNLINK -> new Payload.Unlink(file(x, "file"), i(x, "flags"), i(x, "retval"));
            case RENAME -> new Payload.Rename(file(x, "file"), file(obj(x, "file"), "destination"), i(x, "flags"), i(x, "retval"));
            case CHMOD -> new Payload.Chmod(file(x, "file"), i(obj(obj(x, "file"), "destination"), "mode"), i(x, "retval"));
            case CHOWN -> {
                Map<String, Object> d = obj(obj(x, "file"), "destination");
                yield new Payload.Chown(file(x, "file"), i(d, "uid", -1), i(d, "gid", -1), i(x, "retval"));
            }
            case MKDIR -> new Payload.Mkdir(file(x, "file"), i(obj(obj(x, "file"), "destination"), "mode"), i(x, "retval"));
            case RMDIR -> new Payload.Rmdir(file(x, "file"), i(x, "retval"));
            case LINK -> new Payload.Link(file(x, "file"), file(obj(x, "file"), "destination"), i(x, "retval"));
            case SYMLINK -> new Payload.Symlink(file(x, "file"), s(x, "target"), i(x, "retval"));
            case UTIMES -> new Payload.Utimes(file(x, "file"), l(x, "atime", -1), l(x, "mtime", -1), i(x, "retval"));
            case SETUID -> new Payload.SetUid(i(x, "uid"), i(x, "euid"), i(x, "fsuid"), i(x, "retval"));
            case SETGID -> new Payload.SetGid(i(x, "gid"), i(x, "egid"), i(x, "fsgid"), i(x, "retval"));
            case CAPSET -> new Payload.Capset(l(x, "cap_effective", 0), l(x, "cap_permitted", 0), i(x, "retval"));
            case BPF -> new Payload.Bpf(i(x, "cmd"), i(obj(x, "prog"), "type", -1), s(obj(x, "prog"), "name"),
                    i(obj(x, "map"), "type", -1), s(obj(x, "map"), "name"), i(x, "retval"));
            case LOAD_MODULE -> new Payload.LoadModule(s(x, "name"), file(x, "file"), b(x, "loaded_from_memory"), s(x, "args"), i(x, "retval"));
            case PTRACE -> new Payload.Ptrace(i(x, "request"), i(x, "pid"), processOrNone(obj(x, "tracee")), i(x, "retval"));
            case MOUNT -> new Payload.Mount(s(obj(x, "source"), "path"), s(obj(x, "mountpoint"), "path"), s(x, "fs_type"),
                    l(x, "flags", 0), i(x, "retval"));
            case SIGNAL -> new Payload.Signal(i(x, "type"), i(x, "pid"), processOrNone(obj(x, "target")), i(x, "retval"));
            case SELINUX -> new Payload.Selinux(s(x, "kind"), s(x, "bool_name"), s(x, "value"), i(x, "retval"));
            case CONNECT -> new Payload.Connect(addr(obj(x, "addr")), i(x, "protocol"), i(x, "retval"));
            case BIND -> new Payload.Bind(addr(obj(x, "addr")), i(x, "protocol"), i(x, "retval"));
            case ACCEPT -> new Payload.Accept(addr(obj(x, "addr")), i(obj(x, "local"), "port"), i(x, "retval"));
            case DNS -> {
                Map<String, Object> q = obj(x, "question");
                yield new Payload.Dns(i(x, "id"), s(q, "name"), i(q, "type"), i(q, "class", 1), i(q, "count", 1),
                        addr(obj(obj(root, "network"), "destination")));
            }
            case LOST_EVENTS -> new Payload.LostEvents(l(x, "count", 0), l(x, "total", 0));
        };
        return new Event(timestamp, tid, host, process, payload);
    }

    private static ContainerInfo container(Map<String, Object> c) {
        if (c.isEmpty() || s(c, "id").isEmpty()) {
            return ContainerInfo.NONE;
        }
        Map<String, Object> image = obj(c, "image");
        return new ContainerInfo(s(c, "id"), s(c, "name"), s(image, "name"), s(image, "tag"), s(c, "runtime"), l(c, "created_at", 0));
    }

    private static ProcessInfo processOrNone(Map<String, Object> m) {
        return m.isEmpty() ? ProcessInfo.NONE : process(m, null, false);
    }

    @SuppressWarnings("unchecked")
    private static ProcessInfo process(Map<String, Object> m, ContainerInfo eventContainer, boolean withAncestors) {
        ProcessInfo parent = null;
        if (withAncestors && m.get("ancestors") instanceof List<?> list) {
            // ancestors are nearest first; build from the top down so each links to its own parent
            for (int i = list.size() - 1; i >= 0; i--) {
                if (list.get(i) instanceof Map<?, ?> a) {
                    parent = single((Map<String, Object>) a, null, parent);
                }
            }
        }
        return single(m, eventContainer, parent);
    }

    private static ProcessInfo single(Map<String, Object> m, ContainerInfo eventContainer, ProcessInfo parent) {
        List<String> argv = new ArrayList<>();
        String argv0 = s(m, "argv0");
        List<String> args = ss(m, "argv");
        if (!argv0.isEmpty() || !args.isEmpty()) {
            argv.add(argv0);
            argv.addAll(args);
        }
        String containerId = s(obj(m, "container"), "id");
        ContainerInfo container = containerId.isEmpty() ? ContainerInfo.NONE
                : eventContainer != null && eventContainer.id().equals(containerId) ? eventContainer
                : new ContainerInfo(containerId, "", "", "", "", 0);
        return new ProcessInfo(i(m, "pid"), i(m, "ppid"), i(m, "uid", -1), i(m, "gid", -1),
                i(m, "euid", -1), i(m, "egid", -1), s(m, "user"), s(m, "group"), s(m, "comm"),
                file(m, "file"), file(obj(m, "interpreter"), "file"), argv, b(m, "args_truncated"), ss(m, "envs"),
                b(m, "envs_truncated"), s(m, "cwd"), s(m, "tty_name"), s(obj(m, "stdin"), "type"), s(obj(m, "stdout"), "type"), l(m, "cap_effective", 0),
                l(m, "cap_permitted", 0), container, l(m, "exec_time", 0), parent);
    }

    private static FileRef file(Map<String, Object> parent, String key) {
        Map<String, Object> f = obj(parent, key);
        String path = s(f, "path");
        String name = s(f, "name");
        if (path.isEmpty() && name.isEmpty()) {
            return FileRef.NONE;
        }
        return name.isEmpty() ? FileRef.of(path) : new FileRef(path, name);
    }

    private static NetAddr addr(Map<String, Object> a) {
        if (a.isEmpty()) {
            return NetAddr.NONE;
        }
        return new NetAddr(i(a, "family"), s(a, "ip"), i(a, "port"), s(a, "path"));
    }

    // ---- tree helpers: tolerant of absence, strict about types -------------------------------

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return Map.of();
        }
        if (v instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new MalformedEventException("'" + key + "' must be an object, found " + kind(v));
    }

    private static String s(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return "";
        }
        if (v instanceof String str) {
            return str;
        }
        throw new MalformedEventException("'" + key + "' must be a string, found " + kind(v));
    }

    private static long l(Map<String, Object> m, String key, long dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Long n) {
            return n;
        }
        throw new MalformedEventException("'" + key + "' must be an integer, found " + kind(v));
    }

    private static int i(Map<String, Object> m, String key) {
        return i(m, key, 0);
    }

    /** An int field; values up to 2^32-1 are accepted as the unsigned form of a negative int ((uid_t) -1). */
    private static int i(Map<String, Object> m, String key, int dflt) {
        long v = l(m, key, dflt);
        if (v < Integer.MIN_VALUE || v > 0xFFFF_FFFFL) {
            throw new MalformedEventException("'" + key + "' is out of range: " + v);
        }
        return (int) v;
    }

    private static boolean b(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean bool) {
            return bool;
        }
        throw new MalformedEventException("'" + key + "' must be a boolean, found " + kind(v));
    }

    private static List<String> ss(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object o : list) {
                if (!(o instanceof String str)) {
                    throw new MalformedEventException("'" + key + "' must be an array of strings, found " + kind(o)
                            + " at index " + out.size());
                }
                out.add(str);
            }
            return out;
        }
        throw new MalformedEventException("'" + key + "' must be an array, found " + kind(v));
    }

    private static String kind(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "a string";
            case Long n -> "an integer";
            case Double d -> "a number";
            case Boolean b -> "a boolean";
            case List<?> l -> "an array";
            case Map<?, ?> m -> "an object";
            default -> v.getClass().getSimpleName();
        };
    }

    /**
     * Reads the object at the parser's current START_OBJECT into maps, lists, strings, longs, doubles
     * and booleans. JSON null values are dropped (treated as absent).
     */
    public static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            Object v = readValue(p, p.nextToken(), name);
            if (v != null) {
                m.put(name, v);
            }
        }
        return m;
    }

    private static Object readValue(JsonParser p, JsonToken t, String key) throws IOException {
        return switch (t) {
            case START_OBJECT -> readObject(p);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    Object v = readValue(p, e, key);
                    if (v != null) {
                        list.add(v);
                    }
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw new MalformedEventException("'" + key + "' is out of range: " + p.getText());
                }
                yield p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new MalformedEventException("unexpected JSON token " + t);
        };
    }
}
