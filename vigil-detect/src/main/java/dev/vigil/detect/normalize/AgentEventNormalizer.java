package dev.vigil.detect.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.model.EventType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.vigil.detect.normalize.Attrs.child;
import static dev.vigil.detect.normalize.Attrs.text;
import static dev.vigil.detect.normalize.StandardAttributes.*;

/**
 * An agent's JSON line (an event, or an alert: the event plus an {@code alert} object; see
 * docs/events.md and {@code AlertJson}) as a {@link LogEvent}.
 *
 * <ul>
 *   <li>time: {@code event.timestamp} (ns) in ms; host: {@code host.name}; source {@value #SOURCE};</li>
 *   <li>service: a {@code service:} tag of the container, else of the host, else the image name;</li>
 *   <li>status: {@code info} for events, the rule's severity for alerts;</li>
 *   <li>message: one line for humans, e.g. {@code exec /usr/bin/curl -s x by bash (pid 4242) in acme/web:1.0};</li>
 *   <li>tags: host tags, then {@code container_image:}, {@code image_name:}, {@code short_image:},
 *       {@code image_tag:}, {@code container_name:};</li>
 *   <li>attributes: the line's object as it is, plus {@code evt.name} (the type), {@code evt.category},
 *       {@code evt.kind} ({@code event}|{@code alert}), {@code evt.outcome} (from {@code retval}: >= 0 is
 *       success), {@code usr.name}/{@code usr.id} (from {@code process.user}/{@code uid}), network
 *       attributes (below) and, for alerts, {@code agent.rule_id} and {@code agent.version}; the rule's
 *       severity, tactic, technique, tags and triage stay under {@code alert.rule}.</li>
 * </ul>
 *
 * <p>Network attributes say who is the client and who the server: {@code connect} ->
 * {@code network.destination.ip/port} (the peer); {@code accept} -> {@code network.client.ip/port}
 * (the peer) and {@code network.destination.port} (the local port); {@code bind} to a non-zero port
 * -> {@code network.destination.ip/port} (a listener's address; port 0 is a client's ephemeral bind
 * and says nothing); {@code dns} lines already carry {@code network.destination.*}. Unix sockets
 * get none.
 *
 * <p>Runs for every agent event: one pass over the known keys, no regular expressions, the input's
 * subtrees shared rather than copied (see {@link Attrs}). Stateless and thread-safe.
 */
final class AgentEventNormalizer {

    static final String SOURCE = "vigil-agent";
    /** Longest argument text an exec message quotes. */
    static final int MAX_MESSAGE_ARGS_CHARS = 160;

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    /** An unsigned -1 in an id field: unknown. */
    private static final long UNSIGNED_MINUS_ONE = 4_294_967_295L;

    private static final String[] CATEGORY = new String[EventType.values().length];

    static {
        for (EventType t : EventType.values()) CATEGORY[t.ordinal()] = t.category().name().toLowerCase(Locale.ROOT);
    }

