package dev.vigil.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.normalize.Normalizer.Defaults;
import dev.vigil.detect.query.Query;
import dev.vigil.detect.query.QueryException;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.RuleException;
import dev.vigil.detect.rule.RuleLoader;
import dev.vigil.detect.rule.RuleProblem;
import dev.vigil.detect.signal.ArchiveReason;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.SignalStatus;
import dev.vigil.server.store.ApiKey;
import dev.vigil.server.store.CreatedKey;
import dev.vigil.server.store.EntityKind;
import dev.vigil.server.store.InvalidChangeException;
import dev.vigil.server.store.NotFoundException;
import dev.vigil.server.store.SignalPage;
import dev.vigil.server.store.SignalQuery;
import dev.vigil.server.store.SignalSort;
import dev.vigil.server.store.Store;
import dev.vigil.server.store.SuppressionSpec;
import dev.vigil.server.intake.BatchReader;
import dev.vigil.server.intake.Intake;
import dev.vigil.server.intake.IntakeException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The REST API (documented in {@code openapi.yaml}, served at {@code /api/v1/openapi.yaml}).
 * Every route but {@code /health} and the OpenAPI document needs an API key
 * ({@code Authorization: Bearer vgl_...}); the key's name is the actor recorded in histories.
 */
public final class Api {

    private static final Logger LOG = LoggerFactory.getLogger(Api.class);

    /** What the API needs from the running server. */
    public interface Backend {
        Store store();

        Intake intake();

        BatchReader batchReader();

        DetectionEngine engine();

        /** Reloads rules and suppressions into detection; returns problems of rules that did not load. */
        List<RuleException> reload() throws IOException;

        ObjectNode stats();

        /** Searches the event index. */
        dev.vigil.server.events.EventSearch events();
        /** The rules in force with where each came from (for GET /rules). */
        List<dev.vigil.server.DetectionRules.Loaded> loadedRules();

        /** Runs a rule over a range of the event log, offline (POST /rules/test). */
        dev.vigil.server.pipeline.RuleTester ruleTester();

        /** Agents' last heartbeats, shared with the console. */
        dev.vigil.server.agents.AgentRegistry agents();

        /** The server's metrics for Prometheus. */
        dev.vigil.server.metrics.ServerMetrics metrics();
    }

    private final Backend backend;
    private final dev.vigil.server.RuleChanges ruleChanges;

    public Api(Backend backend) {
        this.backend = backend;
        this.ruleChanges = new dev.vigil.server.RuleChanges(backend.store().rules(), backend::reload);
    }

