package dev.vigil.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.query.Query;
import dev.vigil.detect.query.QueryException;
import dev.vigil.detect.signal.EntityCollector;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalStatus;
import dev.vigil.server.events.EventSearch;
import dev.vigil.server.events.EventsJson;
import dev.vigil.server.store.EntityKind;
import dev.vigil.server.store.NotFoundException;
import dev.vigil.server.store.SignalPage;
import dev.vigil.server.store.SignalQuery;
import dev.vigil.server.store.SignalSort;
import dev.vigil.server.users.Role;
import dev.vigil.server.users.Session;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The events explorer ({@code /events}: search the event index with the detection query syntax,
 * a histogram, the newest matches) and the entity pages ({@code /entities/{kind}/{value}}: a
 * host's, user's, IP's... signals and recent events, with links to pivot further).
 */
public final class EventPages {

    static final int PAGE_SIZE = 50;
    static final List<String> RANGES = List.of("15m", "1h", "24h", "7d");
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Console.ConsoleBackend backend;

    EventPages(Console.ConsoleBackend backend) {
        this.backend = backend;
    }

    void routes(HttpRouting.Builder r, ConsoleAuth auth) {
        r.get("/events", auth.page(Role.READ_ONLY, this::explorer));
        // an event's JSON, loaded when its row is unfolded (50 agent events would weigh half a megabyte inline)
        r.get("/events/{id}/json", auth.page(Role.READ_ONLY, (req, res, s) -> {
            String id = req.path().pathParameters().get("id");
            EventSearch.Hit hit = backend.server().eventSearch().byId(id).orElseThrow(() -> new NotFoundException("event", id));
            View.render(res, "event-json.jte", new EventJson(id, pretty(EventsJson.tree(hit))));
        }));
        r.get("/entities/{kind}/{+value}", auth.page(Role.READ_ONLY, this::entity));
    }

    // ---- the explorer

    private void explorer(ServerRequest req, ServerResponse res, Session s) throws IOException {
        String q = req.query().first("q").orElse("").strip();
        String range = range(req.query().first("range").orElse(null), "1h");
        Chrome chrome = Chrome.of("Events", "events", s);
        Query query;
        try {
            query = Query.parse(q);
        } catch (QueryException x) {
            View.render(res, 400, "events.jte", new EventsView(chrome, q, range, QueryError.of(q, x), null));
            return;
        }
        EventResults results = search(query, range, System.currentTimeMillis(), q);
        timing(res, results);
        View.render(res, "events.jte", new EventsView(chrome, q, range, null, results));
    }

    /** Runs a search over the last {@code range}, in about 60 buckets aligned on their width. */
    EventResults search(Query query, String range, long now, String q) throws IOException {
        long span = spanMillis(range);
        long width = bucketMillis(range);
        long to = (now / width + 1) * width; // the bucket holding now is the last
        long from = to - span;
        EventSearch.Result r = backend.server().eventSearch().search(query, from, to, PAGE_SIZE, width);
        return EventResults.of(r, q, range);
    }

    private static void timing(ServerResponse res, EventResults r) {
        res.header(HeaderNames.create("Server-Timing"), String.format(Locale.ROOT, "search;dur=%.1f", r.tookMillis()));
    }

    static String range(String r, String dflt) {
        return r != null && RANGES.contains(r) ? r : dflt;
    }

    static long spanMillis(String range) {
        return switch (range) {
            case "15m" -> 15 * 60_000L;
            case "1h" -> 3_600_000L;
            case "24h" -> 86_400_000L;
            default -> 7 * 86_400_000L;
        };
    }

    static long bucketMillis(String range) {
        return switch (range) {
            case "15m" -> 15_000L;
            case "1h" -> 60_000L;
            case "24h" -> 30 * 60_000L;
            default -> 3 * 3_600_000L;
        };
    }

    static String eventsUrl(String q, String range) {
        return "/events?" + (q.isEmpty() ? "" : "q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&") + "range=" + range;
    }

    // ---- entity pages

    private void entity(ServerRequest req, ServerResponse res, Session s) throws IOException {
        String kindName = req.path().pathParameters().get("kind");
        String value = req.path().pathParameters().get("value");
        EntityKind kind = EntityKind.parse(kindName);
        if (kind == null || !kindName.equals(kind.id())) throw new NotFoundException("entity kind", kindName);
        if (value.isEmpty()) throw new NotFoundException(kind.id(), value);
        String q = entityQuery(kind, value);
        var signals = backend.store().signals();
        SignalQuery base = SignalQuery.builder().entity(kind, value).limit(PAGE_SIZE).sort(SignalSort.LAST_SEEN, false).build();
        SignalPage page = signals.search(base);
        Long firstSeen = null, lastSeen = null;
        if (!page.items().isEmpty()) {
            lastSeen = page.items().getFirst().lastSeen();
            SignalPage first = signals.search(base.toBuilder().limit(1).sort(SignalSort.FIRST_SEEN, true).build());
            firstSeen = first.items().isEmpty() ? null : first.items().getFirst().firstSeen();
        }
        Map<String, Map<String, Long>> facets = signals.facets(base, Set.of("severity", "status"));
        Map<String, Long> bySeverity = new LinkedHashMap<>();
        for (int i = Severity.values().length - 1; i >= 0; i--) {
            Severity sev = Severity.values()[i];
            long n = facets.getOrDefault("severity", Map.of()).getOrDefault(sev.id(), 0L);
            if (n > 0) bySeverity.put(sev.id(), n);
        }
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (SignalStatus st : SignalStatus.values()) {
            long n = facets.getOrDefault("status", Map.of()).getOrDefault(st.id(), 0L);
            if (n > 0) byStatus.put(st.id(), n);
        }
        String range = range(req.query().first("range").orElse(null), "7d");
        EventResults events = search(Query.parse(q), range, System.currentTimeMillis(), q);
        timing(res, events);
        View.render(res, "entity.jte", new EntityView(Chrome.of(kind.id() + " " + value, "events", s), kind.id(), value, q,
                page.items(), page.total(), bySeverity, byStatus, firstSeen, lastSeen, events, range,
                "/signals?" + kind.id() + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8) + "&range=all"));
    }

    /** The search for an entity's events: the attributes its kind is taken from (as signals collect them). */
    static String entityQuery(EntityKind kind, String v) {
        return switch (kind) {
            case HOST -> "host:" + Query.literal(v);
            case SERVICE -> "service:" + Query.literal(v);
            case USER -> "@usr.name:" + Query.literal(v);
            case IP -> "@network.client.ip:" + Query.literal(v) + " OR @network.destination.ip:" + Query.literal(v);
            case BINARY -> "@process.file.path:" + Query.literal(v);
            case CONTAINER -> "@container.name:" + Query.literal(v) + " OR @container.id:" + Query.literal(v);
            case IMAGE -> {
                // signals name an image "name:tag" (or "name" alone): a registry port is not a tag
                int colon = v.lastIndexOf(':');
                String q = "@container.image.name:" + Query.literal(v);
                if (colon > 0 && colon < v.length() - 1 && v.indexOf('/', colon) < 0) {
                    q += " OR (@container.image.name:" + Query.literal(v.substring(0, colon)) + " @container.image.tag:" + Query.literal(v.substring(colon + 1)) + ")";
                }
                yield q;
            }
        };
    }

    // ---- models

    /** A query that does not parse: the message, and the query cut around the column for a marker. */
    public record QueryError(String message, int column, String before, String at, String after) {
        static QueryError of(String q, QueryException x) {
            int col = Math.max(1, x.column());
            int cps = q.codePointCount(0, q.length());
            int start = q.offsetByCodePoints(0, Math.min(col - 1, cps));
            int end = start < q.length() ? q.offsetByCodePoints(start, 1) : start;
            return new QueryError(x.getMessage(), col, q.substring(0, start), q.substring(start, end), q.substring(end));
        }
    }

    /** One event as the list shows it. */
    public record EventRow(String id, long time, String host, String source, String service, String status, String message,
                           List<EntityLink> entities) {
        public String timeText() { return Format.time(time); }
        public String iso() { return Format.iso(time); }
        public String jsonUrl() { return "/events/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "/json"; }
    }

    /** The model of {@code event-json.jte}: one event's JSON, pretty-printed. */
    public record EventJson(String id, String json) {}

    /** A link to an entity page. */
    public record EntityLink(String kind, String value, String url) {}

    /** What a search found, ready for a page: the rows, the chart's ECharts option, the summary. */
    public record EventResults(List<EventRow> rows, String chart, long total, boolean exact, boolean indexExact,
                               long candidates, long checked, double tookMillis, long lagBytes, String q, String range) {

        static EventResults of(EventSearch.Result r, String q, String range) {
            List<EventRow> rows = new ArrayList<>();
            for (EventSearch.Hit h : r.events()) rows.add(row(h));
            return new EventResults(List.copyOf(rows), chartOption(r, range), r.total(), r.exact(), r.indexExact(), r.candidates(),
                    r.checked(), r.tookNanos() / 1e6, r.lagBytes(), q, range);
        }

        public String totalText() { return (exact ? "" : "≈ ") + String.format(Locale.ROOT, "%,d", total); }

        public String tookText() { return String.format(Locale.ROOT, "%.0f ms", tookMillis); }

        public String explorerUrl() { return eventsUrl(q, range); }

        public String withRange(String r) { return eventsUrl(q, r); }
    }

    static EventRow row(EventSearch.Hit h) {
        LogEvent e = h.event();
        var ents = EntityCollector.of(e).byKind();
        List<EntityLink> links = new ArrayList<>();
        for (String kind : Format.ENTITY_KINDS) {
            for (String v : ents.getOrDefault(kind, List.of())) links.add(new EntityLink(kind, v, Format.entityUrl(kind, v)));
        }
        return new EventRow(e.id(), e.time(), e.host(), e.source(), e.service(), e.status(), e.message(), links);
    }

    private static final DateTimeFormatter LABEL_DAY = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LABEL_TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    /** The histogram as an ECharts option: one bar per bucket, labelled with its start (UTC). */
    static String chartOption(EventSearch.Result r, String range) {
        ObjectNode o = PRETTY.createObjectNode();
        o.putObject("grid").put("left", 48).put("right", 12).put("top", 12).put("bottom", 28);
        o.putObject("tooltip").put("trigger", "axis");
        ObjectNode x = o.putObject("xAxis");
        x.put("type", "category");
        ArrayNode labels = x.putArray("data");
        DateTimeFormatter f = range.equals("24h") || range.equals("7d") ? LABEL_DAY : LABEL_TIME;
        for (int k = 0; k < r.counts().length; k++) labels.add(f.format(Instant.ofEpochMilli(r.from() + k * r.bucketMillis())));
        o.putObject("yAxis").put("type", "value").put("minInterval", 1);
        ArrayNode series = o.putArray("series");
        ObjectNode bars = series.addObject();
        bars.put("type", "bar").put("name", r.exact() ? "events" : "events (estimated)").put("barCategoryGap", "10%");
        ArrayNode data = bars.putArray("data");
        for (long c : r.counts()) data.add(c);
        return o.toString();
    }

    private static String pretty(JsonNode n) {
        try {
            return PRETTY.writeValueAsString(n);
        } catch (IOException x) {
            return n.toString();
        }
    }

    /** The model of {@code events.jte}: {@code error} or {@code results} is set. */
    public record EventsView(Chrome chrome, String q, String range, QueryError error, EventResults results) {
        public List<String> ranges() { return RANGES; }

        public String withRange(String r) { return eventsUrl(q, r); }
    }

    /** The model of {@code entity.jte}. */
    public record EntityView(Chrome chrome, String kind, String value, String query, List<Signal> signals, long signalTotal,
                             Map<String, Long> bySeverity, Map<String, Long> byStatus, Long firstSeen, Long lastSeen,
                             EventResults events, String range, String signalsUrl) {
        public List<String> ranges() { return RANGES; }

        public String withRange(String r) { return Format.entityUrl(kind, value) + "?range=" + r; }

        public String time(long t) { return Format.time(t); }

        public String iso(long t) { return Format.iso(t); }

        public String ago(long t) { return Format.ago(t); }
    }
}
