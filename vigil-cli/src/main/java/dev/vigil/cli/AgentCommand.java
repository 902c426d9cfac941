package dev.vigil.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.vigil.agent.Agent;
import dev.vigil.agent.AgentConfig;
import dev.vigil.agent.AlertJson;
import dev.vigil.agent.ship.AlertFollower;
import dev.vigil.agent.ship.ShipMode;
import dev.vigil.agent.ship.ShipperConfig;
import dev.vigil.model.Event;
import dev.vigil.model.Payload;
import dev.vigil.model.json.EventJson;
import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.secl.policy.Action;
import dev.vigil.secl.policy.Problem;
import dev.vigil.secl.policy.Rule;
import dev.vigil.sensor.SensorConfig;
import dev.vigil.sensor.SensorUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@code vigil agent}: the sensor plus the rules; alerts as JSON lines. */
@Command(name = "agent",
        mixinStandardHelpOptions = true,
        description = {
                "Watch this host and its containers and print an alert (one JSON object per line) whenever a rule "
                        + "matches: the rule with its MITRE ATT&CK tactic and technique, severity, triage advice and counts, "
                        + "and the event with its full context (process ancestry with argv, container, host).",
                "",
                "Rules: the shipped default policy, then --policy files and directories (*.policy), later ones overriding "
                        + "rules with the same id. Policies reload on SIGHUP and when a policy file changes; events keep flowing.",
                "With --server, alerts (or, with --ship all, every event) are also sent to the Vigil server, through an "
                        + "on-disk buffer that keeps them while the server is unreachable. After an alert, the events of the "
                        + "alerted process and its descendants are sent too for a while (--follow-alerts), so the server sees "
                        + "what it ran next.",
                "Needs root, a kernel with BTF and libbpf.so.1. Stop with Ctrl-C or SIGTERM.",
                ""},
        footer = {"", "Examples:", "  sudo vigil agent", "  sudo vigil agent --policy /etc/vigil/policies.d --tag env:prod",
                "  sudo vigil agent --no-default-policy --policy my.policy --alerts /var/log/vigil/alerts.ndjson",
                "  sudo vigil agent --server https://vigil.example.com --api-key-file /etc/vigil/api-key"})
