package dev.vigil.bench;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.sensor.Sensor;
import dev.vigil.sensor.SensorConfig;
import dev.vigil.sensor.SensorStats;
import dev.vigil.sensor.SensorUnavailableException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The live sensor against real workloads, side by side with no agent and with auditd, in one run.
 *
 * <pre>
 *   sudo bench/sensor-bench.sh        (builds, starts auditd, runs this and the JMH benchmark)
 *   java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xss512k -Xms32m -Xmx256m \
 *        -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' \
 *        dev.vigil.bench.SensorHarness --workloads bench/workloads --out results.md
 * </pre>
 *
 * <h2>What it measures, per workload (openloop: open-heavy; execloop: exec-heavy)</h2>
 * <ol>
 *   <li><b>Highest zero-loss rate.</b> The real {@link Sensor} runs in this JVM with only the
 *       workload's event type reported and a consumer that only counts. The workload is offered
 *       rising rates ({@link Workload#ladder()}) for {@code --step-seconds} each, shared by
 *       {@code --procs} copies of it (default one per CPU: one process alone cannot offer enough
 *       opens once every open pays for the probe). A step <em>sustains</em> its rate when the
 *       kernel lost no record ({@link SensorStats#lost()}), the agent delivered every workload event
 *       and the last one within {@link #MAX_LAG_NANOS} of the workload's end (so no backlog was
 *       building up inside the 16 MiB ring buffer), and the workload reached {@link #REACHED} of the
 *       offered rate. The search stops at the first step with loss or lag, or when the workload's
 *       achieved rate stops growing, then bisects {@link #REFINEMENTS} times between the last good
 *       and the first failing rate. Reported per step: records decoded per second, the JVM's CPU
 *       (utime+stime from /proc/self/stat, in cores), the poll thread's CPU, VmRSS, and the time
 *       spent in the sensor's eBPF programs per operation ({@link BpfStats}: the in-kernel half of
 *       the cost, which the JVM's CPU does not show).</li>
 *   <li><b>Overhead.</b> One workload process runs unthrottled for {@code --run-seconds} with no
 *       agent, with Vigil, and with auditd rules on the same syscalls ({@link Audit}),
 *       {@code --rounds} times, the order rotated each round so that drift on a noisy machine hits
 *       every configuration alike. Reported: median ops/s with min-max, time per operation against
 *       no agent, the workload's own CPU per operation (a monitor's in-kernel work is charged there),
 *       the monitor's CPU and its losses.</li>
 * </ol>
 * A markdown report goes to stdout and to {@code --out}; progress goes to stderr.
 */
public final class SensorHarness {

    /** Default seconds each offered rate runs during the search. */
    static final double STEP_SECONDS = 4;
    /** Default seconds of each unthrottled overhead run. */
    static final double RUN_SECONDS = 2;
    /** Default overhead repetitions per configuration. */
    static final int ROUNDS = 5;
    /** A step counts only when the workload achieved at least this share of the offered rate. */
    static final double REACHED = 0.95;
    /** A step fails when the agent delivers the workload's last event later than this after its end. */
    static final long MAX_LAG_NANOS = 250_000_000L;
    /** Delivered-event counts unchanged this long mean the agent has drained its backlog. */
    static final long QUIET_NANOS = 200_000_000L;
    /** Longest wait for the drain. */
    static final long MAX_DRAIN_NANOS = 10_000_000_000L;
    /** Wait after a step so the sensor's loss counter (read every 100 ms) is current. */
    static final long LOSS_SETTLE_MILLIS = 300;
    /** A step the workload could not fully offer still leads to the next rate if it achieved this much more. */
    static final double MIN_GAIN = 0.05;
    /**
     * Workload events that may go uncounted without failing a step: those decoded in the instant
     * between a workload process starting and the counter learning its pid.
     */
    static final long MISSING_SLACK = 100;
    /** Bisection steps between the last good and the first failing rate. */
    static final int REFINEMENTS = 2;
    /** Pause between measurements, so one's tail does not fall into the next. */
    static final long PAUSE_MILLIS = 500;
    /** The sensor's poll thread (see Sensor). */
    static final String POLL_THREAD = "vigil-sensor";

    private final Options options;
    private final Audit.Probe audit;

    private SensorHarness(Options options, Audit.Probe audit) {
        this.options = options;
        this.audit = audit;
    }

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
        Path bin = Files.createTempDirectory("vigil-bench-");
        try {
            List<Workload> workloads = new ArrayList<>();
            for (String name : o.only) {
                Workload.compile(o.workloads, name.equals("open") ? "openloop" : "execloop", bin);
                workloads.add(name.equals("open") ? Workload.open(bin) : Workload.exec(bin));
            }
            Machine machine = Machine.describe();
            Audit.Probe audit = Audit.probe();
            if (audit.audit() == null) {
                log("auditd will not be measured: " + audit.unavailable());
            }
            SensorHarness h = new SensorHarness(o, audit);
            Instant started = Instant.now();
            List<Search> searches = new ArrayList<>();
            List<Overhead> overheads = new ArrayList<>();
            for (Workload w : workloads) {
                searches.add(h.search(w));
                overheads.add(h.overhead(w));
            }
            String report = Report.markdown(o, machine, audit, started, searches, overheads);
            System.out.print(report);
            if (o.out != null) {
                Files.createDirectories(o.out.toAbsolutePath().getParent());
                Files.writeString(o.out, report);
                log("report written to " + o.out);
            }
        } finally {
            try (var files = Files.list(bin)) {
                for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(bin);
        }
    }

    // ---- the sensor under test ---------------------------------------------------------------------

    /** Counts the events of the workload processes now running (set by {@link #watch}); drops everything else. */
    static final class Counter implements Consumer<Event> {
        private final Workload workload;
        private volatile int[] pids = new int[0];
        private final AtomicLong owned = new AtomicLong();

        Counter(Workload workload) { this.workload = workload; }

        @Override
        public void accept(Event e) {
            if (workload.owns(e, pids)) {
                owned.setRelease(owned.getPlain() + 1); // one writer: the poll thread
            }
        }

        void watch(int[] workloadPids) { pids = workloadPids; }

        long owned() { return owned.getAcquire(); }
    }

    /** A started sensor reporting only the workload's event type, and its poll thread's Linux tid. */
    record Live(Sensor sensor, Counter counter, int pollTid, Set<Integer> programs) implements AutoCloseable {
        static Live start(Workload w, BpfStats bpf) {
            Counter c = new Counter(w);
            Set<Integer> before = bpf == null ? Set.of() : bpf.ids();
            try {
                Sensor s = Sensor.start(SensorConfig.defaults().withEventTypes(Set.of(w.eventType())), c);
                Set<Integer> programs = new HashSet<>(bpf == null ? Set.of() : bpf.ids());
                programs.removeAll(before);
                int tid = -1;
                for (int i = 0; i < 50 && tid < 0; i++) {
                    tid = ProcStats.threadId(POLL_THREAD);
                    if (tid < 0) Audit.sleep(10);
                }
                return new Live(s, c, tid, programs);
            } catch (SensorUnavailableException e) {
                throw new IllegalStateException("the sensor cannot start on this machine: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() { sensor.close(); }
    }

    // ---- 1. highest zero-loss rate ----------------------------------------------------------------------

    enum Verdict {
        SUSTAINED("sustained"), GENERATOR("workload could not offer more"), LOST("records lost"),
        /** Events still undelivered, or delivered late, after the workload ended: a backlog was growing. */
        BEHIND("agent fell behind");
        final String text;
        Verdict(String text) { this.text = text; }
    }

    /** One offered rate and what the agent did with it. */
    record Step(long offered, Workload.Run run, long records, long events, long owned, long lost, double lagMillis,
                double windowSeconds, double jvmCores, double pollCores, double otherCores, long rssKib,
                double bpfNanosPerOp, Verdict verdict) {
        double recordsPerSecond() { return records / windowSeconds; }
        double eventsPerSecond() { return events / windowSeconds; }
    }

    /**
     * The search's outcome: every step, the best zero-loss step (highest achieved rate), the first
     * step that lost or lagged (null if none), and the JVM's peak RSS.
     */
    record Search(Workload workload, List<Step> steps, Step best, Step firstFailure, long peakRssKib) {
        /** Whether the search ended because the workload could not offer more (not the agent). */
        boolean generatorBound() {
            return firstFailure == null && !steps.isEmpty() && steps.getLast().verdict() == Verdict.GENERATOR;
        }

        double maxAchieved() {
            return steps.stream().mapToDouble(s -> s.run().opsPerSecond()).max().orElse(0);
        }
    }

    Search search(Workload w) {
        log(w.name() + ": searching the highest zero-loss rate (" + options.procs + " processes, " + options.stepSeconds + " s per step)");
        List<Step> steps = new ArrayList<>();
        Step best = null, failure = null;
        try (BpfStats bpf = BpfStats.enable(); Live live = Live.start(w, bpf)) {
            pause();
            for (long rate : w.ladder()) {
                Step s = step(live, bpf, w, rate);
                steps.add(s);
                if (s.verdict() == Verdict.SUSTAINED) {
                    best = s;
                    continue;
                }
                if (s.verdict() == Verdict.GENERATOR) {
                    // zero loss at what the workload managed; offer more only while that still grows
                    boolean grew = best == null || s.run().opsPerSecond() > best.run().opsPerSecond() * (1 + MIN_GAIN);
                    best = best == null || s.run().opsPerSecond() > best.run().opsPerSecond() ? s : best;
                    if (grew) continue;
                } else {
                    failure = s;
                }
                break;
            }
            long good = best == null ? 0 : best.offered();
            for (int i = 0; i < REFINEMENTS && failure != null && best != null; i++) {
                long granule = failure.offered() >= 100_000 ? 10_000 : failure.offered() >= 1_000 ? 100 : 10;
                long mid = (good + failure.offered()) / 2 / granule * granule;
                if (mid <= good) break;
                Step s = step(live, bpf, w, mid);
                steps.add(s);
                if (s.verdict() == Verdict.SUSTAINED) {
                    best = s;
                    good = mid;
                } else if (s.verdict() == Verdict.GENERATOR) {
                    best = s.run().opsPerSecond() > best.run().opsPerSecond() ? s : best;
                    break;
                } else {
                    failure = s;
                }
            }
        }
        return new Search(w, steps, best, failure, ProcStats.peakRssKib());
    }

    private Step step(Live live, BpfStats bpf, Workload w, long rate) {
        Sensor sensor = live.sensor();
        Map<Integer, Long> bpf0 = bpf.runTimes();
        SensorStats s0 = sensor.stats();
        long owned0 = live.counter().owned();
        long cpu0 = ProcStats.selfCpuNanos(), poll0 = ProcStats.threadCpuNanos(live.pollTid()), busy0 = ProcStats.machineBusyNanos();
        long t0 = System.nanoTime();
        Workload.Run run = w.run(rate, options.stepSeconds, options.procs, live.counter()::watch);
        long t1 = System.nanoTime();
        SensorStats s1 = sensor.stats();
        long cpu1 = ProcStats.selfCpuNanos(), poll1 = ProcStats.threadCpuNanos(live.pollTid()), busy1 = ProcStats.machineBusyNanos();
        long rss = ProcStats.rssKib();
        long bpfNanos = BpfStats.delta(bpf0, bpf.runTimes(), live.programs());
        long lastChange = drain(live.counter(), run.exitedAt());
        Audit.sleep(LOSS_SETTLE_MILLIS);
        SensorStats s2 = sensor.stats();

        double window = (t1 - t0) / 1e9;
        long lost = s2.lost() - s0.lost();
        long lag = Math.max(0, lastChange - run.exitedAt());
        double jvm = (cpu1 - cpu0) / 1e9 / window;
        double workloadCores = (run.userNanos() + run.sysNanos()) / 1e9 / window;
        double other = Math.max(0, (busy1 - busy0) / 1e9 / window - jvm - workloadCores);
        long owned = live.counter().owned() - owned0;
        long missing = run.ops() - owned; // one event of the watched type per operation
        Verdict v = lost > 0 ? Verdict.LOST
                : lag > MAX_LAG_NANOS || missing > Math.max(MISSING_SLACK, run.ops() / 1000) ? Verdict.BEHIND
                : run.opsPerSecond() < REACHED * rate ? Verdict.GENERATOR
                : Verdict.SUSTAINED;
        Step s = new Step(rate, run, s1.records() - s0.records(), s1.events() - s0.events(), owned, lost,
                lag / 1e6, window, jvm, (poll1 - poll0) / 1e9 / window, other, rss,
                bpfNanos < 0 || run.ops() == 0 ? -1 : (double) bpfNanos / run.ops(), v);
        log(String.format(Locale.ROOT, "  %s offered %,d/s: achieved %,.0f/s, %,.0f records/s, lost %d, lag %.0f ms, JVM %.2f cores, eBPF %.0f ns/op -> %s",
                w.name(), rate, run.opsPerSecond(), s.recordsPerSecond(), lost, s.lagMillis(), jvm, s.bpfNanosPerOp(), v.text));
        pause();
        return s;
    }

    /** Waits until the workload's delivered-event count stops growing; returns when it last grew. */
    private static long drain(Counter counter, long since) {
        long last = counter.owned(), lastChange = since, start = System.nanoTime();
        while (true) {
            Audit.sleep(10);
            long now = System.nanoTime(), c = counter.owned();
            if (c != last) {
                last = c;
                lastChange = now;
            } else if (now - lastChange > QUIET_NANOS && now - since > QUIET_NANOS) {
                return lastChange;
            }
            if (now - start > MAX_DRAIN_NANOS) {
                return now;
            }
        }
    }

    // ---- 2. overhead --------------------------------------------------------------------------------------

    enum Monitor {
        NONE("no agent"), VIGIL("Vigil"), AUDITD("auditd");
        final String text;
        Monitor(String text) { this.text = text; }
    }

    /** One unthrottled run under one monitor. {@code lost} is -1 when not applicable. */
    record Sample(Workload.Run run, double monitorCores, long lost) {}

    record Overhead(Workload workload, Map<Monitor, List<Sample>> samples, String auditNote) {}

    Overhead overhead(Workload w) {
        List<Monitor> monitors = new ArrayList<>(List.of(Monitor.NONE, Monitor.VIGIL));
        if (audit.audit() != null) monitors.add(Monitor.AUDITD);
        log(w.name() + ": overhead, " + options.rounds + " rounds of " + monitors + ", " + options.runSeconds + " s each");
        Map<Monitor, List<Sample>> samples = new EnumMap<>(Monitor.class);
        for (int r = 0; r < options.rounds; r++) {
            for (int i = 0; i < monitors.size(); i++) {
                Monitor m = monitors.get((i + r) % monitors.size());
                Sample s = sample(w, m);
                samples.computeIfAbsent(m, k -> new ArrayList<>()).add(s);
                log(String.format(Locale.ROOT, "  round %d %-8s %,10.0f ops/s  monitor %.2f cores  lost %d",
                        r + 1, m.text, s.run().opsPerSecond(), s.monitorCores(), s.lost()));
                pause();
            }
        }
        return new Overhead(w, samples, audit.audit() == null ? audit.unavailable() : null);
    }

    private Sample sample(Workload w, Monitor m) {
        return switch (m) {
            case NONE -> new Sample(w.run(0, options.runSeconds, 1, pids -> {}), 0, -1);
            case VIGIL -> {
                try (Live live = Live.start(w, null)) {
                    pause();
                    long lost0 = live.sensor().stats().lost(), cpu0 = ProcStats.selfCpuNanos();
                    Workload.Run run = w.run(0, options.runSeconds, 1, live.counter()::watch);
                    long cpu1 = ProcStats.selfCpuNanos();
                    drain(live.counter(), run.exitedAt());
                    Audit.sleep(LOSS_SETTLE_MILLIS);
                    yield new Sample(run, (cpu1 - cpu0) / 1e9 / seconds(run), live.sensor().stats().lost() - lost0);
                }
            }
            case AUDITD -> {
                Audit a = audit.audit();
                long lost0 = a.lost();
                long cpu0, cpu1;
                Workload.Run run;
                Audit.Rules rules = a.add(w.auditRule());
                try {
                    cpu0 = a.cpuNanos();
                    run = w.run(0, options.runSeconds, 1, pids -> {});
                    cpu1 = a.cpuNanos();
                } finally {
                    rules.close(); // removes the rules and waits for the audit backlog to drain
                }
                yield new Sample(run, (cpu1 - cpu0) / 1e9 / seconds(run), a.lost() - lost0);
            }
        };
    }

    private static double seconds(Workload.Run run) {
        return (run.exitedAt() - run.launchedAt()) / 1e9;
    }

    private static void pause() {
        Audit.sleep(PAUSE_MILLIS);
    }

    static void log(String msg) {
        System.err.println("[" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "] " + msg);
    }

    // ---- options ------------------------------------------------------------------------------------------

    /** Command-line options; see {@link #USAGE}. */
    static final class Options {
        static final String USAGE = """
                usage: SensorHarness --workloads DIR [--out FILE] [--only open,exec] [--procs N]
                                     [--step-seconds S] [--run-seconds S] [--rounds N]
                  --workloads     directory with openloop.c and execloop.c (bench/workloads)
                  --out           also write the markdown report to FILE
                  --only          workloads to run (default: open,exec)
                  --procs         workload processes sharing the offered rate in the zero-loss search
                                  (default: one per CPU; overhead runs always use one)
                  --step-seconds  seconds per offered rate in the zero-loss search (default 4)
                  --run-seconds   seconds per unthrottled overhead run (default 2)
                  --rounds        overhead runs per configuration (default 5)""";

        private static final Set<String> KEYS = Set.of("--workloads", "--out", "--only", "--step-seconds",
                "--run-seconds", "--rounds", "--procs");

        Path workloads;
        Path out;
        List<String> only = List.of("open", "exec");
        double stepSeconds = STEP_SECONDS;
        double runSeconds = RUN_SECONDS;
        int rounds = ROUNDS;
        int procs = Runtime.getRuntime().availableProcessors();

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
                    case "--only" -> {
                        o.only = Arrays.stream(v.split(",")).map(String::strip).toList();
                        for (String w : o.only) {
                            if (!w.equals("open") && !w.equals("exec")) {
                                throw new IllegalArgumentException("--only: unknown workload '" + w + "' (allowed: open, exec)");
                            }
                        }
                    }
                    case "--step-seconds" -> o.stepSeconds = positive(key, v);
                    case "--run-seconds" -> o.runSeconds = positive(key, v);
                    case "--rounds" -> o.rounds = (int) positive(key, v);
                    case "--procs" -> o.procs = (int) positive(key, v);
                    default -> throw new IllegalArgumentException("unknown option " + key);
                }
            }
            if (o.workloads == null) throw new IllegalArgumentException("--workloads is required");
            return o;
        }

        private static double positive(String key, String v) {
            try {
                double d = Double.parseDouble(v);
                if (d > 0) return d;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(key + " must be a positive number, got '" + v + "'");
        }
    }

    /** Median, min and max of some values. */
    record Spread(double median, double min, double max) {
        static Spread of(List<Double> values) {
            List<Double> v = values.stream().sorted(Comparator.naturalOrder()).toList();
            int n = v.size();
            double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
            return new Spread(median, v.getFirst(), v.getLast());
        }
    }
}
