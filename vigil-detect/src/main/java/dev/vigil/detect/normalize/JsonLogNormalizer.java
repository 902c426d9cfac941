package dev.vigil.detect.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.event.LogEvent;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.vigil.detect.normalize.Attrs.child;
import static dev.vigil.detect.normalize.Attrs.text;
import static dev.vigil.detect.normalize.StandardAttributes.*;

/**
 * One JSON object from a log shipper or an application as a {@link LogEvent}, with Datadog's
 * reserved-attribute remapping: the first usable key of each list becomes the reserved attribute
 * and leaves the attributes; the others, and every key not listed, stay as they are.
 *
 * <table>
 *   <caption>Reserved attributes and where they come from</caption>
 *   <tr><th>reserved</th><th>keys, in order</th><th>else</th></tr>
 *   <tr><td>time</td><td>{@value #TIME_KEYS_DOC}, then {@code syslog.timestamp}</td><td>the intake time</td></tr>
 *   <tr><td>host</td><td>host (text, or an object's {@code name}/{@code hostname}), hostname, syslog.hostname</td><td>the default</td></tr>
 *   <tr><td>source</td><td>ddsource, source</td><td>the default</td></tr>
 *   <tr><td>service</td><td>service, syslog.appname</td><td>the default</td></tr>
 *   <tr><td>status</td><td>status, level, severity, syslog.severity (normalised, see {@link Status})</td><td>info</td></tr>
 *   <tr><td>message</td><td>message, msg, log (text only)</td><td>empty</td></tr>
 *   <tr><td>tags</td><td>ddtags (comma-separated), tags (array or comma-separated)</td><td>the defaults' tags, always first</td></tr>
 * </table>
 *
 * Nested keys ({@code syslog.*}, {@code host.name}) are read but left in place. Times are ISO-8601
 * with or without a zone (the configured zone then) or epoch numbers by magnitude (see
 * {@link Times}); a value that is not a plausible time is left in the attributes and the next key
 * is tried.
 *
 * <p><b>Authentication logs.</b> When the source, service or {@code syslog.appname} is sshd,
 * sudo or su, or the message is itself a syslog line from one of them (a shipper that forwards raw
 * lines), {@link SshAuthParser} reads the message (and, for a raw line, its {@code syslog.*} parts
 * are added).
 *
 * <p><b>Cloud formats</b>, recognised by shape, keep their object verbatim and get the standard
 * attributes:
 * <ul>
 *   <li>AWS CloudTrail records ({@code eventSource} ending in {@code .amazonaws.com}, {@code eventName},
 *       and {@code eventVersion} or {@code userIdentity}): source {@code cloudtrail}; time from
 *       {@code eventTime}; {@code evt.name} = eventName; {@code evt.outcome} failure when there is an
 *       {@code errorCode} or a failed ConsoleLogin; {@code usr.name} (userName, the session of an
 *       assumed role, {@code root}, the invoking service), {@code usr.id} (the ARN);
 *       {@code network.client.ip} (sourceIPAddress when it is an address); {@code http.useragent};
 *       tags {@code region:} and {@code aws_account:}.</li>
 *   <li>Kubernetes audit events ({@code kind: Event}, {@code apiVersion: audit.k8s.io/*}): source
 *       {@code kubernetes.audit}; time from requestReceivedTimestamp (else stageTimestamp);
 *       {@code evt.name} = verb; {@code usr.name}/{@code usr.id} from user.username/uid;
 *       {@code network.client.ip} = sourceIPs[0]; {@code http.status_code} and {@code evt.outcome}
 *       (failure from 400) from responseStatus.code; {@code http.useragent}. The audit
 *       {@code level} is not taken for a status.</li>
 * </ul>
 * A CloudTrail file's {@code {"Records": [...]}} wrapper is the caller's to split.
 */
final class JsonLogNormalizer {

