package dev.vigil.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalChange;
import dev.vigil.detect.suppression.Suppression;
import dev.vigil.server.store.ApiKey;
import dev.vigil.server.store.StoredRule;

import java.time.Instant;

/** The API's JSON forms: ids in lower case, times as ISO-8601 and epoch ms, never a secret. */
final class ApiJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiJson() {}

    static ObjectNode signal(Signal s, boolean full) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", s.id());
        o.put("rule_id", s.ruleId());
        o.put("rule_name", s.ruleName());
        o.put("title", s.title());
        o.put("severity", s.severity().id());
        o.put("status", s.status().id());
        if (s.archiveReason() != null) o.put("archive_reason", s.archiveReason().id());
        if (s.assignee() != null) o.put("assignee", s.assignee());
        o.put("count", s.count());
        o.put("first_seen", Instant.ofEpochMilli(s.firstSeen()).toString());
        o.put("last_seen", Instant.ofEpochMilli(s.lastSeen()).toString());
        o.put("created_at", Instant.ofEpochMilli(s.createdAt()).toString());
        o.put("updated_at", Instant.ofEpochMilli(s.updatedAt()).toString());
        o.put("tactic", s.tactic());
        o.put("technique", s.technique());
        ArrayNode tags = o.putArray("tags");
        s.tags().forEach(tags::add);
        ObjectNode group = o.putObject("group_by");
        s.groupBy().forEach(group::put);
        ObjectNode ent = o.putObject("entities");
        s.entities().byKind().forEach((k, v) -> {
            ArrayNode a = ent.putArray(k);
            v.forEach(a::add);
        });
        if (full) {
            o.put("message", s.message());
            o.put("triage", s.triage());
            ArrayNode samples = o.putArray("samples");
            s.samples().forEach(samples::add);
            if (s.processTree() != null) o.set("process_tree", s.processTree());
        }
        return o;
    }

    static ObjectNode change(SignalChange c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("at", Instant.ofEpochMilli(c.at()).toString());
        o.put("actor", c.actor());
        o.put("field", c.field());
        if (c.from() != null) o.put("from", c.from());
        if (c.to() != null) o.put("to", c.to());
        if (c.comment() != null) o.put("comment", c.comment());
        return o;
    }

    static ObjectNode suppression(Suppression s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", s.id());
        o.put("name", s.name());
        o.put("description", s.description());
        if (s.ruleId() != null) o.put("rule_id", s.ruleId());
        o.put("query", s.query());
        if (s.expiresAt() != null) o.put("expires_at", Instant.ofEpochMilli(s.expiresAt()).toString());
        o.put("enabled", s.enabled());
        o.put("created_by", s.createdBy());
        o.put("created_at", Instant.ofEpochMilli(s.createdAt()).toString());
        o.put("suppressed_count", s.suppressedCount());
        return o;
    }

    static ObjectNode key(ApiKey k) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", k.id());
        o.put("name", k.name());
        o.put("prefix", k.displayPrefix());
        o.put("created_at", Instant.ofEpochMilli(k.createdAt()).toString());
        o.put("created_by", k.createdBy());
        if (k.lastUsedAt() != null) o.put("last_used_at", Instant.ofEpochMilli(k.lastUsedAt()).toString());
        o.put("active", k.active());
        return o;
    }

    static ObjectNode rule(StoredRule r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", r.id());
        o.put("name", r.name());
        o.put("format", r.format().id());
        o.put("enabled", r.enabled());
        o.put("version", r.version());
        o.put("source", r.source());
        return o;
    }

    static ObjectNode ruleTest(dev.vigil.server.pipeline.RuleTester.Result r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("rule_id", r.ruleId());
        o.put("from", Instant.ofEpochMilli(r.from()).toString());
        o.put("to", Instant.ofEpochMilli(r.to()).toString());
        o.put("scanned_events", r.scannedEvents());
        o.put("tested_events", r.testedEvents());
        o.put("matched_events", r.matchedEvents());
        o.put("detections", r.detections());
        o.put("suppressed", r.suppressed());
        o.put("late_events", r.lateEvents());
        o.put("elapsed_ms", r.elapsedMillis());
        if (r.bound() != null) o.put("bound", r.bound().id());
        else o.putNull("bound");
        if (r.earliestEvent() != null) o.put("earliest_event", Instant.ofEpochMilli(r.earliestEvent()).toString());
        o.put("signals_total", r.signalsTotal());
        ArrayNode a = o.putArray("signals");
        for (var s : r.signals()) {
            ObjectNode j = a.addObject();
            j.put("title", s.title());
            j.put("severity", s.severity().id());
            j.put("count", s.count());
            ObjectNode group = j.putObject("group_by");
            s.groupBy().forEach(group::put);
            j.put("first_seen", Instant.ofEpochMilli(s.firstSeen()).toString());
            j.put("last_seen", Instant.ofEpochMilli(s.lastSeen()).toString());
            ArrayNode hosts = j.putArray("hosts");
            s.hosts().forEach(hosts::add);
        }
        return o;
    }
}