    /**
     * Every route of the API: method and path template (Helidon's {@code {name}} parameters, the
     * same syntax as OpenAPI's). {@link #routes} registers exactly these, in this order, and
     * {@code OpenApiTest} checks that {@code openapi.yaml} documents exactly these, so neither can
     * drift from the other. A new route is a constant here plus its arm in {@link #handler}, which
     * the compiler insists on.
     */
    public enum Route {
        HEALTH("GET", "/health"),
        OPENAPI("GET", "/api/v1/openapi.yaml"),
        INTAKE_AGENT("POST", "/api/v1/intake/agent"),
        INTAKE_LOGS("POST", "/api/v1/intake/logs"),
        INTAKE_SYSLOG("POST", "/api/v1/intake/syslog"),
        AGENT_HEARTBEAT("POST", "/api/v1/agents/heartbeat"),
        AGENTS("GET", "/api/v1/agents"),
        STATS("GET", "/api/v1/stats"),
        METRICS("GET", "/api/v1/metrics"),
        SIGNALS("GET", "/api/v1/signals"),
        SIGNAL("GET", "/api/v1/signals/{id}"),
        SIGNAL_HISTORY("GET", "/api/v1/signals/{id}/history"),
        SIGNAL_STATUS("POST", "/api/v1/signals/{id}/status"),
        SIGNAL_ASSIGNEE("POST", "/api/v1/signals/{id}/assignee"),
        SIGNAL_COMMENT("POST", "/api/v1/signals/{id}/comments"),
        RULES("GET", "/api/v1/rules"),
        RULE("GET", "/api/v1/rules/{id}"),
        RULE_PUT("PUT", "/api/v1/rules/{id}"),
        RULE_VALIDATE("POST", "/api/v1/rules/validate"),
        RULE_TEST("POST", "/api/v1/rules/test"),
        RULE_DELETE("DELETE", "/api/v1/rules/{id}"),
        RULE_ENABLE("POST", "/api/v1/rules/{id}/enable"),
        RULE_DISABLE("POST", "/api/v1/rules/{id}/disable"),
        SUPPRESSIONS("GET", "/api/v1/suppressions"),
        SUPPRESSION_CREATE("POST", "/api/v1/suppressions"),
        SUPPRESSION_PUT("PUT", "/api/v1/suppressions/{id}"),
        SUPPRESSION_DELETE("DELETE", "/api/v1/suppressions/{id}"),
        API_KEYS("GET", "/api/v1/api-keys"),
        API_KEY_CREATE("POST", "/api/v1/api-keys"),
        API_KEY_REVOKE("DELETE", "/api/v1/api-keys/{id}"),
        EVENTS("GET", "/api/v1/events");

        private final String method;
        private final String path;

        Route(String method, String path) {
            this.method = method;
            this.path = path;
        }

        /** The HTTP method, upper case. */
        public String method() { return method; }

        /** The path template, with {@code {name}} for path parameters. */
        public String path() { return path; }
    }

    public void routes(HttpRouting.Builder r) {
        for (Route route : Route.values()) r.route(Method.create(route.method()), route.path(), handler(route));
    }

