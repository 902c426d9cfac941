package dev.vigil.agent;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.model.json.EventJson;
import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.secl.policy.Rule;

import java.io.IOException;
import java.time.Instant;

/**
 * The JSON form of an alert: the triggering event in its usual form (process with ancestry and
 * argv, container, host...) plus an {@code alert} object: the rule with its tags, MITRE tactic and
 * technique, severity and triage advice, and counts. One object per line on the alert stream.
 */
public final class AlertJson {

    private final EventJson events;

    public AlertJson(EventJson events) {
        this.events = events;
    }

    public void write(RuleEngine.Match m, String agentVersion, JsonGenerator g) throws IOException {
        Rule r = m.rule();
        g.writeStartObject();
        g.writeObjectFieldStart("alert");
        g.writeStringField("time", Instant.ofEpochSecond(0, m.event().timestamp()).toString());
        g.writeObjectFieldStart("rule");
        g.writeStringField("id", r.id());
        g.writeStringField("description", r.description());
        g.writeStringField("severity", r.severity().id());
        g.writeArrayFieldStart("tags");
        for (String t : r.tags()) g.writeString(t);
        g.writeEndArray();
        g.writeStringField("tactic", r.tag("tactic"));
        g.writeStringField("technique", r.tag("technique"));
        g.writeStringField("triage", r.triage());
        g.writeStringField("expression", r.expression());
        g.writeStringField("source", r.source());
        g.writeEndObject();
        g.writeNumberField("matches", m.matches());
        g.writeNumberField("suppressed", m.suppressed());
        g.writeStringField("agent_version", agentVersion);
        g.writeEndObject();
        events.writeFields(m.event(), g);
        g.writeEndObject();
    }
}
