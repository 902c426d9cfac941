package dev.vigil.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.signal.Entities;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalStatus;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Signals as the detection engine would hand them to the store, with sensible defaults. */
final class TestSignals {

    static final ObjectMapper JSON = new ObjectMapper();

    private TestSignals() {}

    static Builder signal(String id) {
        return new Builder(id);
    }

    static ObjectNode sample(String binary, String... argv) {
        ObjectNode e = JSON.createObjectNode();
        e.putObject("event").put("type", "exec").put("time", "2027-01-15T08:00:00Z");
        ObjectNode p = e.putObject("process");
        p.putObject("file").put("path", binary);
        var a = p.putArray("argv");
        for (String s : argv) a.add(s);
        return e;
    }

    static final class Builder {
        private final String id;
        private String ruleId = "rule-miner";
        private String ruleName = "Crypto miner executed";
        private String title;
        private String message = "A **miner** ran.";
        private Severity severity = Severity.MEDIUM;
        private Map<String, String> groupBy = Map.of("container.id", "c0ffee");
        private long count = 1;
        private long firstSeen = StoreTestCase.T0 - 60_000;
        private long lastSeen = StoreTestCase.T0 - 1_000;
        private long createdAt = StoreTestCase.T0;
        private long updatedAt = StoreTestCase.T0;
        private String tactic = "TA0040";
        private String technique = "T1496";
        private List<String> tags = List.of("source:agent", "tactic:TA0040");
        private String triage = "Check the image.";
        private final Map<EntityKind, List<String>> entities = new EnumMap<>(EntityKind.class);
        private final Map<String, Long> overflow = new LinkedHashMap<>();
        private List<ObjectNode> samples = List.of(sample("/usr/bin/xmrig", "xmrig", "-o", "pool:3333"));
        private ObjectNode processTree;

        private Builder(String id) {
            this.id = id;
            this.title = "Title of " + id;
        }

        Builder rule(String ruleId, String ruleName) { this.ruleId = ruleId; this.ruleName = ruleName; return this; }
        Builder title(String title) { this.title = title; return this; }
        Builder message(String message) { this.message = message; return this; }
        Builder severity(Severity severity) { this.severity = severity; return this; }
        Builder groupBy(Map<String, String> groupBy) { this.groupBy = groupBy; return this; }
        Builder count(long count) { this.count = count; return this; }
        Builder firstSeen(long t) { this.firstSeen = t; return this; }
        Builder lastSeen(long t) { this.lastSeen = t; return this; }
        Builder seen(long first, long last) { this.firstSeen = first; this.lastSeen = last; return this; }
        Builder createdAt(long t) { this.createdAt = t; return this; }
        Builder updatedAt(long t) { this.updatedAt = t; return this; }
        Builder tactic(String tactic, String technique) { this.tactic = tactic; this.technique = technique; return this; }
        Builder tags(String... tags) { this.tags = List.of(tags); return this; }
        Builder triage(String triage) { this.triage = triage; return this; }
        Builder samples(List<ObjectNode> samples) { this.samples = samples; return this; }
        Builder processTree(ObjectNode tree) { this.processTree = tree; return this; }
        Builder overflow(String kind, long n) { overflow.put(kind, n); return this; }

        Builder entity(EntityKind kind, String... values) {
            entities.computeIfAbsent(kind, k -> new ArrayList<>()).addAll(List.of(values));
            return this;
        }

        Builder host(String... values) { return entity(EntityKind.HOST, values); }

        Signal build() {
            return new Signal(id, ruleId, ruleName, title, message, severity, SignalStatus.OPEN, null, null, groupBy, count,
                    firstSeen, lastSeen, createdAt, updatedAt, tactic, technique, tags, triage, entities(), samples,
                    processTree);
        }

        private Entities entities() {
            return new Entities(get(EntityKind.HOST), get(EntityKind.CONTAINER), get(EntityKind.IMAGE),
                    get(EntityKind.SERVICE), get(EntityKind.USER), get(EntityKind.IP), get(EntityKind.BINARY), overflow);
        }

        private List<String> get(EntityKind k) {
            return entities.getOrDefault(k, List.of());
        }
    }
}