    static final String CLOUDTRAIL = "cloudtrail";
    static final String KUBERNETES_AUDIT = "kubernetes.audit";
    static final String KUBE_APISERVER = "kube-apiserver";

    static final String TIME_KEYS_DOC = "timestamp, @timestamp, date, time, ts, eventTime, _timestamp, Timestamp, published_date";
    private static final String[] TIME_KEYS = {"timestamp", "@timestamp", "date", "time", "ts", "eventTime", "_timestamp",
            "Timestamp", "published_date"};
    private static final String[] HOST_KEYS = {"host", "hostname"};
    private static final String[] SOURCE_KEYS = {"ddsource", "source"};
    private static final String[] STATUS_KEYS = {"status", "level", "severity"};
    private static final String[] MESSAGE_KEYS = {"message", "msg", "log"};

    private final SyslogParser syslog;
    private final SshAuthParser auth;
    private final ZoneId zone;

    JsonLogNormalizer(SyslogParser syslog, SshAuthParser auth, ZoneId zone) {
        this.syslog = syslog;
        this.auth = auth;
        this.zone = zone;
    }

    LogEvent normalize(JsonNode node, Normalizer.Defaults d) {
        if (!(node instanceof ObjectNode in)) {
            throw new NormalizeException("a JSON log line must be a JSON object, got " + (node == null ? "null" : node.getNodeType()));
        }
        Attrs a = Attrs.over(in);
        if (isCloudTrail(in)) return cloudTrail(in, a, d);
        if (isKubernetesAudit(in)) return kubernetesAudit(in, a, d);
        return generic(in, a, d);
    }

    // ------------------------------------------------------------------------------------ generic

    private LogEvent generic(ObjectNode in, Attrs a, Normalizer.Defaults d) {
        JsonNode sys = in.get("syslog");

        long time = Times.NONE;
        for (String key : TIME_KEYS) {
            JsonNode v = in.get(key);
            if (v == null) continue;
            time = Times.of(v, zone);
            if (time != Times.NONE) {
                a.removeTop(key);
                break;
            }
        }
        if (time == Times.NONE) time = Times.of(child(sys, "timestamp"), zone);
        if (time == Times.NONE) time = d.intakeTime();

        String host = "";
        JsonNode hostNode = in.get("host");
        if (hostNode != null && hostNode.isObject()) {
            host = text(hostNode, "name");
            if (host.isEmpty()) host = text(hostNode, "hostname");
        }
        if (host.isEmpty()) host = take(in, a, HOST_KEYS);
        if (host.isEmpty()) host = text(sys, "hostname");
        if (host.isEmpty()) host = d.host();

        String source = take(in, a, SOURCE_KEYS);
        if (source.isEmpty()) source = d.source();

        String service = take(in, a, "service");
        if (service.isEmpty()) service = text(sys, "appname");
        if (service.isEmpty()) service = d.service();

        String status = null;
        for (String key : STATUS_KEYS) {
            status = Status.of(in.get(key));
            if (status != null) {
                a.removeTop(key);
                break;
            }
        }
        if (status == null) status = Status.of(child(sys, "severity"));
        if (status == null) status = Status.INFO;

        String message = take(in, a, MESSAGE_KEYS);

        Set<String> tags = new LinkedHashSet<>(d.tags());
        JsonNode ddtags = in.get("ddtags");
        if (ddtags != null && ddtags.isTextual()) {
            splitTags(ddtags.asText(), tags);
            a.removeTop("ddtags");
        }
        JsonNode t = in.get("tags");
        if (t != null && (t.isTextual() || t.isArray())) {
            if (t.isTextual()) splitTags(t.asText(), tags);
            else for (JsonNode e : t) if (e.isValueNode()) addTag(e.asText(), tags);
            a.removeTop("tags");
        }

        if (!message.isEmpty()) {
            String program = authProgram(source, service, text(sys, "appname"));
            if (program != null) {
                auth.parse(program, message, a);
            } else if (looksLikeSyslog(message)) {
                SyslogParser.Message m = quietly(message);
                if (m != null && SshAuthParser.applies(m.program(), m.text())) {
                    SyslogParser.attributes(m, a);
                    auth.parse(m.program(), m.text(), a);
                    if (host.isEmpty()) host = m.host();
                }
            } else if (message.startsWith("pam_unix(")) {
                auth.parse("", message, a);
            }
        }
        return new LogEvent("", time, host, source, service, status, message, new ArrayList<>(tags), a.root());
    }

