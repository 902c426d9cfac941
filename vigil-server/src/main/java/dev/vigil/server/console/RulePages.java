package dev.vigil.server.console;

import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.RuleException;
import dev.vigil.detect.rule.RuleProblem;
import dev.vigil.server.DetectionRules;
import dev.vigil.server.RuleChanges;
import dev.vigil.server.VigilServer;
import dev.vigil.server.pipeline.RuleTester;
import dev.vigil.server.store.NotFoundException;
import dev.vigil.server.store.SignalQuery;
import dev.vigil.server.store.StoredRule;
import dev.vigil.server.users.Role;
import dev.vigil.server.users.Session;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules pages: every detection rule in force with its origin, state and counters; one rule's
 * source; the editor of stored rules with validation as you type (each problem at its line and
 * column in a numbered listing); a rule test over the last hours of the event log; and the
 * agents' default SECL policy, read-only.
 *
 * <p>Built-in and rule-directory rules are files (rules as code, reviewed like code): the console
 * does not change them. It copies them into stored rules, which override them by id. Every
 * change goes through {@link RuleChanges}, the code path of the REST API, so detection reloads
 * the same way.
 *
 * <p>Paths of the console's own pages under {@code /rules/} start with '_', which no rule id can
 * ({@code [a-z0-9][a-z0-9_.-]*}), so they never shadow a rule.
 */
public final class RulePages {

    /** Hours a rule test may look back, as offered. */
    public static final List<Integer> TEST_HOURS = List.of(1, 6, 24, 72, 168);
    static final int MAX_TEST_HOURS = 24 * 31;
    /** Flash messages a redirect may ask for by key: the URL never carries text to show. */
    private static final Map<String, String> FLASH = Map.of(
            "saved", "Saved. Detection reloaded the rule.",
            "enabled", "Enabled. Detection reloaded the rule.",
            "disabled", "Disabled. Detection reloaded without it.",
            "disabled-copy", "Disabled: a stored copy of this rule, turned off, now overrides the file (which is unchanged). "
                    + "Delete the stored copy to go back to the file's rule.",
            "deleted", "Deleted the stored rule. Detection reloaded.");

    private final Console.ConsoleBackend backend;
    private final RuleChanges changes;

    RulePages(Console.ConsoleBackend backend) {
        this.backend = backend;
        this.changes = new RuleChanges(backend.store().rules(), backend::reload);
    }

    void routes(HttpRouting.Builder r, ConsoleAuth auth) {
        r.get("/rules", auth.page(Role.READ_ONLY, this::list));
        r.get("/rules/_agent-policy", auth.page(Role.READ_ONLY, (req, res, s) ->
                View.render(res, "rules-agent-policy.jte", AgentPolicies.view(Chrome.of("Agent policy", "rules", s), server().agents()))));
        r.get("/rules/_new", auth.page(Role.ADMIN, this::newRule));
        r.post("/rules/_validate", auth.action(Role.ADMIN, (req, res, s) ->
                View.render(res, "rule-check.jte", check(ConsoleAuth.form(req).first("source"), ConsoleAuth.form(req).first("editing")))));
        r.post("/rules/_save", auth.action(Role.ADMIN, this::save));
        r.post("/rules/_test", auth.action(Role.RESPONDER, this::test));
        r.get("/rules/{id}", auth.page(Role.READ_ONLY, this::show));
        r.get("/rules/{id}/edit", auth.page(Role.ADMIN, this::edit));
        r.post("/rules/{id}/enable", auth.action(Role.ADMIN, (req, res, s) -> switchRule(req, res, s, true)));
        r.post("/rules/{id}/disable", auth.action(Role.ADMIN, (req, res, s) -> switchRule(req, res, s, false)));
        r.post("/rules/{id}/delete", auth.action(Role.ADMIN, (req, res, s) -> {
            if (!changes.delete(id(req))) throw new NotFoundException("stored rule", id(req));
            ConsoleAuth.redirect(res, "/rules?flash=deleted");
        }));
    }

