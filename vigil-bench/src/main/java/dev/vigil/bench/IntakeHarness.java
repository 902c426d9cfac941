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
 * <p>Reported: events accepted, accepted events/s while sending, events/s end to end (accepted
 * events over the time until detection caught up), process CPU ({@code OperatingSystemMXBean}) with
 * the client threads' own CPU ({@code ThreadMXBean}) subtracted, hence server events/s per core.
 * Every accepted batch was fsync'd to the event log before its 202.
 * <pre>
 *   java -XX:+UseSerialGC -Xmx1g -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' \
 *        dev.vigil.bench.IntakeHarness [seconds=20] [clients=4]
 * </pre>
 */
public final class IntakeHarness {

    static final int BATCH = 1_000;

    private static final Pattern AGENT_TS = Pattern.compile("\"timestamp\":(\\d+)");

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        boolean gzip = !Boolean.getBoolean("vigil.bench.identity");
        // agent lines split around their nanosecond timestamp, so a client can re-stamp them cheaply
        List<String[]> agent = new ArrayList<>();
        for (String l : BackendMix.agentLines()) {
            Matcher m = AGENT_TS.matcher(l);
            if (!m.find()) continue;
            agent.add(new String[]{l.substring(0, m.start(1)), l.substring(m.end(1))});
        }
        Path data = Files.createTempDirectory("vigil-intake-bench");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        try (VigilServer server = VigilServer.start(ServerConfig.defaults(data).withPort(0))) {
            String key = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
            String base = "http://127.0.0.1:" + server.port();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            AtomicLong accepted = new AtomicLong();
            AtomicLong batches = new AtomicLong();
            AtomicLong clientCpu = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            long deadline = t0 + seconds * 1_000_000_000L;
            List<Thread> ts = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                ts.add(Thread.ofPlatform().name("bench-client-" + c).start(() -> {
                    Random rnd = new Random(id);
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
                                batches.incrementAndGet();
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
            long cpu = os.getProcessCpuTime() - cpu0;
            double sendS = (sent - t0) / 1e9;
            double allS = (caughtUp - t0) / 1e9;
            double serverCpuS = (cpu - clientCpu.get()) / 1e9;
            long n = accepted.get();
            var stats = server.stats();
            System.out.printf(Locale.ROOT, "# IntakeHarness: %d s, %d clients, %s batches of %d (6 agent : 3 syslog : 1 JSON), %d CPUs, %s%n",
                    seconds, clients, gzip ? "gzip" : "uncompressed", BATCH, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
            System.out.println("| accepted events | failed batches | intake events/s (while sending) | detection caught up after (s) | end-to-end events/s | process CPU (s) | of which clients (s) | server CPU (cores) | server events/s per core |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| %,d | %d | %,.0f | %.2f | %,.0f | %.1f | %.1f | %.2f | %,.0f |%n", n, failures.get(), n / sendS,
                    (caughtUp - sent) / 1e9, n / allS, cpu / 1e9, clientCpu.get() / 1e9, serverCpuS / allS, n / serverCpuS);
            System.out.println("# server stats: " + stats);
        } finally {
            deleteTree(data);
        }
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