    private static String authProgram(String... candidates) {
        for (String c : candidates) if (SshAuthParser.family(c) != null) return c;
        return null;
    }

    /** A cheap look at the start: {@code <PRI>}, a month name and a space, or {@code yyyy-}. */
    private static boolean looksLikeSyslog(String m) {
        if (m.length() < 16) return false;
        char c = m.charAt(0);
        if (c == '<') return true;
        if (c >= 'A' && c <= 'Z') return m.charAt(3) == ' ' && Character.isLowerCase(m.charAt(1));
        return Character.isDigit(c) && Character.isDigit(m.charAt(3)) && m.charAt(4) == '-';
    }

    private SyslogParser.Message quietly(String line) {
        try {
            return syslog.parse(line);
        } catch (NormalizeException e) {
            return null;
        }
    }

    /** The first of {@code keys} with a non-empty text value, removed from the attributes; {@code ""} when none. */
    private static String take(ObjectNode in, Attrs a, String... keys) {
        for (String key : keys) {
            JsonNode v = in.get(key);
            if (v != null && v.isTextual() && !v.asText().isEmpty()) {
                a.removeTop(key);
                return v.asText();
            }
        }
        return "";
    }

    private static void splitTags(String s, Set<String> into) {
        int start = 0;
        while (start <= s.length()) {
            int comma = s.indexOf(',', start);
            if (comma < 0) comma = s.length();
            addTag(s.substring(start, comma), into);
            start = comma + 1;
        }
    }

    private static void addTag(String tag, Set<String> into) {
        String t = tag.strip();
        if (!t.isEmpty()) into.add(t);
    }

    // --------------------------------------------------------------------------------- CloudTrail

    static boolean isCloudTrail(ObjectNode in) {
        return text(in, "eventSource").endsWith(".amazonaws.com") && !text(in, "eventName").isEmpty()
                && (in.has("eventVersion") || in.has("userIdentity"));
    }

    private LogEvent cloudTrail(ObjectNode in, Attrs a, Normalizer.Defaults d) {
        long time = Times.of(in.get("eventTime"), zone);
        if (time == Times.NONE) time = d.intakeTime();
        String eventName = text(in, "eventName");
        String eventSource = text(in, "eventSource");
        JsonNode identity = in.get("userIdentity");
        String arn = text(identity, "arn");
        String user = cloudTrailUser(identity, arn);
        String ip = text(in, "sourceIPAddress");
        String errorCode = text(in, "errorCode");
        boolean consoleFailure = "Failure".equals(text(child(in, "responseElements"), "ConsoleLogin"));
        boolean failed = !errorCode.isEmpty() || consoleFailure;

        a.put(EVT_NAME, eventName);
        a.put(EVT_OUTCOME, failed ? "failure" : "success");
        a.put(USR_NAME, user);
        a.put(USR_ID, arn.isEmpty() ? text(identity, "principalId") : arn);
        if (Net.isIp(ip)) a.put(CLIENT_IP, ip);
        a.put(HTTP_USERAGENT, text(in, "userAgent"));

        Set<String> tags = new LinkedHashSet<>(d.tags());
        String region = text(in, "awsRegion");
        if (!region.isEmpty()) tags.add("region:" + region);
        String account = text(in, "recipientAccountId");
        if (!account.isEmpty()) tags.add("aws_account:" + account);

        StringBuilder m = new StringBuilder(96).append(eventName).append(" (")
                .append(eventSource, 0, eventSource.length() - ".amazonaws.com".length()).append(')');
        if (!user.isEmpty()) m.append(" by ").append(user);
        if (!ip.isEmpty()) m.append(" from ").append(ip);
        if (failed) {
            String why = !errorCode.isEmpty() ? errorCode : text(in, "errorMessage");
            m.append(" failed").append(why.isEmpty() ? "" : ": " + why);
        }
        String source = firstNonEmpty(text(in, "ddsource"), CLOUDTRAIL);
        String service = firstNonEmpty(text(in, "service"), CLOUDTRAIL);
        return new LogEvent("", time, d.host(), source, service, Status.INFO, m.toString(), new ArrayList<>(tags), a.root());
    }

