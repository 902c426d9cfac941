package dev.vigil.detect.engine;

import dev.vigil.detect.rule.RuleLoader;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.state.StateBackend;
import dev.vigil.detect.suppression.Suppression;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.vigil.detect.engine.Events.T0;
import static dev.vigil.detect.engine.Events.exec;
import static dev.vigil.detect.engine.Events.ssh;
import static org.assertj.core.api.Assertions.assertThat;

class DetectionEngineTest {

    static final String BRUTE_FORCE = """
            id: ssh-brute-force
            name: SSH brute force on {{@usr.name}} from {{@network.client.ip}}
            tags: [tactic:TA0006, technique:T1110]
            queries:
              - name: failed
                query: source:sshd @evt.outcome:failure
                groupByFields: ['@usr.name', '@network.client.ip']
            cases:
              - status: critical
                condition: failed >= 50
              - status: medium
                condition: failed >= 10
            options:
              evaluationWindow: 5m
              keepAlive: 1h
            """;

    static final String BRUTE_THEN_SUCCESS = """
            id: ssh-brute-force-success
            name: Successful login after SSH brute force
            tags: [tactic:TA0006, technique:T1110.001]
            method: sequence
            queries:
              - name: failed
                query: source:sshd @evt.outcome:failure
                groupByFields: ['@usr.name', '@network.client.ip']
              - name: success
                query: source:sshd @evt.outcome:success
                groupByFields: ['@usr.name', '@network.client.ip']
            cases:
              - status: high
            options:
              sequenceDetectionOptions:
                steps:
                  - name: brute force
                    condition: failed >= 10
                    evaluationWindow: 10m
                  - name: success
                    condition: success > 0
                    evaluationWindow: 10m
            """;

    static final String MINER = """
            id: miner-exec
            name: Crypto miner executed in {{@container.image.name}}
            tags: [tactic:TA0040, technique:T1496]
            method: match
            queries:
              - query: source:vigil-agent @evt.name:exec @process.comm:xmrig
                groupByFields: [host, '@container.id', '@process.file.path']
            cases:
              - status: high
            options:
              keepAlive: 10m
              maxSignalDuration: 24h
            """;

    static final String NEW_SOURCE_IP = """
            id: ssh-new-ip
            name: '{{@usr.name}} logged in from a new IP'
            method: new_value
            queries:
              - query: source:sshd @evt.outcome:success
                groupByFields: ['@usr.name']
                metric: '@network.client.ip'
            cases:
              - status: low
            options:
              newValueOptions: {learningDuration: 1, forgetAfter: 7}
            """;

    static final String LOGIN_SPIKE = """
            id: ssh-failure-spike
            name: Spike of failed SSH logins
            method: anomaly
            queries:
              - query: source:sshd @evt.outcome:failure
                groupByFields: [host]
            cases:
              - status: medium
            options:
              anomalyDetectionOptions: {bucketDuration: 1m, learningDuration: 30m, detectionTolerance: 4, minimumCount: 20, baselineBuckets: 30}
            """;

    static DetectionEngine engine(String... rules) {
        List<dev.vigil.detect.rule.DetectionRule> list = new ArrayList<>();
        for (String r : rules) list.add(RuleLoader.parse(r, "test.yaml"));
        return new DetectionEngine(list);
    }

    /** Drains and merges by id, as storage would. */
    static Map<String, Signal> drain(DetectionEngine e, Map<String, Signal> into) {
        for (Signal s : e.drainSignals(System.currentTimeMillis())) into.put(s.id(), s);
        return into;
    }

