package dev.vigil.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.detect.query.Query;

import java.io.IOException;
import java.time.Instant;

/** The API's JSON for an event search ({@code GET /api/v1/events}). */
public final class EventsJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventsJson() {}

    public static ObjectNode result(Query query, EventSearch.Result r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("query", query.text());
        o.put("from", Instant.ofEpochMilli(r.from()).toString());
        o.put("to", Instant.ofEpochMilli(r.to()).toString());
        o.put("total", r.total());
        o.put("exact", r.exact());
        o.put("index_exact", r.indexExact());
        o.put("candidates", r.candidates());
        o.put("checked", r.checked());
        o.put("took_ms", r.tookNanos() / 1_000_000.0);
        o.put("index_lag_bytes", r.lagBytes());
        ObjectNode h = o.putObject("histogram");
        h.put("bucket_ms", r.bucketMillis());
        ArrayNode b = h.putArray("buckets");
        for (int k = 0; k < r.counts().length; k++) {
            b.addObject().put("time", Instant.ofEpochMilli(r.from() + k * r.bucketMillis()).toString()).put("count", r.counts()[k]);
        }
        ArrayNode events = o.putArray("events");
        for (EventSearch.Hit hit : r.events()) events.add(tree(hit));
        return o;
    }

    /** The event as stored (the event log's JSON form). */
    public static JsonNode tree(EventSearch.Hit hit) {
        try {
            return LogEventJson.mapper().readTree(hit.json());
        } catch (IOException x) {
            return LogEventJson.toTree(hit.event());
        }
    }
}
