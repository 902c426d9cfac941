package dev.vigil.agent;

import dev.vigil.model.ProcessInfo;
import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.secl.policy.Problem;
import dev.vigil.sensor.SensorConfig;
import dev.vigil.sensor.testing.Podman;
import dev.vigil.sensor.testing.SensorMachine;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real agent with the shipped default policy against real attacks: a shell started by a Java
 * process reading /etc/shadow (a web shell), the same inside a podman container, and a shell from a
 * login shell that must not be taken for a web shell.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentEndToEndTest {

    private static final String WEB_SHELL = "T1505.003";
    private static final String SHADOW = "T1003.008";

    private final ConcurrentLinkedQueue<RuleEngine.Match> alerts = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Problem> problems = new ConcurrentLinkedQueue<>();
    private final long self = ProcessHandle.current().pid();
    private Agent agent;
    private Podman.Service engine;
    private Path flag;

    @BeforeAll
    void start() throws Exception {
        SensorMachine.require();
        Podman.requireAvailable();
        Podman.ensureImage("acme/web:1.0");
        Path dir = Files.createTempDirectory("vigil-agent-it");
        engine = Podman.startService(dir.resolve("podman.sock"));
        // A login shell that is not a descendant of this JVM: orphaned (reparented to pid 1) before the
        // agent starts, so the agent learns its ancestry from /proc. It waits for the flag, then runs sh.
        flag = dir.resolve("go");
        new ProcessBuilder("/bin/sh", "-c", "setsid /bin/bash --login -c 'while [ ! -e " + flag + " ]; do sleep 0.1; done; "
                + "/bin/sh -c \"echo vigil-benign-marker > /dev/null\"; cat /etc/shadow > /dev/null' </dev/null >/dev/null 2>&1 &")
                .start().waitFor();
        Thread.sleep(500);
        agent = Agent.start(AgentConfig.defaults().withSensor(SensorConfig.defaults().withEngineSockets(List.of(engine.socket()))),
                new Agent.Sink() {
                    @Override
                    public void onAlert(RuleEngine.Match m) { alerts.add(m); }

                    @Override
                    public void onProblem(Problem p) { problems.add(p); }
                });
    }

    @AfterAll
    void stop() throws Exception {
        if (flag != null && !Files.exists(flag)) Files.createFile(flag);
        if (agent != null) agent.close();
        if (engine != null) engine.close();
    }

    private RuleEngine.Match await(String what, Predicate<RuleEngine.Match> p) {
        RuleEngine.Match[] found = new RuleEngine.Match[1];
        Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (RuleEngine.Match m : alerts) {
                if (p.test(m)) {
                    found[0] = m;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    @Test
    void theDefaultPolicyLoadsWithoutErrors() {
        assertThat(problems).filteredOn(p -> p.level() == Problem.Level.ERROR).isEmpty();
        assertThat(agent.rules()).isGreaterThanOrEqualTo(60);
    }

    @Test
    void aShellSpawnedByAJavaWebAppReadingShadowIsAWebShellWithJavaInItsAncestry() throws Exception {
        // a separate JVM serving requests (this JVM is the agent, which never watches itself)
        Path source = Path.of(getClass().getResource("/webapp/VulnerableWebApp.java").toURI());
        Process app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), source.toString())
                .redirectErrorStream(true).start();
        try {
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(app.getInputStream()));
            int port = Integer.parseInt(reader.readLine().trim());
            try (var client = new java.net.Socket("127.0.0.1", port);
                 var out = new java.io.PrintWriter(client.getOutputStream(), true)) {
                out.println("cat /etc/shadow");
                client.getInputStream().readAllBytes();
            }
            long appPid = app.pid();
            RuleEngine.Match web = await("web shell alert", m -> m.rule().tag("technique").equals(WEB_SHELL)
                    && m.event().process().ancestors().stream().anyMatch(a -> a.pid() == appPid));
            ProcessInfo java = web.event().process().ancestors().stream().filter(a -> a.pid() == appPid).findFirst().orElseThrow();
            assertThat(java.file().name()).isEqualTo("java");
            assertThat(java.argv()).anyMatch(a -> a.endsWith("VulnerableWebApp.java"));
            assertThat(web.event().process().args()).containsExactly("-c", "cat /etc/shadow");
            assertThat(web.rule().tag("tactic")).startsWith("TA0003");
            assertThat(web.rule().severity().id()).isIn("high", "critical");
            assertThat(web.rule().triage()).isNotBlank();
            RuleEngine.Match shadow = await("shadow read alert", m -> m.rule().tag("technique").equals(SHADOW)
                    && m.event().process().ancestors().stream().anyMatch(a -> a.pid() == appPid));
            assertThat(shadow.event().process().argv()).contains("/etc/shadow");
        } finally {
            app.destroyForcibly();
        }
    }

    @Test
    void theSameInsideAContainerCarriesTheImageAndTag() {
        String id = Podman.runDetached("acme/web:1.0", "/bin/sh", "-c", "cat /etc/shadow > /dev/null; sleep 1");
        try {
            RuleEngine.Match m = await("shadow read in the container", a -> a.rule().tag("technique").equals(SHADOW)
                    && a.event().container().id().equals(id));
            assertThat(m.event().container().imageName()).isEqualTo("acme/web");
            assertThat(m.event().container().imageTag()).isEqualTo("1.0");
            assertThat(m.event().process().file().path()).isEqualTo("/bin/cat");
        } finally {
            Podman.remove(id);
        }
    }

    @Test
    void aShellFromALoginShellIsNotAWebShell() throws Exception {
        Files.createFile(flag);
        // the login shell reads /etc/shadow after running sh: once that alert arrives, sh was judged too
        await("the login shell's shadow read", m -> m.rule().tag("technique").equals(SHADOW)
                && m.event().process().ancestors().stream().noneMatch(a -> a.pid() == self)
                && m.event().container().isNone());
        assertThat(alerts).filteredOn(m -> m.rule().tag("technique").equals(WEB_SHELL))
                .noneMatch(m -> m.event().process().args().contains("echo vigil-benign-marker > /dev/null"))
                .noneMatch(m -> m.event().process().ancestors().stream().noneMatch(a -> a.pid() == self) && m.event().container().isNone());
    }
}
