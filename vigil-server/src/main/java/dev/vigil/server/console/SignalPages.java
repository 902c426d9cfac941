package dev.vigil.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.query.Query;
import dev.vigil.detect.query.QueryException;
import dev.vigil.detect.signal.ArchiveReason;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalChange;
import dev.vigil.detect.signal.SignalStatus;
import dev.vigil.server.events.ProcessDescendants;
import dev.vigil.server.store.EntityKind;
import dev.vigil.server.store.FacetCounts;
import dev.vigil.server.store.InvalidChangeException;
import dev.vigil.server.store.NotFoundException;
import dev.vigil.server.store.SignalPage;
import dev.vigil.server.store.SignalQuery;
import dev.vigil.server.store.SuppressionSpec;
import dev.vigil.server.users.Role;
import dev.vigil.server.users.Session;
import io.helidon.webserver.http.HttpRouting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The signals explorer: the filtered, faceted list, and the side panel of one signal with its
 * process tree, samples, related signals, history and the triage actions.
 */
public final class SignalPages {

    private static final Logger LOG = LoggerFactory.getLogger(SignalPages.class);

    static final int PAGE_SIZE = 50;
    static final int RELATED = 10;
    /** Facets count the latest this many matching signals: a bounded cost however many are stored (see docs/benchmarks.md). */
    static final int FACET_SAMPLE = 2_000;
    static final int FACET_VALUES = 10;
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Console.ConsoleBackend backend;

    SignalPages(Console.ConsoleBackend backend) {
        this.backend = backend;
    }

    void routes(HttpRouting.Builder r, ConsoleAuth auth) {
        r.get("/signals", auth.page(Role.READ_ONLY, this::list));
        r.get("/signals/{id}", auth.page(Role.READ_ONLY, (req, res, s) -> {
            // the explorer with this signal's panel open: a link that can be shared
            SignalsView v = listView(req, s);
            View.render(res, "signals.jte", new SignalsView(v.chrome(), v.filter(), v.page(), v.facets(), v.error(), panel(id(req), s, null)));
        }));
        r.get("/signals/{id}/panel", auth.page(Role.READ_ONLY, (req, res, s) -> View.render(res, "signal-panel.jte", panel(id(req), s, null))));
        r.post("/signals/{id}/status", auth.action(Role.RESPONDER, this::changeStatus));
        r.post("/signals/{id}/assignee", auth.action(Role.RESPONDER, (req, res, s) -> {
            String who = ConsoleAuth.form(req).first("assignee").strip();
            backend.store().signals().assign(id(req), who.isEmpty() ? null : who, s.user().username());
            View.render(res, "signal-panel.jte", panel(id(req), s, who.isEmpty() ? "Unassigned." : "Assigned to " + who + "."));
        }));
        r.post("/signals/{id}/comments", auth.action(Role.RESPONDER, (req, res, s) -> {
            String text = ConsoleAuth.form(req).first("text").strip();
            if (text.isEmpty()) throw new Forms.BadRequest("a comment needs some text");
            backend.store().signals().comment(id(req), s.user().username(), text);
            View.render(res, "signal-panel.jte", panel(id(req), s, "Comment added."));
        }));
        r.post("/signals/{id}/suppress", auth.action(Role.RESPONDER, this::suppress));
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private void list(ServerRequest req, ServerResponse res, Session s) {
        SignalsView v = listView(req, s);
        // the live refresh and the paging links ask for the results only
        boolean resultsOnly = ConsoleAuth.isHtmx(req) && req.headers().first(io.helidon.http.HeaderNames.create("HX-Target"))
                .map("results"::equals).orElse(false);
        View.render(res, resultsOnly ? "signal-results.jte" : "signals.jte", v);
    }

    private SignalsView listView(ServerRequest req, Session s) {
        SignalFilter filter = SignalFilter.from(name -> req.query().all(name, List::of));
        Chrome chrome = Chrome.of("Signals", "signals", s);
        try {
            SignalQuery q = filter.toQuery(System.currentTimeMillis(), PAGE_SIZE);
            SignalPage page = backend.store().signals().search(q);
            FacetCounts facets = backend.store().signals().facetsOfLatest(q, new LinkedHashSet<>(SignalFilter.FACETS), FACET_SAMPLE, FACET_VALUES);
            return new SignalsView(chrome, filter, page, facets, null, null);
        } catch (Forms.BadRequest | IllegalArgumentException e) {
            return new SignalsView(chrome, filter, new SignalPage(List.of(), 0, null), new FacetCounts(Map.of(), 0, false), e.getMessage(), null);
        }
    }

    SignalPanel panel(String id, Session s, String flash) {
        Signal sig = backend.store().signals().get(id).orElseThrow(() -> new NotFoundException("signal", id));
        List<SignalChange> history = backend.store().signals().history(id);
        Set<String> seen = new LinkedHashSet<>(List.of(id));
        List<Signal> related = new ArrayList<>();
        // the same host, image, user or IP: what else happened there
        for (EntityKind k : List.of(EntityKind.HOST, EntityKind.IMAGE, EntityKind.USER, EntityKind.IP)) {
            for (String v : sig.entities().byKind().get(k.id())) {
                for (Signal o : backend.store().signals().byEntity(k, v, RELATED + 1)) {
                    if (related.size() < RELATED && seen.add(o.id())) related.add(o);
                }
                if (related.size() >= RELATED) break;
            }
        }
        List<String> samples = new ArrayList<>();
        for (JsonNode n : sig.samples()) samples.add(pretty(n));
        return new SignalPanel(Chrome.of(sig.title(), "signals", s), sig, history, related, suppressionQuery(sig),
                processTree(sig), samples, flash);
    }

    /** The sample's ancestry and, from the event index, what the triggering process started. */
    private ObjectNode processTree(Signal sig) {
        try {
            return ProcessDescendants.treeOf(sig, backend.server().eventSearch(), System.currentTimeMillis());
        } catch (IOException | RuntimeException e) {
            // the ancestry stored with the signal still tells most of the story
            LOG.warn("cannot look up the descendants of signal {}'s process", sig.id(), e);
            return sig.processTree();
        }
    }

    private void changeStatus(ServerRequest req, ServerResponse res, Session s) {
        Forms f = ConsoleAuth.form(req);
        SignalStatus status = SignalStatus.parse(f.first("status"));
        if (status == null) throw new Forms.BadRequest("unknown status '" + f.first("status") + "'");
        ArchiveReason reason = status == SignalStatus.ARCHIVED ? ArchiveReason.parse(f.first("reason")) : null;
        if (status == SignalStatus.ARCHIVED && reason == null) {
            View.render(res, 422, "signal-panel.jte", panel(id(req), s, "Archiving needs a reason."));
            return;
        }
        String comment = f.first("comment").strip();
        try {
            backend.store().signals().changeStatus(id(req), status, reason, s.user().username(), comment.isEmpty() ? null : comment);
        } catch (InvalidChangeException e) {
            View.render(res, 422, "signal-panel.jte", panel(id(req), s, e.getMessage()));
            return;
        }
        // the list row shows the status too: tell the page to refresh it
        res.header(io.helidon.http.HeaderNames.create("HX-Trigger"), "signals-changed");
        View.render(res, "signal-panel.jte", panel(id(req), s, "Status: " + status.id() + (reason == null ? "" : " (" + reason.id() + ")") + "."));
    }

    private void suppress(ServerRequest req, ServerResponse res, Session s) throws Exception {
        Forms f = ConsoleAuth.form(req);
        String query = f.first("query").strip();
        String name = f.first("name").strip();
        Signal sig = backend.store().signals().get(id(req)).orElseThrow(() -> new NotFoundException("signal", id(req)));
        try {
            Query.parse(query);
        } catch (QueryException e) {
            View.render(res, 422, "signal-panel.jte", panel(id(req), s, "Suppression query: " + e.getMessage()));
            return;
        }
        Long expires = null;
        String exp = f.first("expires");
        if (!exp.isEmpty() && !exp.equals("never")) {
            try {
                expires = System.currentTimeMillis() + dev.vigil.detect.rule.Durations.parse(exp).toMillis();
            } catch (IllegalArgumentException e) {
                View.render(res, 422, "signal-panel.jte", panel(id(req), s, "Expiry: " + e.getMessage()));
                return;
            }
        }
        boolean allRules = f.first("scope").equals("all");
        var created = backend.store().suppressions().create(new SuppressionSpec(name.isEmpty() ? "From signal " + sig.title() : name,
                f.first("description").strip().isEmpty() ? "Created from signal " + sig.id() : f.first("description").strip(),
                allRules ? null : sig.ruleId(), query, expires, true), s.user().username());
        backend.reload();
        View.render(res, "signal-panel.jte", panel(id(req), s, "Suppression " + created.id() + " created: matching events are now counted as suppressed."));
    }

    /**
     * A suppression query that matches this signal's events: its group-by values, or else its
     * host and binary. Shown in the form for the responder to narrow or widen.
     */
    static String suppressionQuery(Signal sig) {
        List<String> terms = new ArrayList<>();
        sig.groupBy().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> terms.add(term(e.getKey(), e.getValue())));
        if (terms.isEmpty()) {
            if (!sig.entities().hosts().isEmpty()) terms.add(term("host", sig.entities().hosts().getFirst()));
            if (!sig.entities().binaries().isEmpty()) terms.add(term("@process.file.path", sig.entities().binaries().getFirst()));
        }
        return String.join(" ", terms);
    }