    LogEvent normalize(JsonNode line) {
        if (!(line instanceof ObjectNode in)) {
            throw new NormalizeException("an agent line must be a JSON object, got " + (line == null ? "null" : line.getNodeType()));
        }
        JsonNode event = in.get("event");
        String typeId = text(event, "type");
        if (typeId.isEmpty()) throw new NormalizeException("agent line has no event.type (its keys: " + keys(in) + ")");
        JsonNode ts = child(event, "timestamp");
        if (ts == null || !ts.isIntegralNumber()) {
            throw new NormalizeException("agent line has no event.timestamp as an integer of Unix nanoseconds (event: "
                    + NormalizeException.quote(String.valueOf(event)) + ")");
        }
        long millis = Math.floorDiv(ts.asLong(), 1_000_000L);
        EventType type = EventType.byId(typeId);
        JsonNode host = in.get("host");
        JsonNode container = in.get("container");
        JsonNode process = in.get("process");
        JsonNode payload = in.get(typeId);
        JsonNode alert = in.get("alert");
        boolean isAlert = alert != null && alert.isObject();
        JsonNode rule = child(alert, "rule");

        Attrs a = Attrs.over(in);
        a.put(EVT_NAME, typeId);
        if (type != null) a.put(EVT_CATEGORY, CATEGORY[type.ordinal()]);
        a.put(EVT_KIND, isAlert ? "alert" : "event");
        JsonNode retval = child(payload, "retval");
        if (retval != null && retval.isNumber()) a.put(EVT_OUTCOME, retval.asLong() >= 0 ? "success" : "failure");
        a.put(USR_NAME, text(process, "user"));
        JsonNode uid = child(process, "uid");
        if (uid != null && uid.isIntegralNumber() && uid.asLong() >= 0 && uid.asLong() < UNSIGNED_MINUS_ONE) {
            a.put(USR_ID, uid.asText());
        }
        if (type != null) network(type, payload, a);
        if (isAlert) {
            a.put(AGENT_RULE_ID, text(rule, "id"));
            a.put(AGENT_VERSION, text(alert, "agent_version"));
        }

        String imageName;
        String imageTag;
        JsonNode image = child(container, "image");
        if (image != null && image.isObject()) {
            imageName = text(image, "name");
            imageTag = text(image, "tag");
        } else {
            imageName = text(container, "image");
            imageTag = text(container, "tag");
        }
        String containerName = text(container, "name");

        List<String> tags = new ArrayList<>(8);
        JsonNode hostTags = child(host, "tags");
        if (hostTags != null && hostTags.isArray()) for (JsonNode t : hostTags) if (t.isTextual()) tags.add(t.asText());
        if (!imageName.isEmpty()) {
            tags.add("container_image:" + imageName);
            tags.add("image_name:" + imageName);
            tags.add("short_image:" + imageName.substring(imageName.lastIndexOf('/') + 1));
        }
        if (!imageTag.isEmpty()) tags.add("image_tag:" + imageTag);
        if (!containerName.isEmpty()) tags.add("container_name:" + containerName);

        String service = serviceTag(child(container, "tags"));
        if (service == null) service = serviceTag(hostTags);
        if (service == null) service = imageName;

        String status = isAlert ? text(rule, "severity") : Status.INFO;
        if (status.isEmpty()) status = Status.INFO;

        StringBuilder m = new StringBuilder(112);
        if (isAlert) {
            String description = text(rule, "description");
            if (!description.isEmpty()) m.append(description).append(" (rule ").append(text(rule, "id")).append("): ");
            else m.append("rule ").append(text(rule, "id")).append(": ");
        }
        describe(type, typeId, process == null ? MissingNode.getInstance() : process, payload, in, m);
        whereAndOutcome(container, imageName, imageTag, containerName, retval, m);

        return new LogEvent("", millis, text(host, "name"), SOURCE, service, status, oneLine(m), tags, a.root());
    }

    private static void network(EventType type, JsonNode payload, Attrs a) {
        switch (type) {
            case CONNECT -> {
                JsonNode addr = child(payload, "addr");
                if (isInet(addr)) {
                    a.put(DESTINATION_IP, text(addr, "ip"));
                    a.put(DESTINATION_PORT, addr.path("port").asLong());
                }
            }
            case ACCEPT -> {
                JsonNode addr = child(payload, "addr");
                if (isInet(addr)) {
                    a.put(CLIENT_IP, text(addr, "ip"));
                    a.put(CLIENT_PORT, addr.path("port").asLong());
                    JsonNode local = child(payload, "local");
                    if (local != null && local.path("port").asLong() > 0) a.put(DESTINATION_PORT, local.path("port").asLong());
                }
            }
            case BIND -> {
                JsonNode addr = child(payload, "addr");
                if (isInet(addr) && addr.path("port").asLong() > 0) {
                    a.put(DESTINATION_IP, text(addr, "ip"));
                    a.put(DESTINATION_PORT, addr.path("port").asLong());
                }
            }
            default -> { }
        }
    }

    private static boolean isInet(JsonNode addr) {
        if (addr == null) return false;
        int family = addr.path("family").asInt();
        return (family == AF_INET || family == AF_INET6) && !text(addr, "ip").isEmpty();
    }

    private static String serviceTag(JsonNode tags) {
        if (tags == null || !tags.isArray()) return null;
        for (JsonNode t : tags) {
            String s = t.asText();
            if (s.startsWith("service:") && s.length() > 8) return s.substring(8);
        }
        return null;
    }

    // ------------------------------------------------------------------------------------ message

