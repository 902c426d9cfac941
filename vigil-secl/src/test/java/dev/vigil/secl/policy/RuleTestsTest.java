package dev.vigil.secl.policy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RuleTestsTest {

    private final List<Rule> rules = PolicyLoader.load(List.of(new PolicyLoader.Source("p.policy", """
            rules:
              - id: shadow_read
                expression: open.file.path == "/etc/shadow" && process.file.name in ["cat", "less"]
              - id: any_cat
                expression: exec.file.name == "cat"
            """)), new PolicyLoader.Facts(Map.of())).rules();

    @Test
    void expectIsExactAndFailuresSayWhatWasMissingOrUnexpected() {
        List<Problem> problems = new ArrayList<>();
        var results = RuleTests.runFile(rules, "t.yaml", """
                cases:
                  - name: cat reads shadow
                    events:
                      - type: exec
                        process: {file: {path: /bin/cat, name: cat}}
                      - event: {type: open}
                        process: {file: {path: /bin/cat, name: cat}}
                        open: {file: {path: /etc/shadow}, flags: 0, retval: 3}
                    expect: [shadow_read, any_cat]
                  - name: benign look-alike that is not benign
                    events:
                      - type: exec
                        process: {file: {path: /bin/cat, name: cat}}
                    expect: []
                  - name: unknown rule
                    events: [{type: exec}]
                    expect: [nope]
                  - name: bad event
                    events: [{type: opne}]
                    expect: []
                """, problems);
        assertThat(problems).isEmpty();
        assertThat(results).extracting(RuleTests.CaseResult::passed).containsExactly(true, false, false, false);
        assertThat(results.get(1).describe()).isEqualTo("t.yaml:10: benign look-alike that is not benign: expected [], fired [any_cat] (unexpected: any_cat)");
        assertThat(results.get(2).describe()).contains("expects rule 'nope', which the policy does not define");
        assertThat(results.get(3).describe()).contains("t.yaml:19").contains("invalid event: unknown event.type 'opne'");
    }
}
