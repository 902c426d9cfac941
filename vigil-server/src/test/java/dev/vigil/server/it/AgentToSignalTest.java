package dev.vigil.server.it;

import dev.vigil.agent.Agent;
import dev.vigil.agent.AgentConfig;
import dev.vigil.agent.ship.ShipMode;
import dev.vigil.agent.ship.ShipperConfig;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.Signal;
import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.sensor.SensorConfig;
import dev.vigil.sensor.testing.SensorMachine;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.server.events.ProcessDescendants;
import dev.vigil.server.store.SignalQuery;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real agent (eBPF sensor, SECL rules, on-disk shipping buffer) shipping to the real server:
 * a process the test runs becomes a signal with the agent rule's severity, MITRE ids and the
 * process tree, and repeated runs join that one signal. Also prints the kernel-event-to-stored-
 * signal latency of each run (p50/p99 are in docs/benchmarks.md).
 */
@Tag("privileged")
class AgentToSignalTest {

    @TempDir Path dir;

    @Test
    void aProcessOnThisHostBecomesOneSignalWithItsContext() throws Exception {
        SensorMachine.require();
        String marker = "vigil-e2e-" + UUID.randomUUID();
        String policy = """
                rules:
                  - id: e2e_marker
                    description: Marker process ran
                    expression: exec.file.name == "echo" && exec.argv in ["%s"]
                    severity: high
                    triage: It is the end-to-end test.
                    tags: {tactic: TA0002, technique: T1059.004}
                """.formatted(marker);
        try (VigilServer server = VigilServer.start(ServerConfig.defaults(dir.resolve("server")).withPort(0))) {
            try (Agent agent = agentShippingTo(server, policy)) {
                List<Long> latencies = new ArrayList<>();
                for (int i = 1; i <= 20; i++) {
                    long t0 = System.nanoTime();
                    new ProcessBuilder("/bin/echo", marker).start().waitFor(10, TimeUnit.SECONDS);
                    int expected = i;
                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(2))
                            .until(() -> signal(server).map(s -> s.count() >= expected).orElse(false));
                    latencies.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
                }
                latencies.sort(null);
                System.out.printf("exec -> stored signal: p50 %.1f ms, max %.1f ms over %d runs%n",
                        latencies.get(latencies.size() / 2) / 1000.0, latencies.getLast() / 1000.0, latencies.size());
                Signal s = signal(server).orElseThrow();
                assertThat(s.count()).isEqualTo(20);
                assertThat(s.severity()).isEqualTo(Severity.HIGH);
                assertThat(s.title()).isEqualTo("Marker process ran");
                assertThat(s.tactic()).isEqualTo("TA0002");
                assertThat(s.technique()).isEqualTo("T1059.004");
                assertThat(s.triage()).isEqualTo("It is the end-to-end test.");
                assertThat(s.entities().binaries()).anySatisfy(b -> assertThat(b).endsWith("/echo")); // /bin/echo or /usr/bin/echo (merged /usr)
                var nodes = s.processTree().path("nodes");
                var trigger = nodes.get(nodes.size() - 1);
                assertThat(trigger.path("trigger").asBoolean()).isTrue();
                assertThat(trigger.path("argv").toString()).contains(marker);
                assertThat(nodes.size()).as("the JVM that ran echo is in the ancestry").isGreaterThan(1);
                assertThat(nodes.toString()).contains("java");
            }
        }
    }

    @Test
    void whatAnAlertedShellStartedShowsUnderItInTheProcessTree() throws Exception {
        SensorMachine.require();
        String marker = "vigil-e2e-tree-" + UUID.randomUUID();
        String policy = """
                rules:
                  - id: e2e_shell
                    description: Marked shell ran
                    expression: exec.file.name in ["sh", "dash", "bash"] && exec.argv in ["%s-shell"]
                    severity: high
                """.formatted(marker);
        try (VigilServer server = VigilServer.start(ServerConfig.defaults(dir.resolve("server")).withPort(0))) {
            try (Agent agent = agentShippingTo(server, policy)) {
                new ProcessBuilder("/bin/sh", "-c", "/bin/echo " + marker + "-child; /bin/true; sleep 0.2", marker + "-shell")
                        .start().waitFor(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(20)).until(() -> shellSignal(server).isPresent());
                Signal s = shellSignal(server).orElseThrow();
                // the shell's own argv holds the script: the child is the descendant node running echo
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> echoUnder(server, s, marker).isPresent());
                var nodes = ProcessDescendants.treeOf(s, server.eventSearch(), System.currentTimeMillis()).path("nodes");
                var shell = java.util.stream.StreamSupport.stream(nodes.spliterator(), false)
                        .filter(n -> n.path("trigger").asBoolean()).findFirst().orElseThrow();
                var echo = echoUnder(server, s, marker).orElseThrow();
                assertThat(echo.path("descendant").asBoolean()).isTrue();
                assertThat(echo.path("depth").asInt()).isEqualTo(1);
                assertThat(echo.path("ppid").asLong()).isEqualTo(shell.path("pid").asLong());
                assertThat(echo.path("path").asText()).endsWith("/echo");
                // the ancestry stored with the signal is unchanged: the JVM above, the shell last
                assertThat(s.processTree().toString()).doesNotContain("\"descendant\"");
                assertThat(s.processTree().path("nodes").get(s.processTree().path("nodes").size() - 1).path("trigger").asBoolean()).isTrue();
            }
        }
    }

    private static Optional<com.fasterxml.jackson.databind.JsonNode> echoUnder(VigilServer server, Signal s, String marker) throws java.io.IOException {
        var nodes = ProcessDescendants.treeOf(s, server.eventSearch(), System.currentTimeMillis()).path("nodes");
        return java.util.stream.StreamSupport.stream(nodes.spliterator(), false)
                .filter(n -> n.path("descendant").asBoolean() && n.path("path").asText().endsWith("/echo")
                        && n.path("argv").toString().contains(marker + "-child"))
                .findFirst();
    }

    /**
     * A real agent on this host with {@code policy}, shipping to {@code server} with the agent's
     * default shipping: alerts only, and what an alerted process does next (the agent follows it).
     */
    private Agent agentShippingTo(VigilServer server, String policy) throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/e2e.policy"), policy);
        String key = Files.readString(dir.resolve("server").resolve(VigilServer.INITIAL_KEY_FILE)).trim();
        ShipperConfig shipping = ShipperConfig.of(URI.create("http://127.0.0.1:" + server.port()), key)
                .withStateDir(dir.resolve("agent"));
        Agent agent = Agent.start(AgentConfig.defaults().withSensor(SensorConfig.defaults())
                .withPolicies(List.of(dir.resolve("policies")), false).withShipping(shipping, ShipMode.ALERTS), (RuleEngine.Match m) -> { });
        Thread.sleep(500); // the sensor's programs attached
        return agent;
    }

    private static Optional<Signal> shellSignal(VigilServer server) { return agentSignal(server, "e2e_shell"); }

    private static Optional<Signal> signal(VigilServer server) { return agentSignal(server, "e2e_marker"); }

    /** The signal of the agent's alerts from agent rule {@code ruleId}. */
    private static Optional<Signal> agentSignal(VigilServer server, String ruleId) {
        return server.store().signals().search(SignalQuery.builder().rule("vigil-agent-alerts").build()).items().stream()
                .filter(s -> s.tags().contains("agent_rule:" + ruleId)).findFirst();
    }
}