    @Test
    void thresholdRaisesOneSignalPerGroupWithTheHighestCase() {
        DetectionEngine e = engine(BRUTE_FORCE);
        for (int i = 0; i < 9; i++) e.process(ssh(T0 + i * 1000, "failure", "root", "203.0.113.9"));
        assertThat(e.drainSignals(0)).as("9 failures stay below the threshold").isEmpty();
        for (int i = 9; i < 60; i++) e.process(ssh(T0 + i * 1000, "failure", "root", "203.0.113.9"));
        for (int i = 0; i < 12; i++) e.process(ssh(T0 + i * 1000, "failure", "admin", "198.51.100.7"));
        Map<String, Signal> signals = drain(e, new HashMap<>());
        assertThat(signals).hasSize(2);
        Signal root = signals.values().stream().filter(s -> s.groupBy().get("@usr.name").equals("root")).findFirst().orElseThrow();
        assertThat(root.count()).as("detections from the 10th failure on").isEqualTo(51);
        assertThat(root.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(root.title()).isEqualTo("SSH brute force on root from 203.0.113.9");
        assertThat(root.tactic()).isEqualTo("TA0006");
        assertThat(root.technique()).isEqualTo("T1110");
        assertThat(root.groupBy()).containsEntry("@network.client.ip", "203.0.113.9");
        assertThat(root.entities().users()).containsExactly("root");
        assertThat(root.entities().ips()).containsExactly("203.0.113.9");
        Signal admin = signals.values().stream().filter(s -> s.groupBy().get("@usr.name").equals("admin")).findFirst().orElseThrow();
        assertThat(admin.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(admin.count()).isEqualTo(3);
    }

    @Test
    void thresholdCountsOnlyWithinTheEvaluationWindow() {
        DetectionEngine e = engine(BRUTE_FORCE);
        // 20 failures, one per minute: never 10 within 5 minutes
        for (int i = 0; i < 20; i++) e.process(ssh(T0 + i * 60_000, "failure", "root", "203.0.113.9"));
        assertThat(e.drainSignals(0)).isEmpty();
    }

    @Test
    void sequenceNeedsTheFailuresThenASuccessForTheSameUserAndIp() {
        DetectionEngine e = engine(BRUTE_THEN_SUCCESS);
        e.process(ssh(T0, "success", "root", "203.0.113.9"));
        for (int i = 0; i < 12; i++) e.process(ssh(T0 + 1000 + i * 1000, "failure", "root", "203.0.113.9"));
        e.process(ssh(T0 + 20_000, "success", "alice", "203.0.113.9")); // other user: other group
        assertThat(e.drainSignals(0)).isEmpty();
        e.process(ssh(T0 + 30_000, "success", "root", "203.0.113.9"));
        List<Signal> signals = e.drainSignals(0);
        assertThat(signals).hasSize(1);
        assertThat(signals.getFirst().severity()).isEqualTo(Severity.HIGH);
        assertThat(signals.getFirst().count()).isEqualTo(1);
        assertThat(signals.getFirst().samples().getFirst().path("message").asText()).startsWith("Accepted password for root");
    }

    @Test
    void sequenceStepRunsOutOfTime() {
        DetectionEngine e = engine(BRUTE_THEN_SUCCESS);
        for (int i = 0; i < 10; i++) e.process(ssh(T0 + i * 1000, "failure", "root", "203.0.113.9"));
        e.process(ssh(T0 + Duration.ofMinutes(30).toMillis(), "success", "root", "203.0.113.9"));
        assertThat(e.drainSignals(0)).as("the success came 30 minutes after the brute force").isEmpty();
    }

    @Test
    void fourHundredThousandMinerExecsAreOneSignal() {
        DetectionEngine e = engine(MINER);
        int n = 400_000;
        for (int i = 0; i < n; i++) e.process(exec(T0 + i, "web-1", "shop", "acme/web", "/tmp/xmrig"));
        e.process(exec(T0 + 5, "web-1", "billing", "acme/billing", "/tmp/xmrig"));
        List<Signal> signals = e.drainSignals(1234);
        assertThat(signals).hasSize(2);
        Signal shop = signals.stream().filter(s -> s.entities().containers().contains("shop")).findFirst().orElseThrow();
        assertThat(shop.count()).isEqualTo(n);
        assertThat(shop.firstSeen()).isEqualTo(T0);
        assertThat(shop.lastSeen()).isEqualTo(T0 + n - 1);
        assertThat(shop.samples()).hasSize(2);
        assertThat(shop.samples().get(1).path("time").asText()).isEqualTo(java.time.Instant.ofEpochMilli(T0 + n - 1).toString());
        assertThat(shop.entities().images()).containsExactly("acme/web:1.0");
        assertThat(shop.entities().hosts()).containsExactly("web-1");
        assertThat(shop.entities().binaries()).containsExactly("/tmp/xmrig");
        assertThat(shop.entities().users()).containsExactly("www-data");
        assertThat(shop.title()).isEqualTo("Crypto miner executed in acme/web");
        var nodes = shop.processTree().path("nodes");
        assertThat(nodes.size()).isEqualTo(2);
        assertThat(nodes.get(0).path("path").asText()).isEqualTo("/bin/sh");
        assertThat(nodes.get(1).path("trigger").asBoolean()).isTrue();
        assertThat(nodes.get(1).path("argv").get(1).asText()).isEqualTo("pool.minexmr.com:443");
        assertThat(e.stats().signalsCreated()).isEqualTo(2);
    }

    @Test
    void aGapLongerThanKeepAliveStartsANewSignal() {
        DetectionEngine e = engine(MINER);
        e.process(exec(T0, "web-1", "shop", "acme/web", "/tmp/xmrig"));
        e.process(exec(T0 + Duration.ofMinutes(9).toMillis(), "web-1", "shop", "acme/web", "/tmp/xmrig"));
        Map<String, Signal> signals = drain(e, new HashMap<>());
        e.process(exec(T0 + Duration.ofMinutes(30).toMillis(), "web-1", "shop", "acme/web", "/tmp/xmrig"));
        drain(e, signals);
        assertThat(signals).hasSize(2);
        assertThat(signals.values()).extracting(Signal::count).containsExactlyInAnyOrder(2L, 1L);
    }

    @Test
    void signalIdsAreStableAcrossReplays() {
        List<dev.vigil.detect.event.LogEvent> events = new ArrayList<>();
        for (int i = 0; i < 15; i++) events.add(ssh(T0 + i * 1000, "failure", "root", "203.0.113.9"));
        DetectionEngine a = engine(BRUTE_FORCE);
        DetectionEngine b = engine(BRUTE_FORCE);
        events.forEach(a::process);
        events.forEach(b::process);
        assertThat(a.drainSignals(0)).extracting(Signal::id).isEqualTo(b.drainSignals(0).stream().map(Signal::id).toList());
    }

    @Test
    void newValueAfterLearning() {
        DetectionEngine e = engine(NEW_SOURCE_IP);
        long day = Duration.ofDays(1).toMillis();
        e.process(ssh(T0, "success", "alice", "10.0.0.1"));
        e.process(ssh(T0 + day / 2, "success", "alice", "10.0.0.2")); // still learning
        assertThat(e.drainSignals(0)).isEmpty();
        e.process(ssh(T0 + 2 * day, "success", "alice", "10.0.0.1")); // known
        e.process(ssh(T0 + 2 * day, "success", "alice", "10.0.0.2")); // learned
        assertThat(e.drainSignals(0)).isEmpty();
        e.process(ssh(T0 + 2 * day + 1, "success", "alice", "203.0.113.50"));
        List<Signal> s = e.drainSignals(0);
        assertThat(s).hasSize(1);
        assertThat(s.getFirst().title()).isEqualTo("alice logged in from a new IP");
        e.process(ssh(T0 + 2 * day + 2, "success", "alice", "203.0.113.50"));
        assertThat(e.drainSignals(0)).as("seen once, not new any more").isEmpty();
        // not seen for more than forgetAfter (7 days): new again
        e.process(ssh(T0 + 10 * day, "success", "alice", "10.0.0.1"));
        assertThat(e.drainSignals(0)).hasSize(1);
    }

    @Test
    void anomalyFiresOnASpikeAgainstTheGroupsBaseline() {
        DetectionEngine e = engine(LOGIN_SPIKE);
        long minute = 60_000;
        java.util.Random rnd = new java.util.Random(7);
        // 60 minutes of 3..8 failures per minute: background noise of the internet
        for (int m = 0; m < 60; m++) {
            int n = 3 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) e.process(ssh(T0 + m * minute + i * 1000, "failure", "u" + i, "198.51.100." + i));
        }
        assertThat(e.drainSignals(0)).as("steady background").isEmpty();
        for (int i = 0; i < 200; i++) e.process(ssh(T0 + 60 * minute + i * 100, "failure", "root", "203.0.113.9"));
        List<Signal> s = e.drainSignals(0);
        assertThat(s).hasSize(1);
        assertThat(s.getFirst().count()).isGreaterThan(150);
    }

    @Test
    void suppressedDetectionsAreCountedNotAggregated() {
        DetectionEngine e = engine(MINER);
        e.setSuppressions(List.of(new Suppression("sup-1", "CI builds", "", null, "host:ci-runner-3", null, true, "alice", 0, 0)));
        for (int i = 0; i < 100; i++) e.process(exec(T0 + i, "ci-runner-3", "build", "acme/ci", "/tmp/xmrig"));
        e.process(exec(T0, "web-1", "shop", "acme/web", "/tmp/xmrig"));
        List<Signal> s = e.drainSignals(0);
        assertThat(s).hasSize(1);
        assertThat(s.getFirst().entities().hosts()).containsExactly("web-1");
        assertThat(e.drainSuppressedCounts()).containsEntry("sup-1", 100L);
        assertThat(e.rules().get("miner-exec").stats().suppressed.sum()).isEqualTo(100);
        // expired suppressions no longer apply
        e.setSuppressions(List.of(new Suppression("sup-1", "CI builds", "", null, "host:ci-runner-3", T0 - 1, true, "alice", 0, 0)));
        e.process(exec(T0 + 200, "ci-runner-3", "build", "acme/ci", "/tmp/xmrig"));
        assertThat(e.drainSignals(0)).singleElement().satisfies(sig -> assertThat(sig.entities().hosts()).containsExactly("ci-runner-3"));
    }

    @Test
    void stateBoundsAreCountedNotSilent() {
        DetectionEngine e = new DetectionEngine(List.of(RuleLoader.parse(BRUTE_FORCE, "t")), StateBackend.IN_MEMORY,
                new EngineLimits(10, 100, 1000, Duration.ofSeconds(10)));
        for (int i = 0; i < 25; i++) e.process(ssh(T0, "failure", "user" + i, "203.0.113.9"));
        var c = e.rules().get("ssh-brute-force");
        assertThat(c.groups()).isEqualTo(10);
        assertThat(c.stats().state.keyEvictions.sum()).isEqualTo(15);
    }

    @Test
    void eventsLaterThanTheLatenessAreCountedAndLeftOutOfWindows() {
        DetectionEngine e = engine(BRUTE_FORCE);
        e.process(ssh(T0 + Duration.ofMinutes(10).toMillis(), "failure", "root", "203.0.113.9"));
        for (int i = 0; i < 20; i++) e.process(ssh(T0 + i, "failure", "root", "203.0.113.9"));
        assertThat(e.stats().lateEvents()).isEqualTo(20);
        assertThat(e.rules().get("ssh-brute-force").stats().late.sum()).isEqualTo(20);
        assertThat(e.drainSignals(0)).isEmpty();
    }

    @Test
    void idleStateIsExpired() {
        DetectionEngine e = engine(BRUTE_FORCE);
        e.process(ssh(T0, "failure", "root", "203.0.113.9"));
        e.process(ssh(T0 + Duration.ofHours(1).toMillis(), "failure", "alice", "203.0.113.9"));
        assertThat(e.rules().get("ssh-brute-force").groups()).isEqualTo(1);
        assertThat(e.rules().get("ssh-brute-force").stats().state.expired.sum()).isEqualTo(1);
    }

    @Test
    void severityFromTheEventForAgentAlerts() {
        DetectionEngine e = engine("""
                id: agent-alerts
                name: '{{@alert.rule.description}}'
                method: match
                tags: ['tactic:{{@alert.rule.tactic}}', 'technique:{{@alert.rule.technique}}']
                queries:
                  - query: source:vigil-agent @evt.kind:alert
                    groupByFields: ['@alert.rule.id', host]
                cases:
                  - status: '{{@alert.rule.severity}}'
                """);
        var ev = exec(T0, "web-1", "shop", "acme/web", "/bin/sh");
        ev.attributes().with("evt").put("kind", "alert");
        ev.attributes().putObject("alert").putObject("rule").put("id", "web_shell").put("severity", "critical")
                .put("description", "Web server spawned a shell").put("tactic", "TA0002").put("technique", "T1059.004");
        e.process(ev);
        Signal s = e.drainSignals(0).getFirst();
        assertThat(s.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(s.title()).isEqualTo("Web server spawned a shell");
        assertThat(s.tactic()).isEqualTo("TA0002");
        assertThat(s.technique()).isEqualTo("T1059.004");
    }

    @Test
    void interleavedGroupsKeepTheirOwnStateAndSignals() {
        // one scratch key per rule is refilled per event: each group must still get its own state and signal
        DetectionEngine e = engine(BRUTE_FORCE, BRUTE_THEN_SUCCESS);
        String[] users = {"root", "admin", "alice"};
        for (int i = 0; i < 36; i++) e.process(ssh(T0 + i * 1000, "failure", users[i % 3], "203.0.113." + (i % 3)));
        e.process(ssh(T0 + 40_000, "success", "admin", "203.0.113.1"));
        Map<String, Signal> signals = drain(e, new HashMap<>());
        assertThat(e.rules().get("ssh-brute-force").groups()).isEqualTo(3);
        List<Signal> brute = signals.values().stream().filter(s -> s.ruleId().equals("ssh-brute-force")).toList();
        assertThat(brute).hasSize(3).allSatisfy(s -> {
            assertThat(s.count()).as("failures 10..12 of the group").isEqualTo(3);
            assertThat(s.entities().users()).containsExactly(s.groupBy().get("@usr.name"));
            assertThat(s.entities().ips()).containsExactly(s.groupBy().get("@network.client.ip"));
        });
        assertThat(brute).extracting(s -> s.groupBy().get("@usr.name")).containsExactlyInAnyOrder("root", "admin", "alice");
        Signal sequence = signals.values().stream().filter(s -> s.ruleId().equals("ssh-brute-force-success")).findFirst().orElseThrow();
        assertThat(sequence.groupBy()).containsEntry("@usr.name", "admin").containsEntry("@network.client.ip", "203.0.113.1");
    }

    @Test
    void reloadingRulesMidStreamKeepsStateAndReadsTheNewRulesAttributes() {
        var brute = RuleLoader.parse(BRUTE_FORCE, "t");
        DetectionEngine e = new DetectionEngine(List.of(brute));
        for (int i = 0; i < 9; i++) e.process(ssh(T0 + i * 1000, "failure", "root", "203.0.113.9"));
        // a new rule set (new attribute paths, a fresh cache) keeps the unchanged rule's 9 counted failures
        e.setRules(List.of(brute, RuleLoader.parse(MINER, "t")));
        e.process(ssh(T0 + 9_000, "failure", "root", "203.0.113.9"));
        e.process(exec(T0 + 9_500, "web-1", "shop", "acme/web", "/tmp/xmrig"));
        List<Signal> signals = e.drainSignals(0);
        assertThat(signals).extracting(Signal::ruleId).containsExactlyInAnyOrder("ssh-brute-force", "miner-exec");
        Signal miner = signals.stream().filter(s -> s.ruleId().equals("miner-exec")).findFirst().orElseThrow();
        assertThat(miner.groupBy()).containsEntry("@container.id", "shop-id").containsEntry("@process.file.path", "/tmp/xmrig");
        assertThat(miner.entities().images()).containsExactly("acme/web:1.0");
    }

    @Test
    void oneEventDetectedByManyRulesGivesEachSignalItsEntities() {
        // entities are read once per event and shared by every signal the event joins
        DetectionEngine e = engine(MINER, MINER.replace("id: miner-exec", "id: miner-exec-2").replace("@process.comm:xmrig", "@process.comm:xmr*"));
        e.process(exec(T0, "web-1", "shop", "acme/web", "/tmp/xmrig"));
        e.process(exec(T0 + 1, "web-2", "billing", "acme/billing", "/tmp/xmrig"));
        List<Signal> signals = e.drainSignals(0);
        assertThat(signals).hasSize(4).allSatisfy(s -> assertThat(s.entities().hosts()).hasSize(1));
        assertThat(signals).filteredOn(s -> s.entities().hosts().contains("web-2"))
                .hasSize(2).allSatisfy(s -> assertThat(s.entities().containers()).containsExactly("billing"));
    }

    static final String TEMPLATED_SEVERITY = """
            id: agent-alert
            name: Agent alert {{@alert.rule.id}}
            method: match
            queries:
              - query: source:vigil-agent @evt.name:exec
                groupByFields: [host]
            cases:
              - status: '{{@alert.rule.severity}}'
            """;

    /**
     * The projection is what rules, suppressions and severity placeholders read: detecting on
     * events decoded with it gives exactly the signals of events decoded whole, and the signals'
     * samples and process trees have all of each event, not only what the rules read.
     */
    @Test
    void eventsDecodedWithTheProjectionDetectAsWholeOnes() {
        DetectionEngine projected = engine(BRUTE_FORCE, MINER, NEW_SOURCE_IP, TEMPLATED_SEVERITY);
        DetectionEngine whole = engine(BRUTE_FORCE, MINER, NEW_SOURCE_IP, TEMPLATED_SEVERITY);
        List<Suppression> sups = List.of(new Suppression("sup-1", "staging", "", null, "@container.image.tag:staging", null, true, "alice", 0, 0));
        projected.setSuppressions(sups);
        whole.setSuppressions(sups);
        assertThat(projected.projection().paths()).contains("usr.name", "network.client.ip", "process.comm", "container.image.tag",
                "alert.rule.severity").doesNotContain("process.argv", "process.ancestors.comm");

        List<dev.vigil.detect.event.LogEvent> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) events.add(ssh(T0 + i * 1000, "failure", "root", "203.0.113.9"));
        for (int i = 0; i < 20; i++) {
            var e = exec(T0 + i * 500, "web-" + (i % 2), "shop", "acme/web", "/tmp/xmrig");
            ((com.fasterxml.jackson.databind.node.ObjectNode) e.attributes()).putObject("alert").putObject("rule").put("severity", i < 10 ? "low" : "critical");
            if (i % 5 == 0) ((com.fasterxml.jackson.databind.node.ObjectNode) e.attributes().get("container").get("image")).put("tag", "staging");
            events.add(e);
        }
        events.sort(java.util.Comparator.comparingLong(dev.vigil.detect.event.LogEvent::time));
        for (var e : events) {
            byte[] stored = dev.vigil.detect.event.LogEventJson.toBytes(e);
            var p = dev.vigil.detect.event.LogEventJson.fromJson(stored, projected.projection());
            assertThat(dev.vigil.detect.event.LogEventJson.projected(p)).isTrue();
            assertThat(p.attributes().path("process").has("argv")).isFalse();
            projected.process(p);
            whole.process(dev.vigil.detect.event.LogEventJson.fromJson(stored));
        }
        List<Signal> a = projected.drainSignals(T0), b = whole.drainSignals(T0);
        assertThat(a).isNotEmpty().isEqualTo(b);
        assertThat(a).anySatisfy(sig -> {
            assertThat(sig.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(sig.samples().getFirst().path("attributes").path("process").path("argv").size()).isEqualTo(2);
            assertThat(sig.processTree()).isEqualTo(b.get(a.indexOf(sig)).processTree());
        });
        assertThat(projected.drainSuppressedCounts()).isEqualTo(whole.drainSuppressedCounts()).containsEntry("sup-1", 8L); // 4 staging execs, each detected by two rules
    }
}
