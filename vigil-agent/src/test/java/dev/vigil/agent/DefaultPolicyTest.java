package dev.vigil.agent;

import dev.vigil.secl.policy.PolicyLoader;
import dev.vigil.secl.policy.Problem;
import dev.vigil.secl.policy.Rule;
import dev.vigil.secl.policy.RuleTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped default policy (as packaged in the agent jar) against its test cases in
 * policies/default/tests: every case passes, and every rule meets the policy's bar: MITRE tactic and
 * technique, severity, triage advice, a case that triggers it and a look-alike that must not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DefaultPolicyTest {

    private PolicyLoader.Result loaded;
    private RuleTests.Report report;

    @BeforeAll
    void load() throws Exception {
        loaded = PolicyLoader.load(List.of(Policies.defaultPolicy()));
        Path tests = Path.of("..", "policies", "default", "tests");
        assertThat(Files.isDirectory(tests)).as("policies/default/tests next to the module").isTrue();
        report = RuleTests.run(loaded.rules(), tests);
    }

    @Test
    void loadsWithoutErrorsOrWarnings() {
        assertThat(loaded.problems()).filteredOn(p -> p.level() != Problem.Level.INFO).isEmpty();
        assertThat(loaded.rules()).hasSizeGreaterThanOrEqualTo(60);
    }

    @Test
    void everyCasePasses() {
        assertThat(report.problems()).isEmpty();
        assertThat(report.cases()).filteredOn(c -> !c.passed()).extracting(RuleTests.CaseResult::describe).isEmpty();
        assertThat(report.cases()).hasSizeGreaterThanOrEqualTo(120);
    }

    @Test
    void everyRuleHasMitreTagsSeverityTriageAndADescription() {
        for (Rule r : loaded.rules()) {
            assertThat(r.description()).as(r.id() + " description").isNotBlank();
            assertThat(r.tag("tactic")).as(r.id() + " tactic").matches("TA\\d{4}-[a-z-]+");
            assertThat(r.tag("technique")).as(r.id() + " technique").matches("T\\d{4}(\\.\\d{3})?");
            assertThat(r.triage()).as(r.id() + " triage").isNotBlank();
        }
    }

    @Test
    void everyAlertingRuleHasATriggeringCaseAndABenignLookAlike() {
        assertThat(report.rulesNeverExpected()).as("rules no case triggers").isEmpty();
        for (Rule r : loaded.rules()) {
            if (r.silent()) continue;
            assertThat(report.cases()).as(r.id() + ": a benign look-alike case named '" + r.id() + " (benign): ...'")
                    .anyMatch(c -> c.name().startsWith(r.id() + " (benign)") && !c.expected().contains(r.id()));
        }
    }
}