    private Handler handler(Route route) {
        return switch (route) {
            case HEALTH -> (req, res) -> json(res, 200, ApiJson.MAPPER.createObjectNode().put("status", "ok"));
            case OPENAPI -> this::openapi;
            case INTAKE_AGENT -> authed((req, res, actor) -> intake(req, res, Intake.Kind.AGENT));
            case INTAKE_LOGS -> authed((req, res, actor) -> intake(req, res, Intake.Kind.JSON));
            case INTAKE_SYSLOG -> authed((req, res, actor) -> intake(req, res, Intake.Kind.SYSLOG));
            case AGENT_HEARTBEAT -> authed(this::heartbeat);
            case AGENTS -> authed((req, res, actor) -> {
                ArrayNode a = ApiJson.MAPPER.createArrayNode();
                backend.agents().heartbeats().forEach(a::add);
                json(res, 200, a);
            });
            case STATS -> authed((req, res, actor) -> json(res, 200, backend.stats()));
            case METRICS -> authed((req, res, actor) -> {
                res.headers().contentType(io.helidon.http.HttpMediaType.create(dev.vigil.server.metrics.ServerMetrics.contentType()));
                res.send(backend.metrics().scrape());
            });
            case SIGNALS -> authed(this::searchSignals);
            case SIGNAL -> authed((req, res, actor) ->
                    json(res, 200, ApiJson.signal(backend.store().signals().get(param(req, "id"))
                            .orElseThrow(() -> new HttpError(404, "no signal " + param(req, "id"))), true)));
            case SIGNAL_HISTORY -> authed((req, res, actor) -> {
                ArrayNode a = ApiJson.MAPPER.createArrayNode();
                backend.store().signals().history(param(req, "id")).forEach(c -> a.add(ApiJson.change(c)));
                json(res, 200, a);
            });
            case SIGNAL_STATUS -> authed(this::changeStatus);
            case SIGNAL_ASSIGNEE -> authed((req, res, actor) -> {
                JsonNode b = body(req);
                String who = b.path("assignee").isNull() || b.path("assignee").asText().isBlank() ? null : b.path("assignee").asText();
                json(res, 200, ApiJson.signal(backend.store().signals().assign(param(req, "id"), who, actor), false));
            });
            case SIGNAL_COMMENT -> authed((req, res, actor) -> {
                String text = required(body(req), "text");
                json(res, 201, ApiJson.change(backend.store().signals().comment(param(req, "id"), actor, text)));
            });
            case RULES -> authed(this::listRules);
            case RULE -> authed((req, res, actor) -> json(res, 200, ApiJson.rule(backend.store().rules().get(param(req, "id"))
                    .orElseThrow(() -> new HttpError(404, "no stored rule " + param(req, "id") + " (built-in and file rules are listed by GET /api/v1/rules)")))));
            case RULE_PUT -> authed(this::putRule);
            case RULE_VALIDATE -> authed(this::validateRule);
            case RULE_TEST -> authed(this::testRule);
            case RULE_DELETE -> authed((req, res, actor) -> {
                if (!ruleChanges.delete(param(req, "id"))) throw new HttpError(404, "no stored rule " + param(req, "id"));
                res.status(204).send();
            });
            case RULE_ENABLE -> authed((req, res, actor) -> enable(req, res, actor, true));
            case RULE_DISABLE -> authed((req, res, actor) -> enable(req, res, actor, false));
            case SUPPRESSIONS -> authed((req, res, actor) -> {
                ArrayNode a = ApiJson.MAPPER.createArrayNode();
                backend.store().suppressions().list().forEach(s -> a.add(ApiJson.suppression(s)));
                json(res, 200, a);
            });
            case SUPPRESSION_CREATE -> authed((req, res, actor) -> {
                var s = backend.store().suppressions().create(suppressionSpec(body(req)), actor);
                backend.reload();
                json(res, 201, ApiJson.suppression(s));
            });
            case SUPPRESSION_PUT -> authed((req, res, actor) -> {
                var s = backend.store().suppressions().update(param(req, "id"), suppressionSpec(body(req)));
                backend.reload();
                json(res, 200, ApiJson.suppression(s));
            });
            case SUPPRESSION_DELETE -> authed((req, res, actor) -> {
                if (!backend.store().suppressions().delete(param(req, "id"))) throw new HttpError(404, "no suppression " + param(req, "id"));
                backend.reload();
                res.status(204).send();
            });
            case API_KEYS -> authed((req, res, actor) -> {
                ArrayNode a = ApiJson.MAPPER.createArrayNode();
                backend.store().apiKeys().list().forEach(k -> a.add(ApiJson.key(k)));
                json(res, 200, a);
            });
            case API_KEY_CREATE -> authed((req, res, actor) -> {
                CreatedKey k = backend.store().apiKeys().create(required(body(req), "name"), actor);
                ObjectNode o = ApiJson.key(k.key());
                o.put("key", k.plaintext()); // shown once
                json(res, 201, o);
            });
            case API_KEY_REVOKE -> authed((req, res, actor) -> {
                if (!backend.store().apiKeys().revoke(param(req, "id"))) throw new HttpError(404, "no active API key " + param(req, "id"));
                res.status(204).send();
            });
            case EVENTS -> authed(this::searchEvents);
        };
    }

    // --- intake ---

