package dev.vigil.bench;

import dev.vigil.model.Event;
import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.secl.eval.Variables;
import dev.vigil.secl.policy.PolicyLoader;
import dev.vigil.secl.policy.Rule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The synthetic rules RuleEngineBenchmark adds must load, be indexable, and never match the trace. */
class SyntheticRulesTest {

    @Test
    void everyShapeLoadsOnTopOfTheDefaultPolicyWithoutProblems() {
        PolicyLoader.Result alone = PolicyLoader.load(SyntheticRules.withDefault(0));
        PolicyLoader.Result with = PolicyLoader.load(SyntheticRules.withDefault(3 * SyntheticRules.SHAPES));

        assertThat(with.errors()).isEmpty();
        assertThat(with.rules()).hasSize(alone.rules().size() + 3 * SyntheticRules.SHAPES);
    }

    @Test
    void everyShapeKeyedOnAStringHasAnApproverTheIndexCanUse() {
        List<Rule> rules = PolicyLoader.load(List.of(SyntheticRules.policy(SyntheticRules.SHAPES))).rules();

        // the port rule (connect.addr.port == N) is keyed on an integer: whether it is indexed is the engine's business
        assertThat(rules).filteredOn(r -> !r.eventType().id().equals("connect"))
                .hasSize(SyntheticRules.SHAPES - 1)
                .allSatisfy(r -> assertThat(r.approvers()).as(r.expression()).isNotEmpty());
    }

    @Test
    void noSyntheticRuleMatchesAnyEventOfTheTrace() {
        List<Event> trace = Trace.load(Trace.HOST_MIX);
        RuleEngine engine = new RuleEngine(PolicyLoader.load(List.of(SyntheticRules.policy(1000))).rules(), new Variables());

        for (Event e : trace) engine.evaluate(e, e.timestamp(), m -> { });

        assertThat(engine.stats()).allSatisfy(s -> assertThat(s.matches()).as(s.ruleId()).isZero());
    }

    @Test
    void describeFailsIfASyntheticRuleWouldMatch() {
        // the benchmark's own guard, on the real trace: it passes, and names the policy and the evaluation rate
        Event[] events = Trace.load(Trace.HOST_MIX).toArray(Event[]::new);

        String summary = RuleEngineBenchmark.describe("default+10", RuleEngineBenchmark.engine(10), events);

        assertThat(summary).contains("policy default+10").contains("rule evaluations per event");
    }
}