    /** userName; an assumed role's session name; root; the invoking service; else the ARN's last part. */
    private static String cloudTrailUser(JsonNode identity, String arn) {
        String type = text(identity, "type");
        String userName = text(identity, "userName");
        if (!userName.isEmpty()) return userName;
        if ("Root".equals(type)) return "root";
        if ("AWSService".equals(type)) return text(identity, "invokedBy");
        int slash = arn.lastIndexOf('/');
        if (slash >= 0 && slash + 1 < arn.length()) return arn.substring(slash + 1);
        return "";
    }

    // ---------------------------------------------------------------------------- Kubernetes audit

    static boolean isKubernetesAudit(ObjectNode in) {
        return "Event".equals(text(in, "kind")) && text(in, "apiVersion").startsWith("audit.k8s.io/");
    }

    private LogEvent kubernetesAudit(ObjectNode in, Attrs a, Normalizer.Defaults d) {
        long time = Times.of(in.get("requestReceivedTimestamp"), zone);
        if (time == Times.NONE) time = Times.of(in.get("stageTimestamp"), zone);
        if (time == Times.NONE) time = d.intakeTime();
        String verb = text(in, "verb");
        JsonNode user = in.get("user");
        String userName = text(user, "username");
        JsonNode ips = in.get("sourceIPs");
        String ip = ips != null && ips.isArray() && !ips.isEmpty() ? ips.get(0).asText() : "";
        JsonNode code = child(child(in, "responseStatus"), "code");

        a.put(EVT_NAME, verb);
        a.put(USR_NAME, userName);
        a.put(USR_ID, text(user, "uid"));
        Net.putClient(a, ip);
        if (code != null && code.isNumber()) {
            a.put(HTTP_STATUS_CODE, code.asLong());
            a.put(EVT_OUTCOME, code.asLong() >= 400 ? "failure" : "success");
        }
        a.put(HTTP_USERAGENT, text(in, "userAgent"));

        JsonNode ref = in.get("objectRef");
        StringBuilder m = new StringBuilder(96).append(verb);
        if (ref != null && ref.isObject()) {
            m.append(' ').append(text(ref, "resource"));
            String sub = text(ref, "subresource");
            if (!sub.isEmpty()) m.append('/').append(sub);
            String ns = text(ref, "namespace");
            String name = text(ref, "name");
            if (!ns.isEmpty() || !name.isEmpty()) {
                m.append(' ');
                if (!ns.isEmpty()) m.append(ns).append('/');
                m.append(name);
            }
        } else {
            m.append(' ').append(text(in, "requestURI"));
        }
        if (!userName.isEmpty()) m.append(" by ").append(userName);
        if (code != null && code.isNumber()) m.append(" (").append(code.asLong()).append(')');

        String source = firstNonEmpty(text(in, "ddsource"), KUBERNETES_AUDIT);
        String service = firstNonEmpty(text(in, "service"), KUBE_APISERVER);
        return new LogEvent("", time, d.host(), source, service, Status.INFO, m.toString(), d.tags(), a.root());
    }

    private static String firstNonEmpty(String a, String b) {
        return a.isEmpty() ? b : a;
    }
}