final class AgentCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--policy", paramLabel = "PATH", description = "Policy file or directory of *.policy files (repeatable).")
    List<Path> policies = new ArrayList<>();

    @Option(names = "--no-default-policy", description = "Do not load the shipped default policy.")
    boolean noDefault;

    @Option(names = "--enforce", description = "Carry out rules' kill actions (default: only report them).")
    boolean enforce;

    @Option(names = "--alerts", paramLabel = "FILE", description = "Write alerts to FILE instead of stdout.")
    Path alertsFile;

    @Option(names = "--tag", paramLabel = "KEY:VALUE", split = ",", description = "Host tag on every event and alert (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--engine-socket", paramLabel = "PATH", description = "Container engine API socket (Docker Engine API).")
    List<Path> engineSockets;

    @Option(names = "--stats-interval", paramLabel = "DURATION",
            description = "Print the agent's counters as one JSON line on stderr at this interval, e.g. 30s.")
    String statsInterval;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (30s, 5m...).")
    String duration;

    @Option(names = "--server", paramLabel = "URL", description = "Ship to this Vigil server (https://...). Without it, nothing is sent.")
    String server;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "File holding the API key for --server (default: the VIGIL_API_KEY environment variable).")
    Path apiKeyFile;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the agent keeps its id (default: " + ShipperConfig.DEFAULT_STATE_DIR + ").")
    Path stateDir;

    @Option(names = "--buffer-dir", paramLabel = "DIR", description = "On-disk shipping buffer (default: STATE_DIR/buffer).")
    Path bufferDir;

    @Option(names = "--buffer-max", paramLabel = "SIZE",
            description = "Bound on the buffer, e.g. 256MiB (the default); when full, the oldest unsent lines are dropped and counted.")
    String bufferMax;

    @Option(names = "--ship", paramLabel = "WHAT", description = "What to ship: ${COMPLETION-CANDIDATES} (default: alerts).")
    ShipMode ship;

    @Option(names = "--follow-alerts", paramLabel = "DURATION",
            description = "With --ship alerts: after an alert, also ship every event of the alerted process and its descendants "
                    + "for this long (default: 10m; 0 turns it off). At most " + AlertFollower.MAX_ROOTS + " processes are followed "
                    + "and " + AlertFollower.MAX_EVENTS_PER_ROOT + " events shipped for each; the rest is counted.")
    String followAlerts;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        SensorConfig sensorConfig = SensorConfig.defaults().withHostTags(tags);
        if (engineSockets != null && !engineSockets.isEmpty()) sensorConfig = sensorConfig.withEngineSockets(engineSockets);
        AgentConfig config = AgentConfig.defaults().withSensor(sensorConfig).withPolicies(policies, !noDefault).withEnforce(enforce);
        try {
            ShipperConfig shipping = shipping(System.getenv());
            if (shipping != null) config = config.withShipping(shipping, ship == null ? ShipMode.ALERTS : ship).withFollowAlerts(followWindow());
        } catch (IllegalArgumentException e) {
            err.println("vigil agent: " + e.getMessage());
            return 2;
        }

        OutputStream raw = alertsFile == null ? new FileOutputStream(java.io.FileDescriptor.out)
                : new FileOutputStream(alertsFile.toFile(), true);
        OutputStream out = new BufferedOutputStream(raw, 1 << 16);
        EventJson eventJson = new EventJson();
        AlertJson alertJson = new AlertJson(eventJson);
        JsonGenerator gen = eventJson.factory().createGenerator(out, JsonEncoding.UTF8);
        gen.setRootValueSeparator(new SerializedString(""));
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        Object lock = new Object();
        String version = Agent.version();

        Agent.Sink sink = new Agent.Sink() {
            @Override
            public void onAlert(RuleEngine.Match m) {
                synchronized (lock) {
                    try {
                        alertJson.write(m, version, gen);
                        gen.writeRaw('\n');
                    } catch (IOException e) {
                        err.println("vigil agent: cannot write an alert: " + e.getMessage());
                    }
                }
            }

            @Override
            public void onProblem(Problem p) {
                err.println("vigil agent: " + p);
            }

            @Override
            public void onKill(Rule rule, Event event, Action.Kill kill, String outcome) {
                err.println("vigil agent: rule " + rule.id() + ": kill: " + outcome);
            }

            @Override
            public void onLostEvents(Event lost) {
                if (lost.payload() instanceof Payload.LostEvents l) {
                    err.println("vigil agent: the kernel dropped " + l.count() + " events (" + l.total() + " in all): the agent fell behind");
                }
            }
        };

        Agent agent;
        try {
            agent = Agent.start(config, sink);
        } catch (SensorUnavailableException e) {
            err.println("vigil agent: cannot start the sensor: " + e.getMessage());
            return 3;
        } catch (IOException | IllegalStateException e) {
            err.println("vigil agent: " + e.getMessage());
            return 2;
        }
        err.printf(Locale.ROOT, "vigil agent: watching with %d rules%n", agent.rules());
        if (config.shipper() != null) {
            err.printf(Locale.ROOT, "vigil agent: shipping %s to %s as agent %s (buffer %s, at most %d bytes)%n",
                    config.ship().name().toLowerCase(Locale.ROOT), config.shipper().server(), agent.shippingAgentId().orElse("?"),
                    config.shipper().bufferDir(), config.shipper().bufferMaxBytes());
            if (agent.followStats().isPresent()) {
                err.printf(Locale.ROOT, "vigil agent: after an alert, shipping the alerted process's and its descendants' events for %s%n",
                        followAlerts == null ? "10m" : followAlerts.strip());
            }
        }

        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> {
            err.println("vigil agent: SIGHUP: reloading policies");
            agent.reload();
        });

        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
        timer.scheduleAtFixedRate(() -> {
            synchronized (lock) {
                try {
                    gen.flush();
                } catch (IOException ignored) {
                    // stdout closed: nothing to tell
                }
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
        if (statsInterval != null) {
            long every = Durations.parse(statsInterval).toMillis();
            timer.scheduleAtFixedRate(() -> err.println(statsJson(agent)), every, every, TimeUnit.MILLISECONDS);
        }

        new UntilStopped().await(duration == null ? null : Durations.parse(duration), () -> {
            agent.close();
            timer.shutdownNow();
            synchronized (lock) {
                try {
                    gen.flush();
                    gen.close();
                    out.flush();
                    if (alertsFile != null) out.close();
                } catch (IOException ignored) {
                    // nothing left to tell
                }
            }
            err.println(statsJson(agent));
        });
        return 0;
    }

    /** The shipping settings from the options (and {@code VIGIL_API_KEY} in {@code env}), or null without --server. */
    ShipperConfig shipping(Map<String, String> env) {
        if (server == null) {
            if (apiKeyFile != null || bufferDir != null || bufferMax != null || ship != null || stateDir != null || followAlerts != null) {
                throw new IllegalArgumentException("--api-key-file, --state-dir, --buffer-dir, --buffer-max, --ship and --follow-alerts need --server URL");
            }
            return null;
        }
        if (followAlerts != null && ship == ShipMode.ALL) {
            throw new IllegalArgumentException("--follow-alerts is for --ship alerts: with --ship all every event is shipped already");
        }
        followWindow(); // refuse a bad duration before reading the key
        URI uri;
        try {
            uri = new URI(server);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--server '" + server + "' is not a URL: " + e.getMessage());
        }
        String key;
        if (apiKeyFile != null) {
            try {
                key = Files.readString(apiKeyFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the API key file " + apiKeyFile + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()));
            }
            if (key.isEmpty()) throw new IllegalArgumentException("the API key file " + apiKeyFile + " is empty");
        } else {
            key = env.getOrDefault("VIGIL_API_KEY", "").strip();
            if (key.isEmpty()) {
                throw new IllegalArgumentException("--server needs an API key: --api-key-file FILE, or the VIGIL_API_KEY environment variable");
            }
        }
        try {
            ShipperConfig c = ShipperConfig.of(uri, key);
            if (stateDir != null) c = c.withStateDir(stateDir);
            if (bufferDir != null || bufferMax != null) {
                c = c.withBuffer(bufferDir != null ? bufferDir : c.bufferDir(), bufferMax != null ? bufferMax() : c.bufferMaxBytes());
            }
            return c;
        } catch (IllegalArgumentException e) {
            // the record names its own fields; say which option that is
            throw new IllegalArgumentException(e.getMessage().replace("bufferMaxBytes", "--buffer-max").replace("apiKey", "the API key")
                    .replace("server '", "--server '"));
        }
    }

    /** How long alerted processes are followed ({@link AlertFollower#DEFAULT_WINDOW} unless --follow-alerts says). */
    Duration followWindow() {
        if (followAlerts == null) return AlertFollower.DEFAULT_WINDOW;
        Duration d;
        try {
            d = Durations.parse(followAlerts);
        } catch (picocli.CommandLine.ParameterException e) {
            throw new IllegalArgumentException("--follow-alerts: " + e.getMessage());
        }
        if (d.isNegative()) throw new IllegalArgumentException("--follow-alerts is " + followAlerts + ": must not be negative");
        return d;
    }

    private long bufferMax() {
        try {
            return Sizes.parse(bufferMax);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--buffer-max: " + e.getMessage());
        }
    }

    static String statsJson(Agent agent) {
        var s = agent.sensorStats();
        long evaluations = agent.ruleStats().stream().mapToLong(RuleEngine.RuleStats::evaluations).sum();
        long suppressed = agent.ruleStats().stream().mapToLong(RuleEngine.RuleStats::suppressed).sum();
        String follow = agent.followStats().map(f -> String.format(Locale.ROOT,
                ",\"follow_roots\":%d,\"follow_roots_started\":%d,\"follow_roots_evicted\":%d,\"followed_events\":%d,\"follow_events_dropped\":%d,\"follow_events_shed\":%d",
                f.roots(), f.rootsStarted(), f.rootsEvicted(), f.followedEvents(), f.eventsDropped(), f.eventsShed())).orElse("");
        String ship = agent.shipperStats().map(st -> ",\"ship\":" + st.toJson()).orElse("");
        return String.format(Locale.ROOT, "{\"stats\":{\"time\":\"%s\",\"events\":%d,\"lost\":%d,\"untracked\":%d,"
                        + "\"undecodable\":%d,\"rules\":%d,\"rule_evaluations\":%d,\"alerts\":%d,\"suppressed_alerts\":%d,\"reloads\":%d%s%s}}",
                java.time.Instant.now(), s.events(), s.lost(), s.untracked(), s.malformed(), agent.rules(), evaluations,
                agent.alerts(), suppressed, agent.reloads(), follow, ship);
    }
}