    private static void describe(EventType type, String typeId, JsonNode p, JsonNode x, JsonNode line, StringBuilder m) {
        if (type == null) {
            m.append(typeId);
            by(p, m);
            return;
        }
        switch (type) {
            case EXEC -> {
                m.append("exec ").append(path(p));
                args(child(p, "argv"), m);
                JsonNode parent = first(child(p, "ancestors"));
                if (parent != null) by(parent, m);
                else pid(p, m);
            }
            case FORK -> m.append("fork ").append(name(p)).append(" (pid ").append(p.path("pid").asLong())
                    .append(", parent ").append(p.path("ppid").asLong()).append(')');
            case EXIT -> {
                m.append("exit ").append(name(p)).append(" (pid ").append(p.path("pid").asLong()).append(')');
                String cause = text(x, "cause");
                long code = x == null ? 0 : x.path("code").asLong();
                switch (cause) {
                    case "SIGNALED" -> m.append(" killed by signal ").append(code);
                    case "COREDUMPED" -> m.append(" dumped core on signal ").append(code);
                    default -> m.append(" code ").append(code);
                }
            }
            case OPEN -> {
                m.append("open ").append(filePath(x));
                if (x != null && (x.path("flags").asLong() & 3) != 0) m.append(" for writing");
                by(p, m);
            }
            case RENAME, LINK -> {
                m.append(typeId).append(' ').append(filePath(x)).append(" -> ")
                        .append(text(x == null ? null : x.path("file").path("destination"), "path"));
                by(p, m);
            }
            case SYMLINK -> {
                m.append("symlink ").append(filePath(x)).append(" -> ").append(text(x, "target"));
                by(p, m);
            }
            case CHMOD -> {
                m.append("chmod ").append(filePath(x)).append(" to 0")
                        .append(Long.toOctalString(x == null ? 0 : x.path("file").path("destination").path("mode").asLong() & 07777));
                by(p, m);
            }
            case CHOWN -> {
                JsonNode d = x == null ? null : x.path("file").path("destination");
                m.append("chown ").append(filePath(x)).append(" to ").append(d == null ? -1 : d.path("uid").asLong())
                        .append(':').append(d == null ? -1 : d.path("gid").asLong());
                by(p, m);
            }
            case UNLINK, MKDIR, RMDIR, UTIMES -> {
                m.append(typeId).append(' ').append(filePath(x));
                by(p, m);
            }
            case SETUID -> {
                m.append("setuid to uid ").append(num(x, "uid")).append(" (euid ").append(num(x, "euid")).append(')');
                by(p, m);
            }
            case SETGID -> {
                m.append("setgid to gid ").append(num(x, "gid")).append(" (egid ").append(num(x, "egid")).append(')');
                by(p, m);
            }
            case CAPSET -> {
                m.append("capset effective 0x").append(Long.toHexString(num(x, "cap_effective")));
                by(p, m);
            }
            case BPF -> {
                m.append("bpf command ").append(num(x, "cmd"));
                String prog = text(x == null ? null : x.path("prog"), "name");
                String map = text(x == null ? null : x.path("map"), "name");
                if (!prog.isEmpty()) m.append(" program ").append(prog);
                if (!map.isEmpty()) m.append(" map ").append(map);
                by(p, m);
            }
            case LOAD_MODULE -> {
                String name = text(x, "name");
                String file = filePath(x);
                m.append("load_module ").append(!name.isEmpty() ? name : !file.isEmpty() ? file : "(from memory)");
                by(p, m);
            }
            case PTRACE -> {
                m.append("ptrace request ").append(num(x, "request"));
                target(x == null ? null : x.get("tracee"), x, m);
                by(p, m);
            }
            case SIGNAL -> {
                m.append("signal ").append(num(x, "type"));
                target(x == null ? null : x.get("target"), x, m);
                by(p, m);
            }
            case MOUNT -> {
                m.append("mount ").append(text(x == null ? null : x.path("source"), "path")).append(" on ")
                        .append(text(x == null ? null : x.path("mountpoint"), "path"));
                String fs = text(x, "fs_type");
                if (!fs.isEmpty()) m.append(" (").append(fs).append(')');
                by(p, m);
            }
            case SELINUX -> {
                m.append("selinux ").append(text(x, "kind"));
                String bool = text(x, "bool_name");
                if (!bool.isEmpty()) m.append(' ').append(bool);
                String value = text(x, "value");
                if (!value.isEmpty()) m.append(" = ").append(value);
                by(p, m);
            }
            case CONNECT -> {
                m.append("connect to ");
                address(child(x, "addr"), m);
                by(p, m);
            }
            case BIND -> {
                m.append("bind ");
                address(child(x, "addr"), m);
                by(p, m);
            }
            case ACCEPT -> {
                m.append("accept from ");
                address(child(x, "addr"), m);
                JsonNode local = child(x, "local");
                if (local != null) m.append(" on port ").append(local.path("port").asLong());
                by(p, m);
            }
            case DNS -> {
                m.append("dns query ").append(text(x == null ? null : x.path("question"), "name"));
                JsonNode server = line.path("network").path("destination");
                if (!text(server, "ip").isEmpty()) {
                    m.append(" to ");
                    address(server, m);
                }
                by(p, m);
            }
            case LOST_EVENTS -> m.append("lost ").append(num(x, "count")).append(" events (")
                    .append(num(x, "total")).append(" since the agent started)");
        }
    }

