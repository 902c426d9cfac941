package dev.vigil.detect.rule;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleLoaderTest {

    @Test
    void readsADatadogStyleJsonRule() {
        DetectionRule r = RuleLoader.parse("""
                {"id": "k8s-exec", "name": "Exec into a pod", "isEnabled": true,
                 "queries": [{"query": "source:kubernetes.audit @objectRef.subresource:exec", "groupByFields": ["@usr.name"], "name": "a"}],
                 "cases": [{"status": "medium", "condition": "a > 0"}],
                 "options": {"evaluationWindow": 300, "keepAlive": 3600, "maxSignalDuration": 86400},
                 "tags": ["tactic:TA0002", "technique:T1609"]}
                """, "k8s.json");
        assertThat(r.method()).isEqualTo(Method.THRESHOLD);
        assertThat(r.options().evaluationWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(r.options().keepAlive()).isEqualTo(Duration.ofHours(1));
        assertThat(r.tag("technique")).isEqualTo("T1609");
        assertThat(r.queries().getFirst().groupBy().getFirst().name()).isEqualTo("@usr.name");
    }

    @Test
    void everyProblemNamesItsFieldLineAndColumn() {
        String yaml = """
                id: Bad Id
                name: x
                queries:
                  - query: source:sshd
                    groupByFields: [usr.name]
                    aggregation: median
                cases:
                  - status: urgent
                    condition: a > > 3
                options:
                  evaluationWindow: five minutes
                  keepAlive: 2h
                  maxSignalDuration: 1h
                  colour: red
                tags: [tactic:credential-access]
                """;
        assertThatThrownBy(() -> RuleLoader.parse(yaml, "rules/bad.yaml"))
                .isInstanceOfSatisfying(RuleException.class, x -> {
                    assertThat(x.problems()).extracting(Object::toString).contains(
                            "1:5 id: 'Bad Id' is not a valid id: use lower-case letters, digits, '-', '_' or '.' (at most 128)",
                            "5:21 queries[0].groupByFields[0]: 'usr.name' is neither a reserved attribute (host, service, source, status) nor an attribute (write @usr.name)",
                            "6:18 queries[0].aggregation: unknown aggregation 'median' (count, cardinality, new_value)",
                            "8:13 cases[0].status: unknown severity 'urgent' (info, low, medium, high, critical, or a placeholder such as {{@alert.rule.severity}})",
                            "9:20 cases[0].condition: column 5: expected a query name, a number or '(' but found '> 3'",
                            "11:21 options.evaluationWindow: 'five minutes' is not a duration: seconds as a number, or 30s, 5m, 1h, 7d",
                            "13:22 options.maxSignalDuration: maxSignalDuration (PT1H) must not be shorter than keepAlive (PT2H)",
                            "14:3 options.colour: unknown field 'colour' (known here: anomalyDetectionOptions, detectionMethod, evaluationWindow, keepAlive, lateness, maxSignalDuration, newValueOptions, sequenceDetectionOptions)",
                            "15:8 tags[0]: tactic must be a MITRE ATT&CK tactic id such as TA0006, not 'credential-access'");
                    assertThat(x.getMessage()).startsWith("rules/bad.yaml:1:5 id:");
                });
    }

    @Test
    void yamlSyntaxErrorsHaveAPosition() {
        assertThatThrownBy(() -> RuleLoader.parse("id: x\nqueries: [a\n", "r.yaml"))
                .isInstanceOf(RuleException.class)
                .hasMessageStartingWith("r.yaml:2:12: YAML syntax:");
    }

    @Test
    void methodSpecificRequirements() {
        assertThatThrownBy(() -> RuleLoader.parse("""
                id: seq
                name: s
                method: sequence
                queries: [{query: 'source:sshd'}]
                cases: [{status: high}]
                """, "s.yaml")).hasMessageContaining("a sequence rule needs at least two steps");
        assertThatThrownBy(() -> RuleLoader.parse("""
                id: nv
                name: n
                method: new_value
                queries: [{query: 'source:sshd'}]
                cases: [{status: low}]
                """, "n.yaml")).hasMessageContaining("a new_value query needs 'metric'");
        assertThatThrownBy(() -> RuleLoader.parse("""
                id: th
                name: t
                queries: [{query: 'source:sshd'}]
                cases: [{status: low}]
                """, "t.yaml")).hasMessageContaining("a threshold case needs a condition");
    }

    @Test
    void conditionsEvaluate() {
        Condition c = Condition.parse("failed >= 10 && (success > 0 || failed + success > 100)", java.util.List.of("failed", "success"));
        assertThat(c.test(new double[]{10, 1})).isTrue();
        assertThat(c.test(new double[]{10, 0})).isFalse();
        assertThat(c.test(new double[]{9, 1})).isFalse();
        assertThat(c.test(new double[]{101, 0})).isTrue();
        assertThatThrownBy(() -> Condition.parse("failed > 1 && nope > 2", java.util.List.of("failed")))
                .hasMessage("column 15: unknown query 'nope' (queries: failed)");
    }
}