    private void intake(ServerRequest req, ServerResponse res, Intake.Kind kind) throws IOException {
        boolean gzip = req.headers().first(HeaderNames.CONTENT_ENCODING).map(v -> v.trim().equalsIgnoreCase("gzip")).orElse(false);
        String batchId = req.headers().first(HeaderNames.create("Vigil-Batch-Id")).orElse(null);
        var q = req.query();
        List<String> tags = new ArrayList<>();
        for (String t : q.all("tags", List::of)) for (String s : t.split(",")) if (!s.isBlank()) tags.add(s.trim());
        Defaults defaults = new Defaults(q.first("source").orElse(null), q.first("service").orElse(null),
                q.first("host").orElse(null), tags, System.currentTimeMillis());
        try (InputStream in = req.content().inputStream()) {
            List<BatchReader.Line> lines = backend.batchReader().read(in, gzip);
            Intake.Result r = backend.intake().accept(kind, batchId, lines, defaults);
            json(res, 202, ApiJson.MAPPER.createObjectNode().put("accepted", r.accepted()).put("duplicate", r.duplicate()));
        } catch (IntakeException x) {
            ObjectNode o = ApiJson.MAPPER.createObjectNode().put("error", x.getMessage());
            if (x.line() > 0) o.put("line", x.line());
            json(res, x.status(), o);
        }
    }

    private void heartbeat(ServerRequest req, ServerResponse res, String actor) throws IOException {
        JsonNode b = body(req);
        backend.agents().heartbeat(required(b, "agent_id"), b, actor);
        json(res, 200, ApiJson.MAPPER.createObjectNode().put("ok", true));
    }

    // --- signals ---

    private void searchSignals(ServerRequest req, ServerResponse res, String actor) {
        var q = req.query();
        SignalQuery.Builder b = SignalQuery.builder();
        for (String s : csv(q.all("status", List::of))) b.status(enumOf(SignalStatus.parse(s), "status", s, SignalStatus.class));
        for (String s : csv(q.all("severity", List::of))) b.severity(enumOf(Severity.parse(s), "severity", s, Severity.class));
        List<String> rules = csv(q.all("rule", List::of));
        if (!rules.isEmpty()) b.rules(rules);
        q.first("tactic").ifPresent(b::tactic);
        q.first("q").ifPresent(b::text);
        for (EntityKind k : EntityKind.values()) {
            String name = k.name().toLowerCase(Locale.ROOT);
            q.first(name).ifPresent(v -> b.entity(k, v));
        }
        Long from = q.first("from").map(Api::time).orElse(null);
        Long to = q.first("to").map(Api::time).orElse(null);
        if (from != null || to != null) b.lastSeen(from, to);
        q.first("sort").ifPresent(s -> {
            boolean asc = !s.startsWith("-");
            String f = s.replaceFirst("^[-+]", "");
            SignalSort sort = switch (f) {
                case "last_seen" -> SignalSort.LAST_SEEN;
                case "first_seen" -> SignalSort.FIRST_SEEN;
                case "severity" -> SignalSort.SEVERITY;
                case "count" -> SignalSort.COUNT;
                default -> throw new HttpError(400, "unknown sort '" + f + "' (last_seen, first_seen, severity, count; prefix - for descending)");
            };
            b.sort(sort, asc);
        });
        q.first("limit").ifPresent(l -> b.limit(integer(l, "limit")));
        q.first("cursor").ifPresent(b::cursor);
        SignalQuery query;
        try {
            query = b.build();
        } catch (IllegalArgumentException x) {
            throw new HttpError(400, x.getMessage());
        }
        SignalPage page = backend.store().signals().search(query);
        ObjectNode o = ApiJson.MAPPER.createObjectNode();
        o.put("total", page.total());
        if (page.nextCursor() != null) o.put("next_cursor", page.nextCursor());
        ArrayNode items = o.putArray("signals");
        page.items().forEach(s -> items.add(ApiJson.signal(s, false)));
        if (q.first("facets").isPresent()) {
            Set<String> facets = Set.copyOf(csv(q.all("facets", List::of)));
            ObjectNode f = o.putObject("facets");
            backend.store().signals().facets(query, facets).forEach((name, counts) -> {
                ObjectNode c = f.putObject(name);
                counts.forEach(c::put);
            });
        }
        json(res, 200, o);
    }

