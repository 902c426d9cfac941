package dev.vigil.agent.ship;

import dev.vigil.agent.Agent;
import dev.vigil.agent.AgentConfig;
import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.ProcessInfo;
import dev.vigil.model.json.EventJson;
import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.sensor.SensorConfig;
import dev.vigil.sensor.testing.SensorMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real agent and sensor shipping alerts only, with follow-up: after a rule alerts on a shell,
 * what the shell runs next reaches the intake as event lines; a process run beside it does not.
 */
@Tag("privileged")
class AgentFollowShippingTest {

    @TempDir
    Path dir;

    private IntakeServer server;
    private final EventJson json = new EventJson();
    private final String marker = "vigil-follow-" + UUID.randomUUID();

    @BeforeEach
    void start() throws Exception {
        SensorMachine.require();
        server = new IntakeServer().start();
        // sh -c SCRIPT NAME: NAME is the shell's $0, an argument of its own the rule can match exactly
        Files.writeString(dir.resolve("follow.policy"), """
                rules:
                  - id: follow_shell
                    expression: exec.argv in ["%1$s-shell"]
                  - id: follow_done
                    expression: exec.argv in ["%1$s-done"]
                """.formatted(marker));
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private Agent agent(Duration follow) throws Exception {
        ShipperConfig.Tuning d = ShipperConfig.Tuning.defaults();
        ShipperConfig.Tuning fastHeartbeat = new ShipperConfig.Tuning(d.queueCapacity(), d.batchMaxLines(), d.batchMaxBytes(), d.linger(),
                d.backoffMin(), d.backoffMax(), d.authRetry(), Duration.ofMillis(200), d.requestTimeout(), d.closeDeadline(), d.durability());
        ShipperConfig shipping = ShipperConfig.of(server.uri(), IntakeServer.API_KEY).withStateDir(dir.resolve("state")).withTuning(fastHeartbeat);
        return Agent.start(AgentConfig.defaults().withSensor(SensorConfig.defaults()).withPolicies(List.of(dir), false)
                .withShipping(shipping, ShipMode.ALERTS).withFollowAlerts(follow), (RuleEngine.Match m) -> { });
    }

    private static void run(String... command) throws Exception {
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * The alerted shell runs /bin/true and two echos, then execs a third echo itself; an unrelated echo
     * runs while the shell sleeps. Then a second alert ("done"): once its line has arrived, every
     * earlier event was judged and its line shipped (one poll thread, one queue, in order).
     */
    private void runTheShellBesideAnUnrelatedProcessThenDone() throws Exception {
        Process shell = new ProcessBuilder("/bin/sh", "-c", "/bin/true; /bin/echo " + marker + "-child; sleep 1; /bin/echo " + marker
                + "-child2; exec /bin/echo " + marker + "-exec", marker + "-shell").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(400);
        run("/bin/echo", marker + "-unrelated");
        assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();
        run("/bin/echo", marker + "-done");
        await("the done alert").atMost(Duration.ofSeconds(15))
                .until(() -> server.accepted.stream().anyMatch(l -> l.startsWith("{\"alert\":") && l.contains("\"follow_done\"")));
    }

    private Event alert(String rule) {
        return json.parse(server.accepted.stream().filter(l -> l.startsWith("{\"alert\":") && l.contains("\"" + rule + "\""))
                .findFirst().orElseThrow());
    }

    private List<Event> events() {
        return server.accepted.stream().filter(l -> !l.startsWith("{\"alert\":")).map(json::parse).toList();
    }

    /** The event's process is {@code root}'s pid, or one of its ancestors is. */
    private static Predicate<Event> inTreeOf(ProcessInfo root) {
        return e -> e.process().pid() == root.pid() || e.process().ancestors().stream().anyMatch(a -> a.pid() == root.pid());
    }

    private static Predicate<Event> exec(String arg) {
        return e -> e.type() == EventType.EXEC && e.process().args().contains(arg);
    }

    @Test
    void whatAnAlertedShellRunsNextIsShippedAndNothingElse() throws Exception {
        try (Agent agent = agent(Duration.ofMinutes(10))) {
            runTheShellBesideAnUnrelatedProcessThenDone();
            ProcessInfo shell = alert("follow_shell").process();
            ProcessInfo done = alert("follow_done").process();
            List<Event> events = events();

            for (String child : List.of(marker + "-child", marker + "-child2")) {
                Event e = events.stream().filter(exec(child)).findFirst().orElseThrow(() -> new AssertionError("no exec event of " + child));
                assertThat(e.process().file().path()).isEqualTo("/bin/echo");
                ProcessInfo parent = e.process().parent();
                assertThat(parent.pid()).as("the child's parent is the shell").isEqualTo(shell.pid());
                assertThat(parent.argv()).contains(marker + "-shell");
            }
            assertThat(events).as("/bin/true, run by the shell")
                    .anyMatch(e -> e.type() == EventType.EXEC && e.process().file().path().equals("/bin/true") && e.process().ppid() == shell.pid());
            assertThat(events).as("the shell exec'ing echo itself: the same process, a later program")
                    .anyMatch(e -> exec(marker + "-exec").test(e) && e.process().pid() == shell.pid() && e.process().execTime() > shell.execTime());
            assertThat(events).as("the shell's exit").anyMatch(e -> e.type() == EventType.EXIT && e.process().pid() == shell.pid());

            assertThat(server.accepted).as("the unrelated process, run at the same time").noneMatch(l -> l.contains(marker + "-unrelated"));
            assertThat(events).as("every event line belongs to an alerted process's tree")
                    .allMatch(inTreeOf(shell).or(inTreeOf(done)));
            assertThat(events).as("the alert's own event is in the alert line, not shipped again")
                    .noneMatch(e -> exec(marker + "-shell").test(e));

            AlertFollower.Stats stats = agent.followStats().orElseThrow();
            assertThat(stats.rootsStarted()).isEqualTo(2);
            assertThat(stats.followedEvents()).isGreaterThanOrEqualTo(events.stream().filter(inTreeOf(shell)).count());
            assertThat(stats.rootsEvicted()).isZero();
            assertThat(stats.eventsDropped()).isZero();
            assertThat(agent.encodeErrors()).isZero();
            await("a heartbeat with the follow counters").atMost(Duration.ofSeconds(10)).until(() -> server.heartbeats.stream()
                    .anyMatch(h -> h.matches(".*\"followed_events\":[1-9].*") && h.contains("\"follow_roots_evicted\":0")
                            && h.contains("\"follow_events_dropped\":0") && h.contains("\"follow_events_shed\":0")));
        }
    }

    @Test
    void withFollowOffOnlyAlertsAreShipped() throws Exception {
        try (Agent agent = agent(Duration.ZERO)) {
            runTheShellBesideAnUnrelatedProcessThenDone();
            assertThat(server.accepted).hasSize(2).allMatch(l -> l.startsWith("{\"alert\":"));
            assertThat(agent.followStats()).isEmpty();
            await("a heartbeat").atMost(Duration.ofSeconds(10)).until(() -> !server.heartbeats.isEmpty());
            assertThat(server.heartbeats).noneMatch(h -> h.contains("followed_events"));
        }
    }
}