    private static void whereAndOutcome(JsonNode container, String imageName, String imageTag, String containerName,
                                        JsonNode retval, StringBuilder m) {
        if (!imageName.isEmpty()) {
            m.append(" in ").append(imageName);
            if (!imageTag.isEmpty()) m.append(':').append(imageTag);
        } else if (!containerName.isEmpty()) {
            m.append(" in container ").append(containerName);
        } else {
            String id = text(container, "id");
            if (!id.isEmpty()) m.append(" in container ").append(id, 0, Math.min(12, id.length()));
        }
        if (retval != null && retval.isNumber() && retval.asLong() < 0) {
            long errno = -retval.asLong();
            String name = Errno.name(errno);
            m.append(" (failed: ").append(name != null ? name : "errno " + errno).append(')');
        }
    }

    /** The message with control characters escaped ({@code \n} in an argument would split the line). */
    static String oneLine(StringBuilder m) {
        int i = 0;
        int n = m.length();
        while (i < n && m.charAt(i) >= 0x20 && m.charAt(i) != 0x7f) i++;
        if (i == n) return m.toString();
        StringBuilder b = new StringBuilder(n + 8).append(m, 0, i);
        for (; i < n; i++) {
            char c = m.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }

    private static void by(JsonNode process, StringBuilder m) {
        if (process == null || process.isMissingNode()) return;
        m.append(" by ").append(name(process));
        pid(process, m);
    }

    private static void pid(JsonNode process, StringBuilder m) {
        JsonNode pid = process.get("pid");
        if (pid != null) m.append(" (pid ").append(pid.asLong()).append(')');
    }

    private static void target(JsonNode target, JsonNode payload, StringBuilder m) {
        if (target != null && target.path("pid").asLong() > 0) {
            m.append(" to ").append(name(target)).append(" (pid ").append(target.path("pid").asLong()).append(')');
        } else {
            m.append(" to pid ").append(num(payload, "pid"));
        }
    }

    private static void address(JsonNode addr, StringBuilder m) {
        String ip = text(addr, "ip");
        if (!ip.isEmpty()) {
            if (ip.indexOf(':') >= 0) m.append('[').append(ip).append(']');
            else m.append(ip);
            m.append(':').append(addr.path("port").asLong());
            return;
        }
        String path = text(addr, "path");
        m.append(path.isEmpty() ? "(unix socket)" : path);
    }

    private static void args(JsonNode argv, StringBuilder m) {
        if (argv == null || !argv.isArray()) return;
        int start = m.length();
        for (JsonNode arg : argv) {
            m.append(' ').append(arg.asText());
            if (m.length() - start > MAX_MESSAGE_ARGS_CHARS) {
                m.setLength(start + MAX_MESSAGE_ARGS_CHARS);
                m.append('…');
                return;
            }
        }
    }

    private static String name(JsonNode process) {
        String name = text(process.path("file"), "name");
        if (name.isEmpty()) name = text(process, "comm");
        return name.isEmpty() ? "?" : name;
    }

    private static String path(JsonNode process) {
        String path = text(process == null ? null : process.path("file"), "path");
        return path.isEmpty() && process != null ? name(process) : path;
    }

    private static String filePath(JsonNode payload) {
        return payload == null ? "" : text(payload.path("file"), "path");
    }

    private static long num(JsonNode parent, String field) {
        return parent == null ? 0 : parent.path(field).asLong();
    }

    private static JsonNode first(JsonNode array) {
        return array != null && array.isArray() && !array.isEmpty() ? array.get(0) : null;
    }

    private static String keys(ObjectNode o) {
        StringBuilder b = new StringBuilder();
        for (java.util.Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!b.isEmpty()) b.append(", ");
            b.append(k);
        }
        return b.isEmpty() ? "none" : b.toString();
    }
}