    private void changeStatus(ServerRequest req, ServerResponse res, String actor) throws IOException {
        JsonNode b = body(req);
        String s = required(b, "status");
        SignalStatus status = enumOf(SignalStatus.parse(s), "status", s, SignalStatus.class);
        ArchiveReason reason = null;
        if (b.hasNonNull("reason")) reason = enumOf(ArchiveReason.parse(b.get("reason").asText()), "reason", b.get("reason").asText(), ArchiveReason.class);
        String comment = b.hasNonNull("comment") ? b.get("comment").asText() : null;
        json(res, 200, ApiJson.signal(backend.store().signals().changeStatus(param(req, "id"), status, reason, actor, comment), false));
    }

    // --- events ---

    /** The event index: newest matching events and a histogram; a query that does not parse is a 400 with its column. */
    private void searchEvents(ServerRequest req, ServerResponse res, String actor) throws IOException {
        var q = req.query();
        String text = q.first("query").orElse("");
        Query query;
        try {
            query = Query.parse(text);
        } catch (QueryException x) {
            json(res, 400, error("query: " + x.getMessage()).put("column", x.column()));
            return;
        }
        long now = System.currentTimeMillis();
        long to = q.first("to").map(Api::time).orElse(now);
        long from = q.first("from").map(Api::time).orElse(to - 3_600_000L);
        int limit = q.first("limit").map(l -> integer(l, "limit")).orElse(50);
        int buckets = q.first("buckets").map(b -> integer(b, "buckets")).orElse(60);
        if (to <= from) throw new HttpError(400, "'to' must be after 'from'");
        if (buckets < 1 || buckets > dev.vigil.server.events.EventSearch.MAX_BUCKETS)
            throw new HttpError(400, "buckets must be 1 to " + dev.vigil.server.events.EventSearch.MAX_BUCKETS);
        if (limit < 0 || limit > dev.vigil.server.events.EventSearch.MAX_LIMIT)
            throw new HttpError(400, "limit must be 0 to " + dev.vigil.server.events.EventSearch.MAX_LIMIT);
        long width = Math.max(1, Math.ceilDiv(to - from, buckets));
        var r = backend.events().search(query, from, to, limit, width);
        json(res, 200, dev.vigil.server.events.EventsJson.result(query, r));
    }

    // --- rules ---

    private void listRules(ServerRequest req, ServerResponse res, String actor) throws IOException {
        ArrayNode a = ApiJson.MAPPER.createArrayNode();
        Map<String, DetectionEngine.Compiled> running = backend.engine().rules();
        Map<String, String> origins = new java.util.HashMap<>();
        for (var l : backend.loadedRules()) origins.put(l.rule().id(), l.origin());
        for (DetectionEngine.Compiled c : running.values()) {
            DetectionRule r = c.rule();
            ObjectNode o = a.addObject();
            o.put("id", r.id());
            if (origins.containsKey(r.id())) o.put("origin", origins.get(r.id()));
            o.put("name", r.name());
            o.put("method", r.method().id());
            o.put("enabled", r.enabled());
            o.put("tactic", r.tag("tactic"));
            o.put("technique", r.tag("technique"));
            ObjectNode st = o.putObject("stats");
            st.put("matched_events", c.stats().matchedEvents.sum());
            st.put("detections", c.stats().detections.sum());
            st.put("suppressed", c.stats().suppressed.sum());
            st.put("late_events", c.stats().late.sum());
            st.put("groups", c.groups());
            st.put("group_evictions", c.stats().state.keyEvictions.sum());
            st.put("value_overflows", c.stats().state.valueOverflows.sum());
        }
        json(res, 200, a);
    }

    private DetectionRule parseRule(String text, String name) {
        try {
            return RuleLoader.parse(text, name);
        } catch (RuleException x) {
            throw new RuleRejected(x);
        }
    }

    /** A rule that failed validation: answered 422 with every problem and its position. */
    static final class RuleRejected extends RuntimeException {
        final RuleException problems;

        RuleRejected(RuleException x) {
            super(x.getMessage());
            this.problems = x;
        }
    }