    private VigilServer server() {
        return backend.server();
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private static String flash(ServerRequest req) {
        return req.query().first("flash").map(FLASH::get).orElse(null);
    }

    // --- the list ---

    private void list(ServerRequest req, ServerResponse res, Session s) {
        DetectionEngine engine = server().pipeline().engine();
        Map<String, DetectionEngine.Compiled> running = engine.rules();
        long now = System.currentTimeMillis();
        Map<String, Long> recent = backend.store().signals().facets(SignalQuery.builder().lastSeen(now - 7 * 86_400_000L, null).build(),
                Set.of("rule")).getOrDefault("rule", Map.of());
        List<RuleRow> rows = new ArrayList<>();
        for (DetectionRules.Loaded l : server().loadedRules()) rows.add(row(l, running.get(l.rule().id()), recent.getOrDefault(l.rule().id(), 0L)));
        rows.sort(Comparator.comparing(RuleRow::name, String.CASE_INSENSITIVE_ORDER));
        List<String> problems = server().ruleProblems().stream().map(RuleException::getMessage).toList();
        View.render(res, "rules.jte", new RulesView(Chrome.of("Rules", "rules", s), rows, problems, flash(req)));
    }

    static RuleRow row(DetectionRules.Loaded l, DetectionEngine.Compiled c, long recentSignals) {
        DetectionRule r = l.rule();
        Stats st = c == null ? null : new Stats(c.stats().matchedEvents.sum(), c.stats().detections.sum(), c.stats().suppressed.sum(),
                c.stats().late.sum(), c.groups(), c.stats().state.keyEvictions.sum(), c.stats().state.valueOverflows.sum());
        return new RuleRow(r.id(), r.name(), l.origin(), l.overrides(), r.method().id(), r.enabled(), l.stored(), r.tag("tactic"),
                r.tag("technique"), r.tags(), st, recentSignals);
    }

    // --- one rule ---

    private Optional<DetectionRules.Loaded> loaded(String id) {
        return server().loadedRules().stream().filter(l -> l.rule().id().equals(id)).findFirst();
    }

    private void show(ServerRequest req, ServerResponse res, Session s) {
        String id = id(req);
        DetectionRules.Loaded l = loaded(id).orElse(null);
        Optional<StoredRule> stored = backend.store().rules().get(id);
        if (l == null && stored.isEmpty()) throw new NotFoundException("rule", id);
        if (l == null) {
            // stored but not loaded: its text does not parse any more (a problem is listed on /rules)
            StoredRule sr = stored.get();
            View.render(res, "rule.jte", new RuleView(Chrome.of(sr.name(), "rules", s), null, sr, "", "",
                    listing(sr.source(), problemsOf(sr.source())), flash(req)));
            return;
        }
        DetectionEngine.Compiled c = server().pipeline().engine().rules().get(id);
        long recent = backend.store().signals().facets(SignalQuery.builder().rules(List.of(id))
                .lastSeen(System.currentTimeMillis() - 7 * 86_400_000L, null).build(), Set.of("rule")).getOrDefault("rule", Map.of()).getOrDefault(id, 0L);
        DetectionRule r = l.rule();
        String text = r.text() == null ? "" : r.text();
        View.render(res, "rule.jte", new RuleView(Chrome.of(r.name(), "rules", s), row(l, c, recent), stored.orElse(null),
                r.message() == null ? "" : r.message(), r.triage() == null ? "" : r.triage(), listing(text, List.of()), flash(req)));
    }

    private void switchRule(ServerRequest req, ServerResponse res, Session s, boolean on) throws Exception {
        String id = id(req);
        String actor = s.user().username();
        boolean isStored = backend.store().rules().get(id).isPresent();
        String flash;
        if (isStored) {
            changes.setEnabled(id, on, actor);
            flash = on ? "enabled" : "disabled";
        } else {
            DetectionRules.Loaded l = loaded(id).orElseThrow(() -> new NotFoundException("rule", id));
            if (on) throw new Forms.BadRequest("rule " + id + " comes from " + origin(l.origin()) + " and is on; only stored rules can be switched");
            // a file is not changed from the console: a stored copy, turned off, overrides it by id
            changes.put(id, l.rule().text(), actor);
            changes.setEnabled(id, false, actor);
            flash = "disabled-copy";
        }
        String back = ConsoleAuth.form(req).first("back");
        ConsoleAuth.redirect(res, ("/rules".equals(back) ? "/rules" : "/rules/" + id) + "?flash=" + flash);
    }

    // --- editing stored rules ---

    private void newRule(ServerRequest req, ServerResponse res, Session s) {
        String from = req.query().first("from").orElse("");
        String source = TEMPLATE;
        String note = null;
        if (!from.isEmpty()) {
            DetectionRules.Loaded l = loaded(from).orElseThrow(() -> new NotFoundException("rule", from));
            source = l.rule().text();
            note = "A copy of " + from + " (" + origin(l.origin()) + "). Saved with the same id, the stored rule overrides it; "
                    + "with another id, both run.";
        }
        View.render(res, "rule-edit.jte", new EditView(Chrome.of("New rule", "rules", s), "", source, check(source, ""), note, TEST_HOURS));
    }

    private void edit(ServerRequest req, ServerResponse res, Session s) {
        String id = id(req);
        Optional<StoredRule> stored = backend.store().rules().get(id);
        if (stored.isEmpty()) {
            if (loaded(id).isEmpty()) throw new NotFoundException("rule", id);
            View.error(res, 409, "Rule " + id + " is a file (built in, or from a rules directory): rules as code are changed where they "
                    + "are written and reviewed, not in the console. Copy it into a stored rule to change it here.");
            return;
        }
        String source = stored.get().source();
        View.render(res, "rule-edit.jte", new EditView(Chrome.of("Edit " + id, "rules", s), id, source, check(source, id), null, TEST_HOURS));
    }

    private void save(ServerRequest req, ServerResponse res, Session s) throws Exception {
        Forms f = ConsoleAuth.form(req);
        String source = f.first("source");
        String editing = f.first("editing");
        Check check = check(source, editing);
        Chrome chrome = Chrome.of(editing.isEmpty() ? "New rule" : "Edit " + editing, "rules", s);
        if (!check.valid()) {
            View.render(res, 422, "rule-edit.jte", new EditView(chrome, editing, source, check.withNote("Not saved: fix the problems marked below."), null, TEST_HOURS));
            return;
        }
        String id = check.ruleId();
        if (!id.equals(editing) && backend.store().rules().get(id).isPresent()) {
            View.render(res, 409, "rule-edit.jte", new EditView(chrome, editing, source, check.withNote("Not saved: a stored rule with the id "
                    + id + " exists already. Edit that rule, or give this one another id."), null, TEST_HOURS));
            return;
        }
        try {
            changes.put(id, source, s.user().username());
        } catch (RuleException x) { // checked above; kept for a race with nothing worse than this message
            View.render(res, 422, "rule-edit.jte", new EditView(chrome, editing, source, check(source, editing), null, TEST_HOURS));
            return;
        }
        if (ConsoleAuth.isHtmx(req)) {
            res.header(HeaderNames.create("HX-Redirect"), "/rules/" + id + "?flash=saved");
            res.status(204).send();
            return;
        }
        ConsoleAuth.redirect(res, "/rules/" + id + "?flash=saved");
    }

    /** What the editor shows next to the source: valid or not, and every problem at its line. */
    Check check(String source, String editing) {
        if (source.isBlank()) return new Check(false, "", "", "", List.of(), List.of(), "Write a rule (YAML or JSON).");
        List<RuleProblem> problems = problemsOf(source);
        if (!problems.isEmpty()) return new Check(false, "", "", "", problems, listing(source, problems), null);
        DetectionRule r = RuleChanges.parse(source);
        String note = null;
        Optional<DetectionRules.Loaded> same = loaded(r.id());
        if (!r.id().equals(editing) && same.isPresent()) {
            note = same.get().stored() ? "A stored rule with the id " + r.id() + " exists: saving is refused, give this rule another id."
                    : "Saving overrides " + origin(same.get().origin()) + " rule " + r.id() + " (same id).";
        }
        return new Check(true, r.id(), r.name(), r.method().id(), List.of(), listing(source, List.of()), note);
    }

    private static List<RuleProblem> problemsOf(String source) {
        try {
            RuleChanges.parse(source);
            return List.of();
        } catch (RuleException x) {
            return x.problems();
        }
    }

    /** The source as numbered lines, each with the problems that point at it (past the end: at the last line). */
    static List<SourceLine> listing(String source, List<RuleProblem> problems) {
        String[] lines = source.split("\r?\n", -1);
        int n = lines.length > 1 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length; // the final newline ends the last line
        List<SourceLine> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int no = i + 1;
            boolean last = i == n - 1;
            List<RuleProblem> here = problems.stream().filter(p -> p.position().line() == no
                    || (last && p.position().line() > n) || (no == 1 && p.position().line() < 1)).toList();
            out.add(new SourceLine(no, lines[i], here));
        }
        return out;
    }