    private static String term(String field, String value) {
        String f = field.startsWith("@") || Set.of("host", "service", "source", "status", "tags").contains(field) ? field : "@" + field;
        boolean plain = !value.isEmpty() && value.chars().allMatch(c -> Character.isLetterOrDigit(c) || "._-/".indexOf(c) >= 0);
        return f + ":" + (plain ? value : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }

    private static String pretty(JsonNode n) {
        try {
            return PRETTY.writeValueAsString(n);
        } catch (Exception e) {
            return n.toString();
        }
    }

    /** The model of {@code signals.jte} and {@code signal-results.jte}; {@code panel} is open when not null. */
    public record SignalsView(Chrome chrome, SignalFilter filter, SignalPage page, FacetCounts facets,
                              String error, SignalPanel panel) {}

    /**
     * The model of {@code signal-panel.jte}. {@code tree} is the sample's process tree with the
     * trigger's descendants (see {@link ProcessDescendants}), or null.
     */
    public record SignalPanel(Chrome chrome, Signal signal, List<SignalChange> history, List<Signal> related,
                              String suppressionQuery, ObjectNode tree, List<String> samples, String flash) {

        /** The tree's JSON for the graph, or null. */
        public String processTree() { return tree == null ? null : tree.toString(); }

        /** The tree's nodes: the ancestry down to the trigger, then its descendants. */
        public Iterable<JsonNode> treeNodes() { return tree == null ? List.of() : tree.path("nodes"); }

        public List<String> archiveReasons() {
            return java.util.Arrays.stream(ArchiveReason.values()).map(ArchiveReason::id).toList();
        }

        public String ago(long epochMs) { return Format.ago(epochMs); }
    }

}