    private void validateRule(ServerRequest req, ServerResponse res, String actor) throws IOException {
        DetectionRule r = parseRule(text(req), "request");
        json(res, 200, ApiJson.MAPPER.createObjectNode().put("valid", true).put("id", r.id()).put("method", r.method().id()));
    }

    private void putRule(ServerRequest req, ServerResponse res, String actor) throws IOException {
        String id = param(req, "id");
        String text = text(req);
        dev.vigil.server.store.StoredRule stored;
        try {
            stored = ruleChanges.put(id, text, actor);
        } catch (RuleException x) {
            throw new RuleRejected(x);
        } catch (dev.vigil.server.RuleChanges.IdMismatch x) {
            throw new HttpError(400, "the rule's id '" + x.actual + "' does not match the URL's '" + id + "'");
        }
        json(res, 200, ApiJson.rule(stored));
    }

    private void enable(ServerRequest req, ServerResponse res, String actor, boolean on) throws IOException {
        json(res, 200, ApiJson.rule(ruleChanges.setEnabled(param(req, "id"), on, actor)));
    }

    /**
     * Runs the rule in the body over the event log's events from {@code from} (default 24 hours
     * ago) to {@code to} (default now), offline, and answers the signals it would raise.
     */
    private void testRule(ServerRequest req, ServerResponse res, String actor) throws Exception {
        DetectionRule r = parseRule(text(req), "request");
        var q = req.query();
        long now = System.currentTimeMillis();
        long from = q.first("from").map(Api::time).orElse(now - 24 * 3_600_000L);
        long to = q.first("to").map(Api::time).orElse(now);
        if (to < from) throw new HttpError(400, "'to' is before 'from'");
        var d = dev.vigil.server.pipeline.RuleTester.Limits.DEFAULT;
        var limits = new dev.vigil.server.pipeline.RuleTester.Limits(
                q.first("max_events").map(v -> (long) integer(v, "max_events")).orElse(d.maxEvents()),
                q.first("max_seconds").map(v -> java.time.Duration.ofSeconds(integer(v, "max_seconds"))).orElse(d.maxTime()),
                q.first("max_signals").map(v -> integer(v, "max_signals")).orElse(d.maxSignals())).capped();
        try {
            json(res, 200, ApiJson.ruleTest(backend.ruleTester().run(r, from, to, limits)));
        } catch (dev.vigil.server.pipeline.RuleTester.Busy x) {
            res.header(HeaderNames.RETRY_AFTER, "5");
            throw new HttpError(429, x.getMessage());
        }
    }

    private SuppressionSpec suppressionSpec(JsonNode b) {
        String query = required(b, "query");
        try {
            Query.parse(query);
        } catch (QueryException x) {
            throw new HttpError(422, "query: " + x.getMessage());
        }
        Long expires = b.hasNonNull("expires_at") ? time(b.get("expires_at").asText()) : null;
        String rule = b.hasNonNull("rule_id") ? b.get("rule_id").asText() : null;
        return new SuppressionSpec(required(b, "name"), b.path("description").asText(""), rule, query, expires,
                !b.has("enabled") || b.get("enabled").asBoolean());
    }

    // --- plumbing ---

    @FunctionalInterface
    interface AuthedHandler {
        void handle(ServerRequest req, ServerResponse res, String actor) throws Exception;
    }

