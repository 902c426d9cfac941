package dev.vigil.detect.engine;

import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.RuleLoader;
import dev.vigil.detect.signal.Signal;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static dev.vigil.detect.engine.Events.T0;
import static dev.vigil.detect.engine.Events.ssh;
import static org.assertj.core.api.Assertions.assertThat;

/** Rules that share a family detect, count and signal exactly as each would alone. */
class RuleFamilyTest {

    private static DetectionRule threshold(String id, int atLeast, String window, String keepAlive, String method) {
        return RuleLoader.parse("""
                id: %s
                name: %s from {{@network.client.ip}}
                method: %s
                queries:
                  - name: failed
                    query: 'source:sshd @evt.outcome:failure'
                    groupByFields: ['@network.client.ip']
                cases:
                  - status: high
                    condition: failed >= %d
                  - status: low
                    condition: failed >= 2
                options:
                  evaluationWindow: %s
                  keepAlive: %s
                  anomalyDetectionOptions:
                    bucketDuration: 1m
                    learningDuration: 5m
                    minimumCount: 3
                """.formatted(id, id, method, atLeast, window, keepAlive), id);
    }

    private static final List<DetectionRule> RULES = List.of(
            threshold("low", 5, "5m", "10m", "threshold"),
            threshold("high", 20, "5m", "1h", "threshold"),      // same state as "low": other cases and keep-alive
            threshold("other-window", 5, "10m", "10m", "threshold"),
            threshold("spike", 5, "5m", "10m", "anomaly"),
            threshold("spike-too", 5, "5m", "30m", "anomaly"));

    private static List<LogEvent> stream() {
        Random rnd = new Random(3);
        List<LogEvent> out = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String ip = "203.0.113." + rnd.nextInt(12);
            long t = T0 + i * 700L - (rnd.nextInt(20) == 0 ? 400_000 : 0); // some late
            out.add(ssh(t, rnd.nextInt(5) == 0 ? "success" : "failure", "u" + rnd.nextInt(4), ip));
        }
        return out;
    }

    @Test
    void familiesShareOnlyWhatWouldBeEqual() {
        DetectionEngine engine = new DetectionEngine(RULES);
        Map<RuleFamily, List<String>> families = new IdentityHashMap<>();
        engine.rules().forEach((id, c) -> families.computeIfAbsent(c.family, k -> new ArrayList<>()).add(id));
        assertThat(families.values()).containsExactlyInAnyOrder(List.of("low", "high"), List.of("other-window"), List.of("spike", "spike-too"));
    }

    @Test
    void membersDetectAsAlone() {
        DetectionEngine together = new DetectionEngine(RULES);
        List<LogEvent> events = stream();
        List<String> signals = run(together, events);
        List<String> alone = new ArrayList<>();
        for (DetectionRule r : RULES) {
            DetectionEngine single = new DetectionEngine(List.of(r));
            alone.addAll(run(single, events));
            DetectionEngine.Compiled a = single.rules().get(r.id()), b = together.rules().get(r.id());
            assertThat(b.stats().matchedEvents.sum()).as(r.id()).isEqualTo(a.stats().matchedEvents.sum());
            assertThat(b.stats().detections.sum()).as(r.id()).isEqualTo(a.stats().detections.sum());
            assertThat(b.stats().late.sum()).as(r.id()).isEqualTo(a.stats().late.sum());
            assertThat(b.stats().state.expired.sum()).as(r.id()).isEqualTo(a.stats().state.expired.sum());
            assertThat(b.groups()).as(r.id()).isEqualTo(a.groups());
            assertThat(a.stats().detections.sum()).as(r.id()).isPositive();
        }
        assertThat(signals).containsExactlyInAnyOrderElementsOf(alone);
    }

    @Test
    void aRuleLoadedLaterStartsItsOwnState() {
        DetectionEngine engine = new DetectionEngine(List.of(RULES.get(0)));
        List<LogEvent> events = stream();
        for (LogEvent e : events.subList(0, 100)) engine.process(e);
        engine.setRules(List.of(RULES.get(0), RULES.get(1)));
        assertThat(engine.rules().get("high").family).isNotSameAs(engine.rules().get("low").family);
        assertThat(engine.rules().get("high").stats().matchedEvents.sum()).isZero();
        assertThat(engine.rules().get("low").stats().matchedEvents.sum()).isPositive();
    }

    /** Every signal update, as rule, group, count and severity. */
    private static List<String> run(DetectionEngine engine, List<LogEvent> events) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            engine.process(events.get(i));
            if (i % 100 == 99) out.addAll(render(engine.drainSignals(events.get(i).time())));
        }
        out.addAll(render(engine.drainSignals(Long.MAX_VALUE)));
        return out;
    }

    private static List<String> render(List<Signal> signals) {
        return signals.stream().map(s -> s.ruleId() + " " + s.groupBy() + " " + s.count() + " " + s.severity() + " " + s.firstSeen() + "-" + s.lastSeen())
                .collect(Collectors.toList());
    }
}
