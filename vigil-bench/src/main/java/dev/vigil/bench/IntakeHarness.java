package dev.vigil.bench;

import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * End-to-end intake: a real {@link VigilServer} (default rules, SQLite store, event log under a
 * temporary directory) receiving gzip NDJSON batches of {@value #BATCH} lines over HTTP from a few
 * client threads in this JVM, for a fixed time; then it waits until detection has committed
 * everything the log holds ({@code pipeline().lagBytes() == 0}).
 *
 * <p>The mix is {@link BackendMix}'s: of every 10 batches, 6 are agent lines (the recorded trace,
 * re-stamped to now), 3 sshd auth.log lines ({@code /api/v1/intake/syslog}) and 1 JSON logs
 * ({@code /api/v1/intake/logs}). Each batch is built and gzipped (level 1) by its client just before
 * it is sent, with current times, so detection sees a live stream. {@code -Dvigil.bench.identity=true}
 * sends the bodies uncompressed (on 2026-11-22 the server answered every gzip body from this
 * classpath with an empty 400, see docs/benchmarks.md).
 *
 * <p>The server first takes {@code warm-up} seconds of the same load, not counted (the JIT compiles
 * the server's code meanwhile: in a cold 20 s run the compiler threads took about 30% of the
 * process's CPU), then the measured phase runs. {@code rules=100} loads the benchmark's 100 mixed
 * rules ({@link BackendMix#rules}: the built-in 8 and 92 generated ones, written as rule files).
 *
 * <p>Reported: events accepted, accepted events/s while sending, events/s end to end (accepted
 * events over the time until detection caught up), process CPU ({@code OperatingSystemMXBean}) with
 * the client threads' own CPU ({@code ThreadMXBean}) subtracted, hence server events/s per core.
 * Every accepted batch was fsync'd to the event log before its 202.
 * <pre>
 *   java -XX:+UseSerialGC -Xmx1g -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' \
 *        dev.vigil.bench.IntakeHarness [seconds=20] [clients=4] [rules=8] [warm-up seconds=10]
 * </pre>
 */
public final class IntakeHarness {

    static final int BATCH = 1_000;

    private static final Pattern AGENT_TS = Pattern.compile("\"timestamp\":(\\d+)");

    /** What one phase of load did. */
    private record Phase(long accepted, long failures, double sendSeconds, double catchUpSeconds, long cpuNanos, long clientCpuNanos) {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int rules = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        boolean gzip = !Boolean.getBoolean("vigil.bench.identity");
        // agent lines split around their nanosecond timestamp, so a client can re-stamp them cheaply
        List<String[]> agent = new ArrayList<>();
        for (String l : BackendMix.agentLines()) {
            Matcher m = AGENT_TS.matcher(l);
            if (!m.find()) continue;
            agent.add(new String[]{l.substring(0, m.start(1)), l.substring(m.end(1))});
        }
        Path data = Files.createTempDirectory("vigil-intake-bench");
        ServerConfig config = ServerConfig.defaults(data).withPort(0);
        if (rules > 8) {
            // the benchmark's 100 mixed rules: the built-in 8 plus generated ones, as rule files
            Path dir = Files.createDirectories(data.resolve("bench-rules"));
            for (int i = 0; i < rules - 8; i++) Files.writeString(dir.resolve("bench-" + i + ".yaml"), BackendMix.ruleYaml(i));
            config = config.withRuleDirs(List.of(dir));
        }
        try (VigilServer server = VigilServer.start(config)) {
            String key = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
            String base = "http://127.0.0.1:" + server.port();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Phase warm = warmup > 0 ? load(server, http, base, key, agent, clients, warmup, gzip, 1000) : null;
            Phase p = load(server, http, base, key, agent, clients, seconds, gzip, 0);
            long n = p.accepted;
            double allS = p.sendSeconds + p.catchUpSeconds;
            double serverCpuS = (p.cpuNanos - p.clientCpuNanos) / 1e9;
            var stats = server.stats();
            System.out.printf(Locale.ROOT, "# IntakeHarness: %d s after %d s of warm-up, %d clients, %d rules, %s batches of %d (6 agent : 3 syslog : 1 JSON), %d CPUs, %s%n",
                    seconds, warmup, clients, server.pipeline().engine().rules().size(), gzip ? "gzip" : "uncompressed", BATCH,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
            if (warm != null) {
                System.out.printf(Locale.ROOT, "# warm-up (not counted): %,d events, %,.0f events/s per server core%n", warm.accepted,
                        warm.accepted / ((warm.cpuNanos - warm.clientCpuNanos) / 1e9));
            }
            System.out.println("| accepted events | failed batches | intake events/s (while sending) | detection caught up after (s) | end-to-end events/s | process CPU (s) | of which clients (s) | server CPU (cores) | server events/s per core |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| %,d | %d | %,.0f | %.2f | %,.0f | %.1f | %.1f | %.2f | %,.0f |%n", n, p.failures, n / p.sendSeconds,
                    p.catchUpSeconds, n / allS, p.cpuNanos / 1e9, p.clientCpuNanos / 1e9, serverCpuS / allS, n / serverCpuS);
            System.out.println("# server stats: " + stats);
        } finally {
            deleteTree(data);
        }
    }

    /**
     * {@code clients} threads post batches for {@code seconds}, then waits until detection has
     * caught up; batch numbers start at {@code firstBatch} so phases send different batches.
     */
    private static Phase load(VigilServer server, HttpClient http, String base, String key, List<String[]> agent, int clients,
                              int seconds, boolean gzip, long firstBatch) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        AtomicLong accepted = new AtomicLong();
        AtomicLong clientCpu = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long deadline = t0 + seconds * 1_000_000_000L;
        List<Thread> ts = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            ts.add(Thread.ofPlatform().name("bench-client-" + c).start(() -> {
                Random rnd = new Random(firstBatch + id);
                int agentAt = rnd.nextInt(agent.size());
                long own0 = threads.getCurrentThreadCpuTime();
                for (long b = id; System.nanoTime() < deadline; b += clients) {
                    long now = System.currentTimeMillis();
                    StringBuilder body = new StringBuilder(BATCH * 300);
                    String path;
                    int k = (int) (b % 10);
                    if (k < 6) {
                        path = "/api/v1/intake/agent";
                        for (int i = 0; i < BATCH; i++) {
                            String[] l = agent.get(agentAt);
                            agentAt = (agentAt + 1) % agent.size();
                            body.append(l[0]).append(now * 1_000_000L + i).append(l[1]).append('\n');
                        }
                    } else if (k < 9) {
                        path = "/api/v1/intake/syslog";
                        for (int i = 0; i < BATCH; i++) body.append(BackendMix.sshdLine(rnd, now)).append('\n');
                    } else {
                        path = "/api/v1/intake/logs";
                        for (int i = 0; i < BATCH; i++) body.append(BackendMix.jsonLine(rnd, now)).append('\n');
                    }
                    try {
                        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path))
                                .header("Authorization", "Bearer " + key)
                                .header("Content-Type", "application/x-ndjson").timeout(Duration.ofSeconds(60));
                        if (gzip) rb.header("Content-Encoding", "gzip");
                        byte[] bytes = gzip ? gzip(body) : body.toString().getBytes(StandardCharsets.UTF_8);
                        HttpResponse<String> r = http.send(rb.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 202) {
                            accepted.addAndGet(BATCH);
                        } else if (failures.incrementAndGet() <= 3) {
                            System.err.println("intake answered " + r.statusCode() + ": " + r.body());
                        }
                    } catch (IOException | InterruptedException x) {
                        if (failures.incrementAndGet() <= 3) System.err.println("intake failed: " + x);
                    }
                }
                clientCpu.addAndGet(threads.getCurrentThreadCpuTime() - own0);
            }));
        }
        for (Thread t : ts) t.join();
        long sent = System.nanoTime();
        while (server.pipeline().lagBytes() > 0) Thread.sleep(5);
        long caughtUp = System.nanoTime();
        return new Phase(accepted.get(), failures.get(), (sent - t0) / 1e9, (caughtUp - sent) / 1e9, os.getProcessCpuTime() - cpu0, clientCpu.get());
    }

    static byte[] gzip(CharSequence text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() / 8);
        try (GZIPOutputStream z = new GZIPOutputStream(out, 65536) {{ def.setLevel(Deflater.BEST_SPEED); }}) {
            z.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
