package dev.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.detect.normalize.Normalizer;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.RuleLoader;
import dev.vigil.server.DetectionRules;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * The backend's input for the detection benchmarks: a realistic mix of raw lines and the
 * {@link LogEvent}s the {@link Normalizer} makes of them, and rule sets of realistic shape.
 *
 * <h2>Lines</h2>
 * About 60% agent events (every line of the recorded {@link Trace#HOST_MIX}, 86% of them opens),
 * 30% sshd auth.log lines and 10% JSON logs, all generated from a fixed seed:
 * <ul>
 *   <li>sshd: failed passwords (70%, a third for invalid users), {@code Invalid user} (10%) and
 *       accepted logins (20%), from 2,000 attacker addresses and 200 office addresses, for 500 users;
 *       some attackers get in, so the default brute-force rules have something to find;</li>
 *   <li>JSON: nginx access logs (70%, status 200/404/500, 40 URLs), CloudTrail records (15%, a few
 *       root console logins), Kubernetes audit events (10%, a few execs into pods) and an
 *       application log (5%).</li>
 * </ul>
 *
 * <h2>Rules</h2>
 * {@link #rules(int)}: the shipped default rules (8), then generated rules up to the total, cycling
 * through {@value #TEMPLATES} templates covering every method (match, threshold count and
 * cardinality, new value, sequence, anomaly) over the agent, sshd, nginx, CloudTrail and
 * Kubernetes sources, with wildcards, negations, ranges and one any-source rule; each instance
 * varies its constants, so some fire on the mix and some never do.
 */
final class BackendMix {

    /** Generated rule templates; rule {@code i} uses template {@code i % TEMPLATES}. */
    static final int TEMPLATES = 12;

    static final ObjectMapper JSON = new ObjectMapper();

    /** Raw lines by kind, as an intake receives them. */
    record Lines(List<String> agent, List<String> sshd, List<String> json) {}

    /** An event and the kind of line it came from. */
    enum Kind { AGENT, SSHD, JSON }

    private BackendMix() {}

    /** The agent trace's lines, as recorded. */
    static List<String> agentLines() {
        try (InputStream in = BackendMix.class.getClassLoader().getResourceAsStream(Trace.HOST_MIX)) {
            if (in == null) throw new IllegalStateException("trace resource " + Trace.HOST_MIX + " is missing");
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
            List<String> out = new ArrayList<>();
            for (String l; (l = r.readLine()) != null; ) if (!l.isBlank()) out.add(l);
            return out;
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    private static final DateTimeFormatter SYSLOG_TIME = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** One sshd auth.log line (RFC 3164) at {@code timeMillis}. */
    static String sshdLine(Random rnd, long timeMillis) {
        String host = "bastion-" + rnd.nextInt(4);
        int pid = 1000 + rnd.nextInt(30_000);
        int port = 30_000 + rnd.nextInt(30_000);
        String attacker = "203.0." + (rnd.nextInt(8) + 113) + "." + rnd.nextInt(250);   // 2,000 addresses
        String office = "10.20." + rnd.nextInt(2) + "." + rnd.nextInt(100);             // 200 addresses
        String user = "user" + rnd.nextInt(500);
        int p = rnd.nextInt(100);
        String msg;
        if (p < 70) {
            boolean invalid = p < 23;
            String u = invalid ? List.of("admin", "oracle", "test", "ubuntu", "pi", "git").get(rnd.nextInt(6)) + rnd.nextInt(50) : user;
            msg = "Failed password for " + (invalid ? "invalid user " : "") + u + " from " + attacker + " port " + port + " ssh2";
        } else if (p < 80) {
            msg = "Invalid user " + "guest" + rnd.nextInt(300) + " from " + attacker + " port " + port;
        } else if (p < 98) {
            msg = "Accepted publickey for " + user + " from " + office + " port " + port + " ssh2: ED25519 SHA256:k" + rnd.nextInt(500);
        } else {
            msg = "Accepted password for " + user + " from " + attacker + " port " + port + " ssh2";
        }
        return "<38>" + SYSLOG_TIME.format(Instant.ofEpochMilli(timeMillis)) + " " + host + " sshd[" + pid + "]: " + msg;
    }

    private static final String[] URLS = new String[40];
    static {
        for (int i = 0; i < URLS.length; i++) URLS[i] = i < 4 ? "/admin/" + i : i < 10 ? "/api/v1/items/" + i : "/static/app" + i + ".js";
    }

    /** One JSON log line at {@code timeMillis}: nginx, CloudTrail, Kubernetes audit or an application. */
    static String jsonLine(Random rnd, long timeMillis) {
        int p = rnd.nextInt(100);
        String ts = Instant.ofEpochMilli(timeMillis).toString();
        String ip = rnd.nextInt(10) == 0 ? "198.51.100." + rnd.nextInt(20) : "192.0.2." + rnd.nextInt(250);
        if (p < 70) {
            int s = rnd.nextInt(100);
            int status = s < 80 ? 200 : s < 97 ? 404 : 500;
            return "{\"timestamp\":\"" + ts + "\",\"ddsource\":\"nginx\",\"service\":\"web\",\"host\":\"web-" + rnd.nextInt(6)
                    + "\",\"message\":\"GET " + URLS[rnd.nextInt(URLS.length)] + "\",\"http\":{\"method\":\"GET\",\"status_code\":" + status
                    + ",\"url\":\"" + URLS[rnd.nextInt(URLS.length)] + "\",\"useragent\":\"curl/8." + rnd.nextInt(9)
                    + "\"},\"network\":{\"client\":{\"ip\":\"" + ip + "\"},\"bytes_written\":" + rnd.nextInt(200_000)
                    + "},\"duration\":" + rnd.nextInt(2_000_000) + "}";
        } else if (p < 85) {
            boolean root = rnd.nextInt(50) == 0;
            String name = root ? "ConsoleLogin" : List.of("GetObject", "PutObject", "AssumeRole", "DescribeInstances", "ConsoleLogin").get(rnd.nextInt(5));
            String identity = root ? "{\"type\":\"Root\",\"arn\":\"arn:aws:iam::123456789012:root\",\"accountId\":\"123456789012\"}"
                    : "{\"type\":\"IAMUser\",\"userName\":\"dev" + rnd.nextInt(40) + "\",\"arn\":\"arn:aws:iam::123456789012:user/dev"
                    + rnd.nextInt(40) + "\",\"accountId\":\"123456789012\"}";
            return "{\"eventVersion\":\"1.08\",\"eventTime\":\"" + ts + "\",\"eventSource\":\"" + (name.equals("ConsoleLogin") ? "signin" : "s3")
                    + ".amazonaws.com\",\"eventName\":\"" + name + "\",\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"" + ip
                    + "\",\"userIdentity\":" + identity + ",\"recipientAccountId\":\"123456789012\"}";
        } else if (p < 95) {
            boolean exec = rnd.nextInt(20) == 0;
            return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"a" + rnd.nextInt(1_000_000)
                    + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/shop/pods/web-" + rnd.nextInt(9)
                    + (exec ? "/exec" : "") + "\",\"verb\":\"" + (exec ? "create" : "get") + "\",\"user\":{\"username\":\"dev"
                    + rnd.nextInt(40) + "@example.com\"},\"sourceIPs\":[\"" + ip + "\"],\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"shop\",\"name\":\"web-"
                    + rnd.nextInt(9) + "\"" + (exec ? ",\"subresource\":\"exec\"" : "") + "},\"responseStatus\":{\"code\":" + (rnd.nextInt(10) == 0 ? 403 : 200)
                    + "},\"requestReceivedTimestamp\":\"" + ts + "\",\"stageTimestamp\":\"" + ts + "\"}";
        } else {
            return "{\"timestamp\":" + timeMillis + ",\"source\":\"payments\",\"service\":\"payments\",\"host\":\"app-" + rnd.nextInt(3)
                    + "\",\"status\":\"" + (rnd.nextInt(10) == 0 ? "error" : "info") + "\",\"message\":\"charge " + rnd.nextInt(100_000)
                    + " done\",\"usr\":{\"id\":\"c" + rnd.nextInt(5_000) + "\"},\"amount\":" + rnd.nextInt(10_000) + "}";
        }
    }

    /** Lines for the mix: every agent line of the trace, and half as many sshd and a sixth as many JSON lines. */
    static Lines lines(long seed, long startMillis) {
        List<String> agent = agentLines();
        Random rnd = new Random(seed);
        List<String> sshd = new ArrayList<>();
        List<String> json = new ArrayList<>();
        int nSshd = agent.size() / 2;
        int nJson = agent.size() / 6;
        for (int i = 0; i < nSshd; i++) sshd.add(sshdLine(rnd, startMillis + i * 10L));
        for (int i = 0; i < nJson; i++) json.add(jsonLine(rnd, startMillis + i * 30L));
        return new Lines(agent, sshd, json);
    }

    /** The normalised mix, interleaved in a seeded random order (agent events keep their recorded order). */
    static LogEvent[] events(long seed) {
        long start = Instant.parse("2026-11-22T20:00:00Z").toEpochMilli();
        Lines lines = lines(seed, start);
        Normalizer n = new Normalizer();
        Normalizer.Defaults d = Normalizer.Defaults.at(start);
        List<Kind> order = new ArrayList<>();
        for (int i = 0; i < lines.agent().size(); i++) order.add(Kind.AGENT);
        for (int i = 0; i < lines.sshd().size(); i++) order.add(Kind.SSHD);
        for (int i = 0; i < lines.json().size(); i++) order.add(Kind.JSON);
        Collections.shuffle(order, new Random(seed + 1));
        int a = 0, s = 0, j = 0;
        LogEvent[] out = new LogEvent[order.size()];
        try {
            for (int i = 0; i < out.length; i++) {
                out[i] = switch (order.get(i)) {
                    case AGENT -> n.agentLine(JSON.readTree(lines.agent().get(a++)));
                    case SSHD -> n.syslogLine(lines.sshd().get(s++), d);
                    case JSON -> n.jsonLine(JSON.readTree(lines.json().get(j++)), d);
                };
            }
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return out;
    }

    /**
     * The events decoded whole from the event log's form ({@link LogEventJson#fromJson(byte[])}):
     * what the detection pipeline did with every committed event until 2026-11-23.
     */
    static LogEvent[] decoded(byte[][] stored) {
        LogEvent[] out = new LogEvent[stored.length];
        for (int i = 0; i < stored.length; i++) out[i] = LogEventJson.fromJson(stored[i]);
        return out;
    }

    /**
     * The events as detection gets them in the server: decoded from the event log's form with the
     * engine's projection ({@link #decode}), only what its rules read.
     */
    static LogEvent[] decoded(byte[][] stored, DetectionEngine engine) {
        LogEvent[] out = new LogEvent[stored.length];
        for (int i = 0; i < stored.length; i++) out[i] = decode(stored[i], engine);
        return out;
    }

    /** Whether the engine on the class path decodes with a projection (detect-compare runs these classes on older engines too). */
    static final boolean PROJECTION = present("dev.vigil.detect.event.AttributeProjection");

    /**
     * One stored event decoded as the server's pipeline decodes it: with the engine's projection,
     * or whole on an engine from before projections.
     */
    static LogEvent decode(byte[] json, DetectionEngine engine) {
        return PROJECTION ? Projected.decode(json, engine) : LogEventJson.fromJson(json);
    }

    /** Apart, so that its references to the projection API are resolved only where it exists. */
    private static final class Projected {
        static LogEvent decode(byte[] json, DetectionEngine engine) {
            return LogEventJson.fromJson(json, engine.projection());
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, BackendMix.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException x) {
            return false;
        }
    }

    /** Each event in the event log's form. */
    static byte[][] stored(LogEvent[] events) {
        byte[][] out = new byte[events.length][];
        for (int i = 0; i < events.length; i++) out[i] = LogEventJson.toBytes(events[i]);
        return out;
    }

    /** The default rules and {@code total - 8} generated ones; {@code total <= 8} gives the defaults alone. */
    static List<DetectionRule> rules(int total) {
        List<DetectionRule> out = new ArrayList<>(DetectionRules.builtin());
        for (int i = 0; out.size() < total; i++) out.add(RuleLoader.parse(ruleYaml(i), "bench:" + i));
        return out;
    }

    private static final String[] PATHS = {"/etc/shadow", "/usr/lib/locale/*", "/root/.ssh/*", "/etc/ssl/private/*",
            "/proc/*/environ", "/usr/share/doc/*/copyright", "/var/lib/docker/*", "/etc/sudoers*", "/root/.pyenv/versions/*/lib/*.pyc"};
    private static final String[] BINS = {"/usr/bin/curl", "/usr/bin/wget", "/usr/bin/nc*", "/usr/bin/grep", "/usr/bin/python*",
            "/usr/bin/base64", "/usr/bin/ssh*", "/usr/bin/bash", "/tmp/*"};

    /** The YAML of generated rule {@code i}. */
    static String ruleYaml(int i) {
        int v = i / TEMPLATES;
        String id = "bench-" + i;
        String head = "id: " + id + "\nname: Bench rule " + i + "\nmessage: generated rule " + i + " on {{host}}\n";
        String tail = "options:\n  keepAlive: 10m\n  maxSignalDuration: 1h\n";
        return switch (i % TEMPLATES) {
            case 0 -> head + "method: match\nqueries:\n  - query: 'source:vigil-agent @evt.name:open @open.file.path:"
                    + PATHS[v % PATHS.length] + " -@process.comm:(sshd OR systemd)'\n    groupByFields: [host, '@process.comm']\ncases:\n  - status: medium\n" + tail;
            case 1 -> head + "method: match\nqueries:\n  - query: 'source:vigil-agent @evt.name:exec @process.file.path:"
                    + BINS[v % BINS.length] + " -@process.user:nobody'\n    groupByFields: [host, '@process.file.path']\ncases:\n  - status: low\n" + tail;
            case 2 -> head + "method: match\nqueries:\n  - query: 'source:vigil-agent @evt.name:connect @network.destination.port:["
                    + (1024 + v * 5000) + " TO " + (6024 + v * 5000) + "]'\n    groupByFields: [host]\ncases:\n  - status: low\n" + tail;
            case 3 -> head + "method: threshold\nqueries:\n  - name: failed\n    query: 'source:sshd @evt.outcome:failure @usr.name:"
                    + List.of("admin*", "oracle*", "user1*", "test*", "pi*", "git*", "guest*", "ubuntu*", "user2*").get(v % 9)
                    + "'\n    groupByFields: ['@network.client.ip']\ncases:\n  - status: medium\n    condition: failed >= " + (3 + v)
                    + "\noptions:\n  evaluationWindow: " + (5 + v) + "m\n  keepAlive: 10m\n  maxSignalDuration: 1h\n";
            case 4 -> head + "method: threshold\nqueries:\n  - name: users\n    query: 'source:sshd @evt.name:authentication @network.client.ip:203.0."
                    + (113 + v % 8) + ".*'\n    groupByFields: ['@network.client.ip']\n    aggregation: cardinality\n    distinctFields: ['@usr.name']\ncases:\n"
                    + "  - status: medium\n    condition: users >= " + (5 + v) + "\noptions:\n  evaluationWindow: 10m\n  keepAlive: 10m\n  maxSignalDuration: 1h\n";
            case 5 -> head + "method: threshold\nqueries:\n  - name: errors\n    query: 'source:nginx @http.status_code:>=" + (400 + (v % 2) * 100)
                    + " -@http.url:/static/*'\n    groupByFields: ['@network.client.ip']\ncases:\n  - status: low\n    condition: errors >= " + (5 + 5 * v)
                    + "\noptions:\n  evaluationWindow: 1m\n  keepAlive: 10m\n  maxSignalDuration: 1h\n";
            case 6 -> head + "method: new_value\nqueries:\n  - query: 'source:vigil-agent @evt.name:exec'\n    groupByFields: ['@process.user']\n"
                    + "    metric: '" + List.of("@process.file.path", "@process.comm", "@process.parent.file.path").get(v % 3) + "'\ncases:\n  - status: low\n"
                    + "options:\n  newValueOptions:\n    learningDuration: 1m\n    forgetAfter: 7\n";
            case 7 -> head + "method: sequence\nqueries:\n  - name: probe\n    query: 'source:nginx @http.status_code:[400 TO 499]'\n"
                    + "    groupByFields: ['@network.client.ip']\n  - name: hit\n    query: 'source:nginx @http.status_code:200 @http.url:/admin/*'\n"
                    + "    groupByFields: ['@network.client.ip']\ncases:\n  - status: high\n" + tail
                    + "  sequenceDetectionOptions:\n    steps:\n      - name: probing\n        condition: probe >= " + (3 + v) + "\n        evaluationWindow: 5m\n"
                    + "      - name: admin\n        condition: hit >= 1\n        evaluationWindow: 5m\n";
            case 8 -> head + "method: anomaly\nqueries:\n  - query: 'source:" + List.of("vigil-agent @evt.name:open", "nginx @http.status_code:>=500",
                    "sshd @evt.outcome:failure").get(v % 3) + "'\n    groupByFields: [host]\ncases:\n  - status: low\n" + tail
                    + "  anomalyDetectionOptions:\n    bucketDuration: 1m\n    learningDuration: 10m\n    detectionTolerance: " + (3 + v % 3)
                    + "\n    minimumCount: 20\n    baselineBuckets: 60\n";
            case 9 -> head + "method: threshold\nqueries:\n  - name: files\n    query: 'source:vigil-agent @evt.name:open -@evt.outcome:failure @process.user:root'\n"
                    + "    groupByFields: ['@process.comm']\n    aggregation: cardinality\n    distinctFields: ['@open.file.path']\ncases:\n"
                    + "  - status: low\n    condition: files >= " + (500 + 100 * v) + "\noptions:\n  evaluationWindow: 2m\n  keepAlive: 10m\n  maxSignalDuration: 1h\n";
            case 10 -> head + "method: match\nqueries:\n  - query: 'source:(cloudtrail OR kubernetes.audit) @usr.name:dev" + v
                    + "* -@evt.outcome:failure'\n    groupByFields: ['@usr.name']\ncases:\n  - status: info\n" + tail;
            default -> head + "method: threshold\nqueries:\n  - name: bad\n    query: 'status:error @usr.id:c" + v + "*'\n"
                    + "    groupByFields: [host]\ncases:\n  - status: low\n    condition: bad >= 3\noptions:\n  evaluationWindow: 5m\n  keepAlive: 10m\n  maxSignalDuration: 1h\n";
        };
    }
}