    // --- the rule test ---

    private void test(ServerRequest req, ServerResponse res, Session s) throws Exception {
        Forms f = ConsoleAuth.form(req);
        String written = f.first("source");
        String ruleId = f.first("rule");
        String source = written;
        if (written.isBlank() && !ruleId.isEmpty()) {
            source = loaded(ruleId).map(l -> l.rule().text())
                    .or(() -> backend.store().rules().get(ruleId).map(StoredRule::source))
                    .orElseThrow(() -> new NotFoundException("rule", ruleId));
        }
        int hours = 24;
        try {
            hours = Math.max(1, Math.min(MAX_TEST_HOURS, Integer.parseInt(f.first("hours").strip())));
        } catch (NumberFormatException ignored) {
            // the default
        }
        TestView v;
        List<RuleProblem> problems = problemsOf(source);
        if (!problems.isEmpty()) {
            v = new TestView(hours, "The rule is not valid, so it was not tested: " + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + " (see the source).", problems, null);
        } else {
            long now = System.currentTimeMillis();
            try {
                RuleTester.Result result = server().ruleTester().run(RuleChanges.parse(source), now - hours * 3_600_000L, now, RuleTester.Limits.DEFAULT);
                v = new TestView(hours, null, List.of(), result);
            } catch (RuleTester.Busy x) {
                v = new TestView(hours, x.getMessage(), List.of(), null);
            }
        }
        if (ConsoleAuth.isHtmx(req)) View.render(res, "rule-test.jte", v);
        else View.render(res, "rule-test-page.jte", new TestPage(Chrome.of("Rule test", "rules", s), v, ruleId));
    }

