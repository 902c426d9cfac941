package dev.vigil.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.vigil.agent.Agent;
import dev.vigil.agent.AgentConfig;
import dev.vigil.agent.ship.ShipMode;
import dev.vigil.agent.ship.ShipperConfig;
import dev.vigil.agent.ship.ShipperStats;
import dev.vigil.detect.signal.Signal;
import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.sensor.SensorConfig;
import dev.vigil.sensor.SensorStats;
import dev.vigil.sensor.SensorUnavailableException;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kernel event to stored signal: how long after a process runs does its signal sit committed in
 * the server's store, with the real agent and the real server on one machine.
 *
 * <pre>
 *   sudo bench/latency-bench.sh --rate 100 --seconds 60      (builds, runs this, writes bench/results/)
 *   java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xss512k -Xmx1g \
 *        -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' \
 *        dev.vigil.bench.LatencyHarness --workloads bench/workloads --rate 100 --seconds 60 --out latency.md
 * </pre>
 *
 * <h2>Set-up (one JVM)</h2>
 * A {@link VigilServer} on a temporary data directory (defaults: built-in rules, SQLite, fsync'd
 * event log, the default commit interval) and an {@link Agent} with the eBPF sensor shipping its
 * alerts to it ({@link ShipMode#ALERTS}, default {@link ShipperConfig.Tuning}: fsync'd on-disk
 * buffer, gzip, the default linger), as {@code vigil agent --server} and {@code vigil server}
 * would run, but in one process. The agent loads only a policy of {@code K} marker rules
 * ({@code exec.file.name == "true" && exec.argv in ["<prefix>-r<k>"]}): one rule alerts at most
 * {@value RuleEngine#DEFAULT_ALERTS_PER_SECOND} times a second, so the offered rate is spread over
 * enough rules that each gets at most {@value #ALERTS_PER_RULE}/s. The server's built-in
 * {@code vigil-agent-alerts} rule turns each agent rule's alerts into one signal whose count grows.
 *
 * <h2>Load</h2>
 * {@code bench/workloads/execmark.c} runs {@code /bin/true <prefix>-r<i mod K> <prefix>-s<i>} at
 * {@code --rate} per second for {@code --warmup} + {@code --seconds}, open loop: execution i is due
 * at start + i/rate whatever happened before, so a slow agent or server does not lower the offered
 * rate (no coordinated omission). It reports each execution's due time and the times around its
 * {@code posix_spawn}. The first {@code --warmup} seconds are run but not counted (JIT warm-up).
 *
 * <h2>What is timed, per execution</h2>
 * <ul>
 *   <li><b>kernel</b>: the exec event's timestamp as the sensor recorded it (the eBPF program's
 *       {@code bpf_ktime_get_ns}, CLOCK_MONOTONIC, turned into wall-clock time by the sensor's
 *       offset, refreshed every second);</li>
 *   <li><b>rule match</b>: the agent's alert sink called, on the sensor's poll thread, right before
 *       the alert line is queued for shipping;</li>
 *   <li><b>in agent buffer</b> and <b>accepted by server</b>: the shipper's written-lines counter and
 *       the server's accepted-events counter passing the alert's place in the agent's alert order,
 *       seen by a thread polling both every millisecond (so these two are ±1 ms);</li>
 *   <li><b>committed</b>: the pipeline's {@link dev.vigil.server.pipeline.DetectionPipeline.CommitListener},
 *       called right after the transaction that stored the signal update committed: when agent
 *       rule k's signal reaches count c, the first c alerts of rule k (in the order the agent
 *       raised them, which the agent, shipper, intake and detection all keep) are committed. Each
 *       update's latest sample is checked to be the c-th alert; a mismatch is counted.</li>
 * </ul>
 * All times are on one clock: {@code System.nanoTime()} (CLOCK_MONOTONIC, as the kernel's) plus
 * an offset to wall time taken once at start; the sensor's own offset is compared with it at the
 * end (drift). The headline is <b>kernel → committed</b>; <b>scheduled → committed</b> adds the
 * driver's own lateness and is what a coordinated-omission-free reading would report if the driver
 * were starved.
 */
public final class LatencyHarness {

    /** Alerts per second each marker rule gets at most (the agent limits a rule to 100/s). */
    static final int ALERTS_PER_RULE = 50;
    /** Stop waiting for the last signals when nothing was committed for this long after the load ended. */
    static final long SETTLE_NANOS = 10_000_000_000L;
    /** The stage poller's period. */
    static final long POLL_NANOS = 1_000_000L;
    /** Windows of the over-time table. */
    static final long WINDOW_NANOS = 10_000_000_000L;
    /** Appends timed by the disk probe before and after the run. */
    static final int FSYNC_PROBES = 300;
    /** The server rule that turns agent alerts into signals (rules/default/agent-alerts.yaml). */
    static final String AGENT_ALERTS_RULE = "vigil-agent-alerts";

    private static final Pattern RESULT = Pattern.compile(
            "execmark ops=(\\d+) elapsed_ns=(\\d+) ops_per_s=(\\d+) user_ns=(\\d+) sys_ns=(\\d+)");

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        Path tmp = o.tmp == null ? Files.createTempDirectory("vigil-latency-bench-")
                : Files.createTempDirectory(Files.createDirectories(o.tmp), "vigil-latency-bench-");
        try {
            Workload.compile(o.workloads, "execmark", tmp);
            Machine machine = Machine.describe();
            LatencyReport.Dist fsyncBefore = fsyncProbe(tmp, FSYNC_PROBES);
            Run run = new LatencyHarness(o, tmp).run();
            LatencyReport.Dist fsyncAfter = fsyncProbe(tmp, FSYNC_PROBES);
            if (o.csv != null) writeCsv(o.csv, run);
            String report = LatencyReport.markdown(machine, run, fsyncBefore, fsyncAfter);
            System.out.print(report);
            if (o.out != null) {
                Path parent = o.out.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                Files.writeString(o.out, report);
                log("report written to " + o.out);
            }
        } finally {
            IntakeHarness.deleteTree(tmp);
        }
    }

    private final Options o;
    private final Path tmp;
    private final String prefix = "vlat" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final Pattern seqArg = Pattern.compile(Pattern.quote(prefix) + "-s(\\d+)");
    private final Pattern ruleArg = Pattern.compile(Pattern.quote(prefix) + "-r(\\d+)");
    private final long wallOffset = wallOffset();

    // per execution, indexed by its sequence number; times in wall-clock ns on this harness's clock
    private final int capacity;
    private final long[] kernel, matched, buffered, accepted, committed;
    private final Order alerts = new Order();       // every alert the agent raised, in order (seq, -1 if not ours)
    private final Order[] byRule;                   // per marker rule, the seqs in alert order
    private final long[] committedCount;            // per marker rule, the signal's count at the last commit
    private final AtomicLong duplicateAlerts = new AtomicLong();
    private final AtomicLong foreignAlerts = new AtomicLong();
    private volatile long sampleMismatches, overCounted, listenerCommits, listenerUpdates;
    /** Executions with a commit time; written by the detection thread after the times (so reading it publishes them). */
    private volatile int committedExecs;

    private LatencyHarness(Options o, Path tmp) {
        this.o = o;
        this.tmp = tmp;
        this.capacity = (int) Math.ceil(o.rate * (o.warmup + o.seconds)) + 16;
        kernel = new long[capacity];
        matched = new long[capacity];
        buffered = new long[capacity];
        accepted = new long[capacity];
        committed = new long[capacity];
        byRule = new Order[o.rules];
        for (int k = 0; k < o.rules; k++) byRule[k] = new Order();
        committedCount = new long[o.rules];
    }

    /** Wall-clock ns minus {@code System.nanoTime()}, from the tightest of a few samples. */
    private static long wallOffset() {
        long best = Long.MAX_VALUE, offset = 0;
        for (int i = 0; i < 20; i++) {
            long a = System.nanoTime();
            Instant now = Instant.now();
            long b = System.nanoTime();
            if (b - a < best) {
                best = b - a;
                offset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - (a + (b - a) / 2);
            }
        }
        return offset;
    }

    private long wallNow() {
        return System.nanoTime() + wallOffset;
    }

    /** What one run produced; times in wall-clock ns of the harness's clock. */
    record Run(String prefix, Options options, Instant started, String loadAtEnd, List<Exec> execs, long driverOps,
               double driverOpsPerSecond, long driverCpuNanos, long sensorLost, SensorStats sensor, ShipperStats shipper,
               long alertsSeen, long foreignAlerts, long duplicateAlerts, long rateLimited, long sampleMismatches,
               long overCounted, long commits, long signalUpdates, long processCpuNanos, long machineBusyNanos, long wallNanos, Gc gc,
               long clockDriftNanos, long encodeErrors, String serverStats, ServerConfig server, ShipperConfig.Tuning tuning,
               SensorConfig sensorConfig, String dataDir) {
        List<Exec> measured() { return execs.stream().filter(e -> e.seq() >= options.warmupExecs()).toList(); }
    }

    /** One marked execution: its times (0: never happened). */
    record Exec(int seq, long due, long before, long after, long kernel, long matched, long buffered, long accepted,
                long committed) {}

    /** GC pauses during the measured run. */
    record Gc(long count, long totalNanos, long maxNanos) {}

    private Run run() throws Exception {
        Path data = tmp.resolve("server");
        Path policies = Files.createDirectories(tmp.resolve("policies"));
        StringBuilder policy = new StringBuilder("rules:\n");
        for (int k = 0; k < o.rules; k++) {
            policy.append("""
                      - id: lat_%d
                        description: Latency marker %d ran
                        expression: exec.file.name == "true" && exec.argv in ["%s-r%d"]
                        severity: medium
                        triage: The latency benchmark (bench/latency-bench.sh).
                        tags: {tactic: TA0002, technique: T1059}
                    """.formatted(k, k, prefix, k));
        }
        Files.writeString(policies.resolve("latency.policy"), policy);

        ServerConfig d = ServerConfig.defaults(data).withPort(0);
        ServerConfig serverConfig = new ServerConfig(d.dataDir(), d.host(), d.port(), d.store(), d.ruleDirs(), d.maxBodyBytes(),
                d.maxLineBytes(), d.eventRetention(), d.signalRetention(),
                o.commitIntervalMillis < 0 ? d.commitInterval() : Duration.ofMillis(o.commitIntervalMillis), d.snapshotInterval(),
                d.builtinRules(), d.secureCookies());
        ShipperConfig.Tuning t = ShipperConfig.Tuning.defaults();
        ShipperConfig.Tuning tuning = new ShipperConfig.Tuning(t.queueCapacity(), t.batchMaxLines(), t.batchMaxBytes(),
                o.lingerMillis < 0 ? t.linger() : Duration.ofMillis(o.lingerMillis), t.backoffMin(), t.backoffMax(), t.authRetry(),
                t.heartbeatInterval(), t.requestTimeout(), t.closeDeadline(), o.agentDurability == null ? t.durability() : o.agentDurability);
        SensorConfig s = SensorConfig.defaults();
        SensorConfig sensorConfig = new SensorConfig(s.eventTypes(), s.ringBufferBytes(), s.hostTags(), s.engineSockets(),
                s.dnsExtraPort(), s.maxProcesses(), o.pollTimeoutMillis < 0 ? s.pollTimeout() : Duration.ofMillis(o.pollTimeoutMillis));

        try (VigilServer server = VigilServer.start(serverConfig)) {
            server.pipeline().setCommitListener(this::onCommit);
            String key = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
            ShipperConfig shipping = ShipperConfig.of(URI.create("http://127.0.0.1:" + server.port()), key)
                    .withStateDir(tmp.resolve("agent")).withTuning(tuning);
            AgentConfig agentConfig = AgentConfig.defaults().withSensor(sensorConfig)
                    .withPolicies(List.of(policies), o.defaultPolicy).withShipping(shipping, ShipMode.ALERTS)
                    // the stages count shipped lines and accepted events in alert order: followed events would
                    // be counted as alerts, so follow-up shipping is off unless asked for (end to end stays exact)
                    .withFollowAlerts(Duration.ofMillis(o.followAlertsMillis));
            Agent agent;
            try {
                agent = Agent.start(agentConfig, this::onAlert);
            } catch (SensorUnavailableException e) {
                throw new IllegalStateException("the sensor cannot start on this machine: " + e.getMessage(), e);
            }
            try (agent) {
                Thread.sleep(1000); // the sensor's process cache bootstrap, the shipper's first heartbeat
                Instant started = Instant.now();
                log(String.format(Locale.ROOT, "%s execs/s for %.0f s (+%.0f s warm-up) over %d marker rules, prefix %s",
                        fmt(o.rate), o.seconds, o.warmup, o.rules, prefix));
                long lost0 = agent.sensorStats().lost();
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                GcWatch gc = new GcWatch();
                Poller poller = new Poller(agent, server);
                Thread pollThread = Thread.ofPlatform().name("latency-stage-poller").daemon(true).start(poller);

                List<String> cmd = List.of(tmp.resolve("execmark").toString(), "-r", fmt(o.rate),
                        "-t", String.format(Locale.ROOT, "%.3f", o.warmup + o.seconds), "-k", Integer.toString(o.rules), prefix);
                long cpu0 = os.getProcessCpuTime();
                long busy0 = ProcStats.machineBusyNanos();
                long t0 = System.nanoTime();
                Process driver = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                List<long[]> lines = new ArrayList<>();
                String result = null;
                try (var out = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = out.readLine()) != null; ) {
                        if (l.startsWith("e ")) {
                            String[] f = l.split(" ");
                            lines.add(new long[]{Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])});
                        } else {
                            result = l;
                        }
                    }
                }
                int rc = driver.waitFor();
                Matcher m = result == null ? null : RESULT.matcher(result);
                if (rc != 0 || m == null || !m.find()) {
                    throw new IllegalStateException("execmark failed: exit code " + rc + ", output: " + result);
                }
                long loadEnded = System.nanoTime();
                long cpuLoaded = os.getProcessCpuTime();
                long busyLoaded = ProcStats.machineBusyNanos();
                log("load done (" + lines.size() + " execs); waiting for their signals");
                int n = Math.min(lines.size(), capacity);
                long lastProgress = System.nanoTime();
                int done = 0;
                while (true) {
                    int now = committedExecs;
                    if (now != done) {
                        done = now;
                        lastProgress = System.nanoTime();
                    }
                    if (done == n || System.nanoTime() - lastProgress > SETTLE_NANOS) break;
                    Thread.sleep(50);
                }
                log(String.format(Locale.ROOT, "%,d of %,d execs committed %.1f s after the load ended", done, n, (System.nanoTime() - loadEnded) / 1e9));
                poller.stop();
                pollThread.join(1000);
                Gc gcs = gc.stop();
                long drift = wallOffset() - wallOffset;
                String load = read("/proc/loadavg").strip();
                SensorStats sensor = agent.sensorStats();
                ShipperStats shipper = agent.shipperStats().orElseThrow();
                long suppressed = agent.ruleStats().stream().filter(r -> r.ruleId().startsWith("lat_"))
                        .mapToLong(RuleEngine.RuleStats::suppressed).sum();
                List<Exec> execs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long[] l = lines.get(i);
                    int seq = (int) l[0];
                    execs.add(new Exec(seq, l[1] + wallOffset, l[2] + wallOffset, l[3] + wallOffset, kernel[seq], matched[seq],
                            buffered[seq], accepted[seq], committed[seq]));
                }
                return new Run(prefix, o, started, load, execs, Long.parseLong(m.group(1)), Double.parseDouble(m.group(3)),
                        Long.parseLong(m.group(4)) + Long.parseLong(m.group(5)), sensor.lost() - lost0, sensor, shipper,
                        alerts.size(), foreignAlerts.get(), duplicateAlerts.get(), suppressed, sampleMismatches, overCounted,
                        listenerCommits, listenerUpdates, cpuLoaded - cpu0, busyLoaded - busy0, loadEnded - t0, gcs, drift, agent.encodeErrors(),
                        server.stats().toString(),
                        serverConfig, tuning, sensorConfig, fileSystem(tmp));
            }
        }
    }

    /**
     * What a forced append costs on this disk right now: {@code n} times a 4 KiB append to a file in
     * {@code dir} and {@code force(false)} (fdatasync), as the agent's buffer and the event log do.
     */
    static LatencyReport.Dist fsyncProbe(Path dir, int n) throws IOException {
        Path f = dir.resolve("fsync-probe");
        long[] t = new long[n];
        java.nio.ByteBuffer page = java.nio.ByteBuffer.allocate(4096);
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.APPEND)) {
            for (int i = 0; i < n; i++) {
                page.clear();
                long a = System.nanoTime();
                while (page.hasRemaining()) ch.write(page);
                ch.force(false);
                t[i] = System.nanoTime() - a;
            }
        } finally {
            Files.deleteIfExists(f);
        }
        return LatencyReport.Dist.of(t);
    }

    /** {@code dir}, and the type of the file system it is on (from /proc/self/mounts: the longest mount point above it). */
    static String fileSystem(Path dir) {
        String best = "", type = "unknown";
        String abs = dir.toAbsolutePath().normalize().toString();
        for (String line : read("/proc/self/mounts").split("\n")) {
            String[] f = line.split(" ");
            if (f.length < 3) continue;
            String mp = f[1];
            boolean above = abs.equals(mp) || abs.startsWith(mp.endsWith("/") ? mp : mp + "/");
            if (above && mp.length() >= best.length()) {
                best = mp;
                type = f[2] + " (" + f[0] + ")";
            }
        }
        return "`" + abs + "` on " + type;
    }

    static void writeCsv(Path csv, Run run) throws IOException {
        Path parent = csv.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (var w = Files.newBufferedWriter(csv)) {
            w.write("seq,measured,due,before,after,kernel,matched,buffered,accepted,committed\n");
            for (Exec e : run.execs()) {
                w.write(e.seq() + "," + (e.seq() >= run.options().warmupExecs() ? 1 : 0) + "," + e.due() + "," + e.before() + ","
                        + e.after() + "," + e.kernel() + "," + e.matched() + "," + e.buffered() + "," + e.accepted() + "," + e.committed() + "\n");
            }
        }
    }

    // ---- the agent's side: alerts as they are raised (sensor poll thread) -----------------------------

    private void onAlert(RuleEngine.Match m) {
        long now = wallNow();
        int seq = -1, rule = -1;
        for (String a : m.event().process().argv()) {
            Matcher s = seqArg.matcher(a);
            if (s.matches()) seq = Integer.parseInt(s.group(1));
            Matcher r = ruleArg.matcher(a);
            if (r.matches()) rule = Integer.parseInt(r.group(1));
        }
        if (!m.rule().id().startsWith("lat_") || seq < 0 || seq >= capacity || rule < 0 || rule >= byRule.length) {
            foreignAlerts.incrementAndGet();
            alerts.add(-1);
            return;
        }
        if (kernel[seq] != 0) duplicateAlerts.incrementAndGet();
        kernel[seq] = m.event().timestamp();
        matched[seq] = now;
        alerts.add(seq);
        byRule[rule].add(seq);
    }

    // ---- the server's side: commits (detection thread) --------------------------------------------------

    private void onCommit(List<Signal> updates, long position) {
        long now = wallNow();
        listenerCommits++;
        for (Signal s : updates) {
            if (!s.ruleId().equals(AGENT_ALERTS_RULE)) continue;
            int k = -1;
            for (String tag : s.tags()) {
                if (tag.startsWith("agent_rule:lat_")) k = Integer.parseInt(tag.substring("agent_rule:lat_".length()));
            }
            if (k < 0 || k >= byRule.length) continue;
            listenerUpdates++;
            Order order = byRule[k];
            int known = order.size();
            long count = s.count();
            for (long j = committedCount[k]; j < Math.min(count, known); j++) {
                int seq = order.get((int) j);
                if (committed[seq] == 0) {
                    committed[seq] = now;
                    committedExecs++;
                }
            }
            if (count > known) overCounted += count - known;
            committedCount[k] = Math.max(committedCount[k], count);
            if (!s.samples().isEmpty() && count >= 1 && count <= known) {
                Matcher sm = seqArg.matcher(s.samples().getLast().toString());
                if (!sm.find() || Integer.parseInt(sm.group(1)) != order.get((int) count - 1)) sampleMismatches++;
            }
        }
    }

    // ---- between them: the shipper's and the intake's counters, polled every millisecond ------------------

    private final class Poller implements Runnable {
        private final Agent agent;
        private final VigilServer server;
        private volatile boolean running = true;
        private int bufferedUpTo, acceptedUpTo;

        Poller(Agent agent, VigilServer server) {
            this.agent = agent;
            this.server = server;
        }

        @Override
        public void run() {
            while (running) {
                long now = wallNow();
                long written = agent.shipperStats().map(ShipperStats::writtenRecords).orElse(0L);
                long in = server.intake().acceptedEvents.sum();
                bufferedUpTo = mark(bufferedUpTo, written, buffered, now);
                acceptedUpTo = mark(acceptedUpTo, in, accepted, now);
                java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
            }
        }

        private int mark(int from, long upTo, long[] times, long now) {
            int end = (int) Math.min(upTo, alerts.size());
            for (int j = from; j < end; j++) {
                int seq = alerts.get(j);
                if (seq >= 0 && times[seq] == 0) times[seq] = now;
            }
            return Math.max(from, end);
        }

        void stop() { running = false; }
    }

    /** An append-only list of ints, one writer, readers on other threads. */
    static final class Order {
        private int[] items = new int[1024];
        private int size;

        synchronized void add(int v) {
            if (size == items.length) items = Arrays.copyOf(items, size * 2);
            items[size++] = v;
        }

        synchronized int get(int i) { return items[i]; }

        synchronized int size() { return size; }
    }

    /** GC pauses from the JVM's notifications, from construction to {@link #stop()}. */
    static final class GcWatch {
        private final AtomicLong count = new AtomicLong(), total = new AtomicLong(), max = new AtomicLong();
        private final List<NotificationEmitter> emitters = new ArrayList<>();
        private final javax.management.NotificationListener listener = (n, h) -> {
            if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) return;
            var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long nanos = info.getGcInfo().getDuration() * 1_000_000L; // ms resolution
            count.incrementAndGet();
            total.addAndGet(nanos);
            max.accumulateAndGet(nanos, Math::max);
        };

        GcWatch() {
            for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (b instanceof NotificationEmitter e) {
                    e.addNotificationListener(listener, null, null);
                    emitters.add(e);
                }
            }
        }

        Gc stop() {
            for (NotificationEmitter e : emitters) {
                try {
                    e.removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException ignored) {
                    // already gone
                }
            }
            return new Gc(count.get(), total.get(), max.get());
        }
    }

    static String fmt(double rate) {
        return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
    }

    static void log(String msg) {
        System.err.println("[" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "] " + msg);
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            return "";
        }
    }

    // ---- options ------------------------------------------------------------------------------------------

    /** Command-line options; see {@link #USAGE}. */
    static final class Options {
        static final String USAGE = """
                usage: LatencyHarness --workloads DIR [--out FILE] [--rate N] [--seconds S] [--warmup S]
                                      [--rules K] [--linger MS] [--commit-interval MS] [--poll-timeout MS]
                                      [--default-policy true|false] [--agent-durability fsync|none] [--csv FILE]
                                      [--tmp DIR] [--follow-alerts MS]
                  --workloads        directory with execmark.c (bench/workloads)
                  --out              also write the markdown report to FILE
                  --csv              write every exec's times to FILE (wall-clock ns; 0: did not happen)
                  --rate             marked executions per second, open loop (default 100)
                  --seconds          measured seconds (default 60)
                  --warmup           seconds run first and not counted (default 5)
                  --rules            marker rules sharing the rate (default: rate/50 rounded up; one rule alerts
                                     at most 100 times a second)
                  --linger           agent shipper linger in ms (default: the product default)
                  --commit-interval  server detection commit interval in ms (default: the product default)
                  --poll-timeout     sensor ring-buffer poll timeout in ms (default: the product default)
                  --default-policy   also load the agent's default policy (default false: only the marker rules)
                  --agent-durability fsync (the default) or none: whether the agent's buffer and its offsets are
                                     forced to disk (none is an experiment, to see what the fsyncs cost)
                  --follow-alerts    ship what each alerted process does next for MS (default 0: off, as the
                                     stage timings assume only alerts are shipped; the product default is 10 min)
                  --tmp              where the server's data and the agent's state go, in a new directory
                                     (default: java.io.tmpdir; /dev/shm takes the disk out, as an experiment)""";

        private static final Set<String> KEYS = Set.of("--workloads", "--out", "--csv", "--tmp", "--rate", "--seconds", "--warmup", "--rules",
                "--linger", "--commit-interval", "--poll-timeout", "--default-policy", "--agent-durability", "--follow-alerts");

        Path workloads;
        Path out;
        Path csv;
        Path tmp;
        double rate = 100;
        double seconds = 60;
        double warmup = 5;
        int rules = -1;
        long lingerMillis = -1;
        long commitIntervalMillis = -1;
        long pollTimeoutMillis = -1;
        long followAlertsMillis;
        boolean defaultPolicy;
        dev.vigil.journal.Durability agentDurability;

        long warmupExecs() { return (long) Math.ceil(warmup * rate); }

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String key = args[i];
                if (!KEYS.contains(key)) throw new IllegalArgumentException("unknown option " + key);
                if (i + 1 >= args.length) throw new IllegalArgumentException("option " + key + " needs a value");
                String v = args[++i];
                switch (key) {
                    case "--workloads" -> o.workloads = Path.of(v);
                    case "--out" -> o.out = Path.of(v);
                    case "--csv" -> o.csv = Path.of(v);
                    case "--tmp" -> o.tmp = Path.of(v);
                    case "--rate" -> o.rate = positive(key, v);
                    case "--seconds" -> o.seconds = positive(key, v);
                    case "--warmup" -> o.warmup = notNegative(key, v);
                    case "--rules" -> o.rules = (int) positive(key, v);
                    case "--linger" -> o.lingerMillis = (long) notNegative(key, v);
                    case "--commit-interval" -> o.commitIntervalMillis = (long) notNegative(key, v);
                    case "--poll-timeout" -> o.pollTimeoutMillis = (long) positive(key, v);
                    case "--follow-alerts" -> o.followAlertsMillis = (long) notNegative(key, v);
                    case "--default-policy" -> {
                        if (!v.equals("true") && !v.equals("false")) throw new IllegalArgumentException("--default-policy: true or false");
                        o.defaultPolicy = Boolean.parseBoolean(v);
                    }
                    case "--agent-durability" -> {
                        if (!v.equals("fsync") && !v.equals("none")) throw new IllegalArgumentException("--agent-durability: fsync or none");
                        o.agentDurability = dev.vigil.journal.Durability.valueOf(v.toUpperCase(Locale.ROOT));
                    }
                    default -> throw new IllegalArgumentException("unknown option " + key);
                }
            }
            if (o.workloads == null) throw new IllegalArgumentException("--workloads is required");
            int needed = (int) Math.ceil(o.rate / ALERTS_PER_RULE);
            if (o.rules < 0) o.rules = Math.max(1, needed);
            if (o.rate / o.rules > RuleEngine.DEFAULT_ALERTS_PER_SECOND * 0.8) {
                throw new IllegalArgumentException("--rules " + o.rules + " gives each rule " + o.rate / o.rules
                        + " alerts/s: the agent limits a rule to " + RuleEngine.DEFAULT_ALERTS_PER_SECOND + "/s; use at least " + needed);
            }
            return o;
        }

        private static double positive(String key, String v) {
            double d = notNegative(key, v);
            if (d > 0) return d;
            throw new IllegalArgumentException(key + " must be a positive number, got '" + v + "'");
        }

        private static double notNegative(String key, String v) {
            try {
                double d = Double.parseDouble(v);
                if (d >= 0) return d;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(key + " must be a non-negative number, got '" + v + "'");
        }
    }
}