    private Handler authed(AuthedHandler h) {
        return (req, res) -> {
            String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
            String token = auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : "";
            if (token.isEmpty()) {
                json(res, 401, error("missing API key: send Authorization: Bearer <key>"));
                return;
            }
            Optional<ApiKey> key = backend.store().apiKeys().verify(token);
            if (key.isEmpty()) {
                json(res, 401, error("API key rejected (unknown or revoked)"));
                return;
            }
            backend.store().apiKeys().touch(key.get().id(), System.currentTimeMillis());
            String actor = "key:" + key.get().name();
            try {
                h.handle(req, res, actor);
            } catch (HttpError x) {
                json(res, x.status(), error(x.getMessage()));
            } catch (NotFoundException x) {
                json(res, 404, error(x.getMessage()));
            } catch (InvalidChangeException x) {
                json(res, 409, error(x.getMessage()));
            } catch (RuleRejected x) {
                ObjectNode o = error("the rule is not valid");
                ArrayNode ps = o.putArray("problems");
                for (RuleProblem p : x.problems.problems()) {
                    ps.addObject().put("path", p.path()).put("line", p.position().line()).put("column", p.position().column())
                            .put("message", p.message());
                }
                json(res, 422, o);
            } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
                json(res, 400, error("the body is not valid JSON: " + x.getOriginalMessage()));
            } catch (IllegalArgumentException x) {
                json(res, 400, error(x.getMessage()));
            } catch (Exception x) {
                LOG.error("{} {} failed", req.prologue().method().text(), req.path().path(), x);
                json(res, 500, error("internal error: " + x.getClass().getSimpleName()));
            }
        };
    }

    private void openapi(ServerRequest req, ServerResponse res) throws IOException {
        try (InputStream in = Api.class.getResourceAsStream("/dev/vigil/server/openapi.yaml")) {
            if (in == null) {
                res.status(Status.NOT_FOUND_404).send();
                return;
            }
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            res.send(in.readAllBytes());
        }
    }

    private static ObjectNode error(String msg) {
        return ApiJson.MAPPER.createObjectNode().put("error", msg);
    }

    static void json(ServerResponse res, int status, JsonNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(ApiJson.MAPPER.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }

    private static JsonNode body(ServerRequest req) throws IOException {
        try (InputStream in = req.content().inputStream()) {
            byte[] b = in.readNBytes(1 << 20);
            JsonNode n = ApiJson.MAPPER.readTree(b);
            if (n == null || !n.isObject()) throw new HttpError(400, "the body must be a JSON object");
            return n;
        }
    }

    private static String text(ServerRequest req) throws IOException {
        try (InputStream in = req.content().inputStream()) {
            return new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
        }
    }

    private static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    private static String required(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull() || v.asText().isBlank()) throw new HttpError(400, "missing '" + field + "'");
        return v.asText();
    }

    private static List<String> csv(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) for (String s : v.split(",")) if (!s.isBlank()) out.add(s.trim());
        return out;
    }

    /** {@code v}, or a 400 naming the bad value and the allowed ones (the enums' ids are their lower-case names). */
    private static <E extends Enum<E>> E enumOf(E v, String what, String given, Class<E> type) {
        if (v == null) {
            StringBuilder allowed = new StringBuilder();
            for (E e : type.getEnumConstants()) allowed.append(allowed.isEmpty() ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
            throw new HttpError(400, "unknown " + what + " '" + given + "' (one of: " + allowed + ")");
        }
        return v;
    }

    private static int integer(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException x) {
            throw new HttpError(400, what + " must be an integer, not '" + s + "'");
        }
    }

    /** ISO-8601 instant, or epoch milliseconds, or a relative "-24h"/"-15m". */
    static long time(String s) {
        String v = s.trim();
        try {
            if (v.matches("-?\\d{10,}")) return Long.parseLong(v);
            if (v.startsWith("-") || v.startsWith("now-")) {
                String rel = v.replaceFirst("^now", "").substring(1);
                java.time.Duration dur = dev.vigil.detect.rule.Durations.parse(rel);
                if (dur == null) throw new IllegalArgumentException(rel);
                return System.currentTimeMillis() - dur.toMillis();
            }
            return Instant.parse(v).toEpochMilli();
        } catch (RuntimeException x) {
            throw new HttpError(400, "'" + s + "' is not a time: ISO-8601 (2026-11-22T10:00:00Z), epoch ms, or relative (-24h)");
        }
    }
}