    // --- helpers and models ---

    /** How an origin reads in a sentence. */
    public static String origin(String origin) {
        return switch (origin) {
            case "builtin" -> "built in";
            case "api" -> "stored";
            default -> "file " + origin;
        };
    }

    static final String TEMPLATE = """
            id: my-rule
            name: Something happened on {{host}}
            method: threshold
            message: |
              What this detects and why it matters.
            tags: [tactic:TA0006, technique:T1110]
            queries:
              - name: a
                query: 'source:sshd @ssh.event:failed'
                groupByFields: [host]
            cases:
              - name: many
                status: medium
                condition: a >= 10
            options:
              evaluationWindow: 5m
              keepAlive: 1h
              maxSignalDuration: 24h
            """;

    /** A rule's counters since detection loaded it. */
    public record Stats(long matched, long detections, long suppressed, long late, int groups, long evictions, long overflows) {}

    /**
     * One row of the list.
     *
     * @param stats         null when detection does not run it (disabled)
     * @param recentSignals signals of this rule last seen in the past 7 days
     */
    public record RuleRow(String id, String name, String origin, String overrides, String method, boolean enabled, boolean stored,
                          String tactic, String technique, List<String> tags, Stats stats, long recentSignals) {

        public String originLabel() { return RulePages.origin(origin); }

        /** Whether it is a file (built in or a rules directory): read-only here. */
        public boolean file() { return !stored; }

        /** The tags that are not MITRE ids (shown as they are). */
        public List<String> otherTags() {
            return tags.stream().filter(t -> !t.startsWith("tactic:") && !t.startsWith("technique:")).toList();
        }
    }

    /** The model of {@code rules.jte}. */
    public record RulesView(Chrome chrome, List<RuleRow> rules, List<String> problems, String flash) {}

    /** A line of a numbered source listing, with the problems reported at it. */
    public record SourceLine(int no, String text, List<RuleProblem> problems) {
        public boolean bad() { return !problems.isEmpty(); }
    }

    /**
     * The model of {@code rule.jte}.
     *
     * @param row    null when the rule is stored but does not load (its text has problems)
     * @param stored the stored rule behind it, or null for a file
     */
    public record RuleView(Chrome chrome, RuleRow row, StoredRule stored, String message, String triage, List<SourceLine> source,
                           String flash) {
        public List<Integer> testHours() { return TEST_HOURS; }

        public String time(long epochMs) { return Format.time(epochMs); }
    }

    /** The model of {@code rule-check.jte}: the validation next to the editor. */
    public record Check(boolean valid, String ruleId, String name, String method, List<RuleProblem> problems, List<SourceLine> lines,
                        String note) {
        Check withNote(String n) {
            return new Check(valid, ruleId, name, method, problems, lines, n);
        }
    }

    /**
     * The model of {@code rule-edit.jte}.
     *
     * @param editing the stored rule's id, or "" for a new one
     */
    public record EditView(Chrome chrome, String editing, String source, Check check, String note, List<Integer> testHours) {}

    /** The model of {@code rule-test.jte}: a result, or why there is none. */
    public record TestView(int hours, String error, List<RuleProblem> problems, RuleTester.Result result) {
        public String time(long epochMs) { return Format.time(epochMs); }

        public String group(Map<String, String> g) {
            StringBuilder b = new StringBuilder();
            g.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> b.append(b.isEmpty() ? "" : ", ").append(e.getKey()).append('=').append(e.getValue()));
            return b.toString();
        }

        public String bound() {
            if (result == null || result.bound() == null) return null;
            return switch (result.bound()) {
                case MAX_EVENTS -> "Stopped after " + result.scannedEvents() + " events (the most a test reads): the signals below cover the "
                        + "range only up to there. Test a shorter range for all of it.";
                case MAX_TIME -> "Stopped after " + RuleTester.Limits.DEFAULT.maxTime().toSeconds() + " s (the longest a test runs): the "
                        + "signals below cover the range only up to there. Test a shorter range for all of it.";
            };
        }
    }

    /** The model of {@code rule-test-page.jte}: a test posted without htmx. */
    public record TestPage(Chrome chrome, TestView test, String ruleId) {}
}
