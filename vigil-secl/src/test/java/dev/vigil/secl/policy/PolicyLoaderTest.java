package dev.vigil.secl.policy;

import dev.vigil.model.Event;
import dev.vigil.model.json.EventJson;
import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.secl.eval.Variables;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyLoaderTest {

    private static final EventJson JSON = new EventJson();

    private static PolicyLoader.Result load(String... texts) {
        List<PolicyLoader.Source> sources = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) sources.add(new PolicyLoader.Source("p" + i + ".policy", texts[i]));
        return PolicyLoader.load(sources, new PolicyLoader.Facts(Map.of("os", "linux", "kernel.version.major", 6L)));
    }

    private static final String POLICY = """
            version: 1.0.0
            macros:
              - id: shells
                values: [sh, bash, dash]
              - id: from_java
                expression: process.ancestors.file.name == "java"
            rules:
              - id: java_shell
                description: Java spawned a shell
                expression: exec.file.name in shells && from_java
                severity: high
                triage: Check the web server's recent requests.
                tags:
                  tactic: TA0003-persistence
                  technique: T1505.003
              - id: broken_folded
                expression: >-
                  exec.file.name == "sh" &&
                  process.file.nme == "x"
              - id: typo_key
                expresion: exec.file.name == "sh"
              - id: ok_after_errors
                expression: 'open.file.path == "/etc/shadow"'
            """;

    @Test
    void everyProblemIsReportedWithItsPositionAndTheRestLoads() {
        PolicyLoader.Result r = load(POLICY);
        assertThat(r.rules()).extracting(Rule::id).containsExactly("java_shell", "ok_after_errors");
        assertThat(r.errors()).extracting(Problem::toString).containsExactly(
                "p0.policy:19:7: error [compile] broken_folded: 'process.file.nme' is not a field, macro or constant (did you mean process.file.name?)",
                "p0.policy:21:5: error [unknown-key] typo_key: unknown rule key 'expresion'; the rule is skipped (known keys: "
                        + "actions, agent_version, combine, description, disabled, every, expression, filters, group_id, id, priority, "
                        + "severity, silent, tags, triage, version)");
        Rule rule = r.rules().getFirst();
        assertThat(rule.tags()).containsExactly("tactic:TA0003-persistence", "technique:T1505.003");
        assertThat(rule.tag("technique")).isEqualTo("T1505.003");
        assertThat(rule.severity()).isEqualTo(Severity.HIGH);
        assertThat(rule.source()).isEqualTo("p0.policy:8");
    }

    @Test
    void syntaxErrorsPointIntoQuotedAndPlainExpressions() {
        PolicyLoader.Result r = load("""
                rules:
                  - id: a
                    expression: 'exec.file.name == "sh" &&'
                  - id: b
                    expression: exec.file.name =! "sh"
                """);
        assertThat(r.errors()).extracting(Problem::toString).containsExactly(
                "p0.policy:3:43: error [syntax] a: expected an operand after '&&', found the end of the expression",
                "p0.policy:5:32: error [syntax] b: '=' is not an operator: use '==' to compare or '=~' to match a pattern");
    }

    @Test
    void laterFilesOverrideRulesByIdAndFiltersSkipWhatDoesNotApply() {
        PolicyLoader.Result r = load(POLICY, """
                rules:
                  - id: java_shell
                    expression: exec.file.name == "zsh"
                    severity: critical
                  - id: windows_only
                    expression: exec.file.name == "cmd.exe"
                    filters: ['os == "windows"']
                  - id: future
                    expression: exec.file.name == "x"
                    agent_version: ">= 99.0"
                """);
        assertThat(r.rules()).extracting(Rule::id).containsExactly("java_shell", "ok_after_errors");
        assertThat(r.rules().getFirst().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(r.problems()).extracting(Problem::code).contains("override", "filtered", "agent-version");
    }

    @Test
    void yamlErrorsAreReportedWithTheirLine() {
        PolicyLoader.Result r = load("rules:\n  - id: a\n    expression: [unclosed\n");
        assertThat(r.errors()).hasSize(1);
        assertThat(r.errors().getFirst().code()).isEqualTo("yaml");
        assertThat(r.errors().getFirst().line()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void variablesChainRulesAndAlertsAreRateLimitedWithSuppressedCounts() {
        PolicyLoader.Result r = load("""
                rules:
                  - id: downloaded
                    expression: open.flags & O_CREAT > 0 && process.file.name in ["wget", "curl"] && open.file.path =~ "/tmp/**"
                    silent: true
                    actions:
                      - set: {name: downloads, field: open.file.path, append: true, scope: container, ttl: 1h}
                  - id: downloaded_then_run
                    expression: exec.file.path in ${container.downloads}
                    every: 1m
                """);
        assertThat(r.errors()).isEmpty();
        List<RuleEngine.Match> alerts = new ArrayList<>();
        RuleEngine engine = new RuleEngine(r.rules(), new Variables());
        long now = 1_800_000_000_000_000_000L;
        Event run = JSON.parse("{\"event\":{\"type\":\"exec\"},\"process\":{\"pid\":9,\"file\":{\"path\":\"/tmp/x\",\"name\":\"x\"}}}");
        engine.evaluate(run, now, alerts::add);
        assertThat(alerts).as("nothing downloaded yet").isEmpty();
        engine.evaluate(JSON.parse("{\"event\":{\"type\":\"open\"},\"process\":{\"pid\":8,\"file\":{\"path\":\"/usr/bin/wget\",\"name\":\"wget\"}},"
                + "\"open\":{\"file\":{\"path\":\"/tmp/x\"},\"flags\":577,\"retval\":3}}"), now, alerts::add);
        assertThat(alerts).as("the silent rule only sets the variable").isEmpty();
        for (int i = 0; i < 5; i++) engine.evaluate(run, now + i, alerts::add);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.getFirst().rule().id()).isEqualTo("downloaded_then_run");
        engine.evaluate(run, now + 61_000_000_000L, alerts::add);
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(1).suppressed()).isEqualTo(4);
    }

    @Test
    void theIndexSkipsRulesAnEventCannotMatch() {
        StringBuilder policy = new StringBuilder("rules:\n");
        for (int i = 0; i < 200; i++) {
            policy.append("  - id: r").append(i).append("\n    expression: exec.file.name == \"tool").append(i)
                    .append("\" && process.uid == 0\n");
        }
        policy.append("  - id: etc\n    expression: open.file.path =~ \"/etc/cron.d/*\" && open.flags & O_CREAT > 0\n");
        policy.append("  - id: disks\n    expression: open.file.path in [~\"/dev/sd*\", ~\"/dev/nvme*\"]\n");
        for (int i = 0; i < 100; i++) {
            policy.append("  - id: port").append(i).append("\n    expression: connect.addr.port == ").append(40000 + i).append("\n");
        }
        PolicyLoader.Result r = load(policy.toString());
        assertThat(r.errors()).isEmpty();
        RuleEngine engine = new RuleEngine(r.rules(), new Variables());
        List<RuleEngine.Match> alerts = new ArrayList<>();
        engine.evaluate(JSON.parse("{\"event\":{\"type\":\"exec\"},\"process\":{\"uid\":0,\"file\":{\"path\":\"/bin/tool7\",\"name\":\"tool7\"}}}"),
                0, alerts::add);
        engine.evaluate(JSON.parse("{\"event\":{\"type\":\"open\"},\"process\":{\"uid\":0},\"open\":{\"file\":{\"path\":\"/etc/cron.d/x\"},\"flags\":64}}"),
                0, alerts::add);
        engine.evaluate(JSON.parse("{\"event\":{\"type\":\"open\"},\"process\":{\"uid\":0},\"open\":{\"file\":{\"path\":\"/var/log/x\"},\"flags\":64}}"),
                0, alerts::add);
        engine.evaluate(JSON.parse("{\"event\":{\"type\":\"open\"},\"open\":{\"file\":{\"path\":\"/dev/sda1\"}}}"), 0, alerts::add);
        engine.evaluate(JSON.parse("{\"event\":{\"type\":\"connect\"},\"connect\":{\"addr\":{\"family\":2,\"ip\":\"1.2.3.4\",\"port\":40042}}}"), 0, alerts::add);
        engine.evaluate(JSON.parse("{\"event\":{\"type\":\"connect\"},\"connect\":{\"addr\":{\"family\":2,\"ip\":\"1.2.3.4\",\"port\":443}}}"), 0, alerts::add);
        assertThat(alerts).extracting(m -> m.rule().id()).containsExactly("r7", "etc", "disks", "port42");
        long evaluated = engine.stats().stream().mapToLong(RuleEngine.RuleStats::evaluations).sum();
        assertThat(evaluated).as("only the rules each event can match are evaluated, not 302 per event").isEqualTo(4);
    }
}
