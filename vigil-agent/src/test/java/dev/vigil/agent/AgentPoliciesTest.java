package dev.vigil.agent;

import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.secl.policy.Action;
import dev.vigil.secl.policy.Problem;
import dev.vigil.secl.policy.Rule;
import dev.vigil.model.Event;
import dev.vigil.sensor.SensorConfig;
import dev.vigil.sensor.testing.SensorMachine;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real agent with its own policies: reload on change without losing events, and opt-in enforcement. */
@Tag("privileged")
class AgentPoliciesTest {

    @TempDir
    Path dir;

    private final ConcurrentLinkedQueue<RuleEngine.Match> alerts = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> kills = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Problem> problems = new ConcurrentLinkedQueue<>();

    private Agent start(boolean enforce) throws Exception {
        SensorMachine.require();
        return Agent.start(AgentConfig.defaults().withSensor(SensorConfig.defaults()).withPolicies(List.of(dir), false)
                .withEnforce(enforce), new Agent.Sink() {
            @Override
            public void onAlert(RuleEngine.Match m) { alerts.add(m); }

            @Override
            public void onProblem(Problem p) { problems.add(p); }

            @Override
            public void onKill(Rule rule, Event event, Action.Kill kill, String outcome) { kills.add(outcome); }
        });
    }

    private static void run(String script) throws Exception {
        new ProcessBuilder("/bin/sh", "-c", script).start().waitFor(30, TimeUnit.SECONDS);
    }

    @Test
    void aPolicyFileAddedWhileRunningIsLoadedAndItsRulesFireWithoutLosingEvents() throws Exception {
        Files.writeString(dir.resolve("a.policy"), """
                rules:
                  - id: marker_a
                    expression: exec.file.name == "echo" && exec.argv in ["vigil-reload-a"]
                """);
        try (Agent agent = start(false)) {
            run("/bin/echo vigil-reload-a > /dev/null");
            Awaitility.await("rule a").atMost(Duration.ofSeconds(15)).until(() -> alerts.stream().anyMatch(m -> m.rule().id().equals("marker_a")));
            Files.writeString(dir.resolve("b.policy"), """
                    rules:
                      - id: marker_b
                        expression: exec.file.name == "echo" && exec.argv in ["vigil-reload-b"]
                      - id: broken
                        expression: exec.file.name ==
                    """);
            Awaitility.await("reload").atMost(Duration.ofSeconds(15)).until(() -> agent.reloads() > 0);
            Awaitility.await("the new rule fires").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
                run("/bin/echo vigil-reload-b > /dev/null");
                return alerts.stream().anyMatch(m -> m.rule().id().equals("marker_b"));
            });
            assertThat(agent.rules()).isEqualTo(2); // a and b; the broken rule is reported, not loaded
            assertThat(problems).anyMatch(p -> p.id().equals("broken") && p.line() == 5);
            run("/bin/echo vigil-reload-a > /dev/null");
            Awaitility.await("rule a still active").atMost(Duration.ofSeconds(15))
                    .until(() -> alerts.stream().filter(m -> m.rule().id().equals("marker_a")).count() >= 2);
            assertThat(agent.sensorStats().lost()).isZero();
        }
    }

    @Test
    void killActionsAreOnlyReportedUnlessEnforcementIsOn() throws Exception {
        // a marker of this run only: another build on the machine must not run a matching sleep
        String marker = "424." + (100000 + new java.util.Random().nextInt(900000));
        Files.writeString(dir.resolve("kill.policy"), """
                rules:
                  - id: kill_marked_sleep
                    expression: exec.file.name == "sleep" && exec.argv in ["%s"]
                    actions:
                      - kill: {signal: SIGKILL}
                """.formatted(marker));
        try (Agent agent = start(false)) {
            Process p = new ProcessBuilder("/bin/sleep", marker).start();
            Awaitility.await("reported kill").atMost(Duration.ofSeconds(15)).until(() -> !kills.isEmpty());
            assertThat(kills.peek()).startsWith("not enforced");
            assertThat(p.isAlive()).isTrue();
            p.destroyForcibly();
        }
        kills.clear();
        try (Agent agent = start(true)) {
            Process p = new ProcessBuilder("/bin/sleep", marker).start();
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("the agent killed it").isTrue();
            assertThat(p.exitValue()).isEqualTo(137); // 128 + SIGKILL
            assertThat(kills).anyMatch(k -> k.startsWith("sent signal 9 to pid " + p.pid()));
        }
    }
}
