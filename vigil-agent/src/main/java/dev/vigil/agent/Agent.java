package dev.vigil.agent;

import dev.vigil.agent.ship.AgentStatus;
import dev.vigil.agent.ship.AlertFollower;
import dev.vigil.agent.ship.ShipMode;
import dev.vigil.agent.ship.Shipper;
import dev.vigil.agent.ship.ShipperStats;
import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.secl.eval.Variables;
import dev.vigil.secl.policy.Action;
import dev.vigil.secl.policy.PolicyLoader;
import dev.vigil.secl.policy.Problem;
import dev.vigil.secl.policy.Rule;
import dev.vigil.sensor.Sensor;
import dev.vigil.sensor.SensorStats;
import dev.vigil.sensor.SensorUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The host agent: the sensor's events judged by SECL rules in real time.
 *
 * <h2>Threading</h2>
 * Rules run on the sensor's poll thread, right where events are decoded (evaluation is cheap and
 * allocation-light; a slow sink shows up as counted ring-buffer loss, never silent drops).
 *
 * <h2>Reload</h2>
 * {@link #reload()} (SIGHUP, or a change to a policy file) loads the policies again off the poll
 * thread, then hands the new engine to the poll thread, which swaps it in between two events: no
 * event is lost or evaluated twice, and rule variables carry over. A policy with errors reloads
 * what is valid and reports the rest, as at start.
 *
 * <h2>Enforcement</h2>
 * Rules' {@code kill} actions are carried out only when {@link AgentConfig#enforce()} is on, never on
 * pid 1 or the agent itself; otherwise they are reported as would-be kills.
 *
 * <h2>Shipping</h2>
 * With {@link AgentConfig#shipper()} set, every alert (and with {@link ShipMode#ALL} every event) is
 * also encoded as an NDJSON line on the poll thread and handed to a {@link Shipper}, which only
 * queues it there; buffering on disk and sending happen on the shipper's own threads. With
 * {@link ShipMode#ALERTS}, an {@link AlertFollower} also picks the events of each alerted process and
 * its descendants for {@link AgentConfig#followAlerts()} after the alert, so the server sees what the
 * alerted process did next.
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    /** Where alerts, problems and enforcement results go. */
    public interface Sink {
        void onAlert(RuleEngine.Match match);

        /** A policy problem (at start or reload). */
        default void onProblem(Problem problem) { }

        /** A kill action: carried out (enforce on) or only reported. */
        default void onKill(Rule rule, Event event, Action.Kill kill, String outcome) { }

        /** The kernel dropped events (also counted in stats). */
        default void onLostEvents(Event lost) { }
    }

    private final AgentConfig config;
    private final Sink sink;
    private final Variables variables = new Variables();
    private volatile RuleEngine engine;
    private volatile RuleEngine pending;
    private final Sensor sensor;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong alerts = new AtomicLong();
    private volatile int ruleCount;
    private volatile String policyVersion = "";
    private Thread watcher;
    private final Shipper shipper;
    private final ShipLines lines;
    private final boolean shipEvents;
    /** Null unless shipping alerts only with a follow window. */
    private final AlertFollower follower;
    private final AtomicLong encodeErrors = new AtomicLong();
    private final String version = version();
    private final RuleEngine.Listener listener = new RuleEngine.Listener() {
        @Override
        public void onAlert(RuleEngine.Match match) {
            alerts.incrementAndGet();
            sink.onAlert(match);
            if (follower != null) follower.onAlert(match.event());
            if (shipper != null) {
                try {
                    shipper.offer(lines.alert(match, version));
                } catch (IOException | RuntimeException e) {
                    encodeError(e);
                }
            }
        }

        @Override
        public void onKill(Rule rule, Event event, Action.Kill kill) {
            sink.onKill(rule, event, kill, kill(event, kill));
        }
    };

    private Agent(AgentConfig config, Sink sink) throws IOException, SensorUnavailableException {
        this.config = config;
        this.sink = sink;
        this.engine = load();
        this.shipper = config.shipper() == null ? null : Shipper.start(config.shipper(), this::status);
        this.lines = shipper == null ? null : new ShipLines();
        this.shipEvents = shipper != null && config.ship() == ShipMode.ALL;
        this.follower = shipper != null && config.ship() == ShipMode.ALERTS && config.followAlerts().isPositive()
                ? new AlertFollower(config.followAlerts(), shipper::hasSpareRoom) : null;
        try {
            // every event type: a reloaded policy may add rules on types the first did not use
            this.sensor = Sensor.start(config.sensor().withEventTypes(Set.of()), this::onEvent);
        } catch (SensorUnavailableException | RuntimeException e) {
            if (shipper != null) shipper.close();
            throw e;
        }
    }

    /**
     * Loads the policies and starts the sensor.
     *
     * @throws IOException                if a configured policy file cannot be read
     * @throws SensorUnavailableException if the sensor cannot run here (the message says why)
     */
    public static Agent start(AgentConfig config, Sink sink) throws IOException, SensorUnavailableException {
        Agent a = new Agent(config, sink);
        if (config.watchPolicies() && !config.policies().isEmpty()) {
            a.watch();
        }
        return a;
    }

    private RuleEngine load() throws IOException {
        List<PolicyLoader.Source> sources = Policies.sources(config);
        PolicyLoader.Result result = PolicyLoader.load(sources);
        for (Problem p : result.problems()) {
            if (p.level() != Problem.Level.INFO) sink.onProblem(p);
        }
        ruleCount = result.rules().size();
        policyVersion = digest(sources);
        LOG.info("loaded {} rules ({} errors)", result.rules().size(), result.errors().size());
        return new RuleEngine(result.rules(), variables);
    }

    /** Reloads the policies; the poll thread swaps the new rules in before its next event. */
    public synchronized void reload() {
        try {
            pending = load();
            reloads.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            sink.onProblem(new Problem(Problem.Level.ERROR, "reload", "policies", 0, 0, "",
                    "reload failed, keeping the current rules: " + e.getMessage()));
        }
    }

    private void onEvent(Event e) {
        RuleEngine next = pending;
        if (next != null) {
            pending = null;
            engine = next;
        }
        if (shipEvents || (follower != null && follower.follows(e))) {
            try {
                shipper.offer(lines.event(e));
            } catch (IOException | RuntimeException ex) {
                encodeError(ex);
            }
        }
        if (e.type() == EventType.LOST_EVENTS) {
            sink.onLostEvents(e);
            return;
        }
        engine.evaluate(e, e.timestamp(), listener);
    }

    private void encodeError(Exception e) {
        if (encodeErrors.incrementAndGet() == 1) {
            LOG.error("cannot encode a line to ship (counted as encode_errors; logged once)", e);
        }
    }

    /** A short digest of the policies' names and texts: changes whenever a policy does. */
    private static String digest(List<PolicyLoader.Source> sources) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (var s : sources) {
                md.update(s.name().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(s.text().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the heartbeat says about this agent. */
    private AgentStatus status() {
        SensorStats s = sensor == null ? null : sensor.stats();
        Map<String, Long> m = new LinkedHashMap<>();
        if (s != null) {
            m.put("events", s.events());
            m.put("lost", s.lost());
            m.put("untracked", s.untracked());
            m.put("malformed", s.malformed());
            m.put("consumer_errors", s.consumerErrors());
            m.put("processes", (long) s.processes());
        }
        m.put("alerts", alerts.get());
        m.put("encode_errors", encodeErrors.get());
        if (follower != null) {
            AlertFollower.Stats f = follower.stats();
            m.put("follow_roots", f.roots());
            m.put("follow_roots_started", f.rootsStarted());
            m.put("follow_roots_evicted", f.rootsEvicted());
            m.put("followed_events", f.followedEvents());
            m.put("follow_events_dropped", f.eventsDropped());
            m.put("follow_events_shed", f.eventsShed());
        }
        return new AgentStatus(hostname(), version, policyVersion, ruleCount, m);
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException ex) {
                return "unknown";
            }
        }
    }

    private String kill(Event e, Action.Kill kill) {
        int pid = e.process().pid();
        if (!config.enforce()) {
            return "not enforced (run the agent with --enforce): would send signal " + kill.signal() + " to pid " + pid;
        }
        if (kill.scope().equals("container") && !e.container().isNone()) {
            int n = 0;
            for (int p : containerPids(e.container().id())) {
                if (signal(p, kill.signal())) n++;
            }
            return "sent signal " + kill.signal() + " to " + n + " processes of container " + e.container().id();
        }
        return signal(pid, kill.signal()) ? "sent signal " + kill.signal() + " to pid " + pid : "failed to signal pid " + pid;
    }

    private static boolean signal(int pid, int sig) {
        if (pid <= 1 || pid == ProcessHandle.current().pid()) {
            return false;
        }
        try {
            return (int) KILL.invokeExact(pid, sig) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    private static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private static List<Integer> containerPids(String containerId) {
        try (var dirs = Files.list(Path.of("/proc"))) {
            return dirs.map(d -> d.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .filter(n -> {
                        try {
                            return Files.readString(Path.of("/proc", n, "cgroup")).contains(containerId);
                        } catch (IOException ex) {
                            return false;
                        }
                    }).map(Integer::parseInt).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Reloads when a configured policy file (or a *.policy file of a configured directory) changes. */
    private void watch() throws IOException {
        WatchService ws = FileSystems.getDefault().newWatchService();
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path p : config.policies()) {
            Path abs = p.toAbsolutePath();
            dirs.add(Files.isDirectory(abs) ? abs : abs.getParent());
        }
        for (Path d : dirs) {
            d.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        }
        watcher = Thread.ofVirtual().name("vigil-policy-watch").start(() -> {
            try (ws) {
                while (!Thread.currentThread().isInterrupted()) {
                    WatchKey key = ws.take();
                    boolean relevant = key.pollEvents().stream().anyMatch(ev -> ev.context().toString().endsWith(".policy"));
                    key.reset();
                    if (relevant) {
                        Thread.sleep(200); // let an editor finish writing
                        reload();
                    }
                }
            } catch (InterruptedException | IOException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    public SensorStats sensorStats() { return sensor.stats(); }

    public List<RuleEngine.RuleStats> ruleStats() { return engine.stats(); }

    public int rules() { return ruleCount; }

    public long reloads() { return reloads.get(); }

    public long alerts() { return alerts.get(); }

    public Sensor sensor() { return sensor; }

    /** The shipper's counters, if the agent ships. */
    public Optional<ShipperStats> shipperStats() { return shipper == null ? Optional.empty() : Optional.of(shipper.stats()); }

    /** The follow-up shipping counters, if the agent ships alerts with a follow window. */
    public Optional<AlertFollower.Stats> followStats() { return follower == null ? Optional.empty() : Optional.of(follower.stats()); }

    /** The id this agent ships under, if it ships. */
    public Optional<String> shippingAgentId() { return shipper == null ? Optional.empty() : Optional.of(shipper.agentId()); }

    /** Alerts or events that could not be encoded for shipping. */
    public long encodeErrors() { return encodeErrors.get(); }

    /** A digest of the loaded policies, sent in heartbeats. */
    public String policyVersion() { return policyVersion; }

    /** Stops the sensor, then the shipper (which writes what it holds to its buffer and sends what it can in a short time). */
    @Override
    public void close() {
        if (watcher != null) watcher.interrupt();
        sensor.close();
        if (shipper != null) shipper.close();
    }

    /** The agent's version, from the jar manifest ("dev" when run from classes). */
    public static String version() {
        String v = Agent.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
