package dev.vigil.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.rule.RuleException;
import dev.vigil.detect.rule.RuleLoader;
import dev.vigil.detect.rule.RuleProblem;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.server.users.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rules pages against a real server over HTTP: the list, switching rules on and off by role,
 * the editor's inline problems, storing a rule that detection then runs, the rule test over the
 * event log (console and REST), the agent policy, and escaping of everything a rule carries.
 */
class RulesConsoleTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "correct horse battery staple";

    @TempDir Path data;
    @TempDir Path rules;
    VigilServer server;
    String apiKey;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(rules.resolve("miner.yaml"), """
                id: test-miner
                name: Miner on {{host}}
                method: match
                tags: [tactic:TA0040, technique:T1496]
                queries:
                  - query: 'source:loadtest @process.comm:xmrig'
                    groupByFields: [host]
                cases:
                  - status: high
                options: {keepAlive: 1h}
                """);
        server = VigilServer.start(ServerConfig.defaults(data).withPort(0).withRuleDirs(List.of(rules)));
        apiKey = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
        server.store().users().create("alice", PASSWORD, Role.ADMIN, "test");
        server.store().users().create("rita", PASSWORD, Role.RESPONDER, "test");
        server.store().users().create("olga", PASSWORD, Role.READ_ONLY, "test");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    // --- the list and the agent policy ---

    @Test
    void theListShowsEveryLoadedRuleWithItsOriginAndTheDefaultRules() throws Exception {
        Browser olga = login("olga");
        Page list = olga.get("/rules");
        assertThat(list.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("data-rule=\"([^\"]+)\"").matcher(list.body());
        while (m.find()) ids.add(m.group(1));
        List<String> defaults = List.of("vigil-agent-alerts", "aws-root-console-login", "k8s-exec-into-pod", "ssh-brute-force-then-success",
                "ssh-brute-force", "ssh-failed-login-spike", "ssh-login-from-new-ip", "ssh-user-enumeration");
        assertThat(ids).hasSize(9).containsAll(defaults).contains("test-miner");
        assertThat(row(list, "ssh-brute-force")).contains("built in").contains("threshold").contains("enabled")
                .contains("https://attack.mitre.org/techniques/T1110/");
        assertThat(row(list, "test-miner")).contains("file " + rules.resolve("miner.yaml"));
        // a read-only user sees no switches
        assertThat(list.body()).doesNotContain("/rules/ssh-brute-force/disable").doesNotContain("New rule");
        // the rule page: its YAML source, numbered, and why it is read-only
        Page rule = olga.get("/rules/ssh-brute-force");
        assertThat(rule.status()).isEqualTo(200);
        assertThat(rule.body()).contains("<span class=\"no\">1</span><code>id: ssh-brute-force</code>")
                .contains("condition: failed &gt;= 200").contains("Rules as code").doesNotContain("/rules/ssh-brute-force/edit");
        assertThat(olga.get("/rules/no-such-rule").status()).isEqualTo(404);
        // admins get the switches; a file's edit page says why it is read-only
        Browser alice = login("alice");
        assertThat(alice.get("/rules").body()).contains("action=\"/rules/ssh-brute-force/disable\"").contains("href=\"/rules/_new\"");
        Page edit = alice.get("/rules/ssh-brute-force/edit");
        assertThat(edit.status()).isEqualTo(409);
        assertThat(edit.body()).contains("rules as code").contains("Copy it into a stored rule");
        Page copy = alice.get("/rules/_new?from=ssh-brute-force");
        assertThat(copy.body()).contains("id: ssh-brute-force").contains("Saving overrides built in rule ssh-brute-force");
        // every page needs a login
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri("/rules")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).hasValue("/login?next=%2Frules");
    }

    @Test
    void theAgentPolicyIsShownReadOnlyWithEachAgentsPolicyVersion() throws Exception {
        String digest = AgentPolicies.defaultPolicy().digest();
        apiPost("/api/v1/agents/heartbeat", "{\"agent_id\":\"a-1\",\"hostname\":\"web-1\",\"version\":\"0.9.0\",\"policy\":{\"version\":\""
                + digest + "\",\"rules\":75}}");
        apiPost("/api/v1/agents/heartbeat", "{\"agent_id\":\"a-2\",\"hostname\":\"<script>alert(1)</script>\",\"version\":\"0.9.0\","
                + "\"policy\":{\"version\":\"0123456789ab\",\"rules\":80}}");
        Page p = login("olga").get("/rules/_agent-policy");
        assertThat(p.status()).isEqualTo(200);
        String b = p.body();
        assertThat(b).contains("<code>web_shell_spawned_shell</code>").contains("A web server or served web application spawned a shell")
                .contains("exec.file.name in shell_binaries").contains("https://attack.mitre.org/techniques/T1505/003/")
                .contains("75 rules of which 72 alert");
        assertThat(b).containsPattern("web-1</td><td><code>a-1</code></td><td>0.9.0</td>\\s*<td><code>" + digest + "</code>\\s*<span class=\"tag\">default policy</span>");
        assertThat(b).contains("<code>0123456789ab</code>").contains("custom or other version");
        assertThat(b).doesNotContain("<script>alert(1)").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    // --- switching rules ---

    @Test
    void disablingARuleAsAdminStopsItsSignalsAndOtherRolesGet403() throws Exception {
        ingest(minerLine("host-a", Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> signalTotal("test-miner", "host-a") == 1);

        Browser rita = login("rita");
        Browser olga = login("olga");
        assertThat(rita.post("/rules/test-miner/disable", Map.of()).status()).isEqualTo(403);
        assertThat(olga.post("/rules/test-miner/disable", Map.of()).status()).isEqualTo(403);
        Browser alice = login("alice");
        // without the CSRF token, even an admin is refused
        assertThat(alice.postWithoutToken("/rules/test-miner/disable").status()).isEqualTo(403);
        assertThat(server.store().rules().list()).isEmpty();

        Page off = alice.post("/rules/test-miner/disable", Map.of("back", "/rules"));
        assertThat(off.status()).isEqualTo(303);
        assertThat(off.location()).isEqualTo("/rules?flash=disabled-copy");
        Page list = alice.get(off.location());
        assertThat(list.body()).contains("a stored copy of this rule, turned off, now overrides the file");
        assertThat(row(list, "test-miner")).contains("disabled").contains("overrides file");
        await().atMost(Duration.ofSeconds(5)).until(() -> !runningRules().contains("test-miner"));

        long processed = server.pipeline().processedEvents.sum();
        ingest(minerLine("host-b", Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.pipeline().processedEvents.sum() > processed);
        Thread.sleep(300); // a commit interval or more: a signal would be stored by now
        assertThat(signalTotal("test-miner", "host-b")).isZero();

        // on again (the stored copy): signals resume
        assertThat(rita.post("/rules/test-miner/enable", Map.of()).status()).isEqualTo(403);
        Page on = alice.post("/rules/test-miner/enable", Map.of());
        assertThat(on.location()).isEqualTo("/rules/test-miner?flash=enabled");
        await().atMost(Duration.ofSeconds(5)).until(() -> runningRules().contains("test-miner"));
        ingest(minerLine("host-c", Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> signalTotal("test-miner", "host-c") == 1);
    }

    // --- the editor ---

    static final String BAD_RULE = """
            id: bad-query
            name: Bad query
            method: match
            queries:
              - name: a
                query: 'source:loadtest AND (@process.comm:xmrig'
            cases:
              - status: high
            """;

    @Test
    void aRuleWithABadQueryShowsTheProblemAtItsLineAndIsNotStored() throws Exception {
        RuleProblem expected = problem(BAD_RULE);
        assertThat(expected.position().line()).isEqualTo(6);
        String pos = expected.position().line() + ":" + expected.position().column();
        Browser alice = login("alice");

        // as you type: the check next to the source
        Page check = alice.htmx("/rules/_validate", Map.of("source", BAD_RULE, "editing", ""));
        assertThat(check.status()).isEqualTo(200);
        assertThat(check.body()).contains("id=\"rule-check\"").contains("1 problem:")
                .contains("line " + pos + "</a> <code>queries[0].query</code>")
                .contains("<li class=\"bad\" id=\"L6\"><span class=\"no\">6</span><code>    query: 'source:loadtest AND (@process.comm:xmrig'</code>")
                .contains("<span class=\"pos\">" + pos + "</span>");
        assertThat(check.body()).doesNotContain("<li class=\"bad\" id=\"L5\"");

        // on save: the editor again, with the same marks, and nothing stored
        Page saved = alice.post("/rules/_save", Map.of("source", BAD_RULE, "editing", ""));
        assertThat(saved.status()).isEqualTo(422);
        assertThat(saved.body()).contains("Not saved: fix the problems marked below.").contains("<li class=\"bad\" id=\"L6\">")
                .contains("<span class=\"pos\">" + pos + "</span>").contains(escapeHtml(expected.message()))
                .contains("name=\"source\"");
        assertThat(server.store().rules().list()).isEmpty();
        assertThat(runningRules()).doesNotContain("bad-query");

        // the editor is for admins only
        assertThat(login("rita").post("/rules/_save", Map.of("source", BAD_RULE.replace("(", ""), "editing", "")).status()).isEqualTo(403);
        assertThat(login("rita").get("/rules/_new").status()).isEqualTo(403);
        assertThat(server.store().rules().list()).isEmpty();
    }

    static final String GOOD_RULE = """
            id: console-miner
            name: Console miner on {{host}}
            method: match
            tags: [tactic:TA0040, technique:T1496, team:blue]
            queries:
              - query: 'source:loadtest @process.comm:minerd'
                groupByFields: [host]
            cases:
              - status: medium
            """;

    @Test
    void aGoodRuleIsStoredAndDetectionRunsItThenItCanBeEditedAndSwitchedOff() throws Exception {
        Browser alice = login("alice");
        assertThat(alice.get("/rules/_new").body()).contains("id=\"rule-source\"").contains("hx-post=\"/rules/_validate\"");
        Page check = alice.htmx("/rules/_validate", Map.of("source", GOOD_RULE, "editing", ""));
        assertThat(check.body()).contains("Valid: rule <code>console-miner</code> (match)");
        Page saved = alice.post("/rules/_save", Map.of("source", GOOD_RULE, "editing", ""));
        assertThat(saved.status()).isEqualTo(303);
        assertThat(saved.location()).isEqualTo("/rules/console-miner?flash=saved");
        assertThat(server.store().rules().get("console-miner")).hasValueSatisfying(r -> {
            assertThat(r.source()).isEqualTo(GOOD_RULE);
            assertThat(r.updatedBy()).isEqualTo("alice");
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> runningRules().contains("console-miner"));
        ingest(minerdLine("host-d"));
        await().atMost(Duration.ofSeconds(10)).until(() -> signalTotal("console-miner", "host-d") == 1);

        Page page = alice.get(saved.location());
        assertThat(page.body()).contains("Saved. Detection reloaded the rule.").contains("stored").contains("version 1")
                .contains("href=\"/rules/console-miner/edit\"").contains("<span class=\"tag\">team:blue</span>");
        // saving a new rule over an existing stored one is refused; editing it is not
        Page clash = alice.post("/rules/_save", Map.of("source", GOOD_RULE.replace("medium", "high"), "editing", ""));
        assertThat(clash.status()).isEqualTo(409);
        assertThat(clash.body()).contains("a stored rule with the id console-miner exists already");
        assertThat(alice.get("/rules/console-miner/edit").body()).contains("Console miner on {{host}}").contains("name=\"editing\" value=\"console-miner\"");
        assertThat(alice.post("/rules/_save", Map.of("source", GOOD_RULE.replace("medium", "high"), "editing", "console-miner")).status()).isEqualTo(303);
        assertThat(server.store().rules().get("console-miner").orElseThrow().version()).isEqualTo(2);

        // off through the same path as the API: detection drops it
        Page off = alice.post("/rules/console-miner/disable", Map.of());
        assertThat(off.location()).isEqualTo("/rules/console-miner?flash=disabled");
        assertThat(server.store().rules().get("console-miner").orElseThrow().enabled()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> !runningRules().contains("console-miner"));
        long processed = server.pipeline().processedEvents.sum();
        ingest(minerdLine("host-e"));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.pipeline().processedEvents.sum() > processed);
        Thread.sleep(300);
        assertThat(signalTotal("console-miner", "host-e")).isZero();

        // delete: gone from the store and the list
        assertThat(login("olga").post("/rules/console-miner/delete", Map.of()).status()).isEqualTo(403);
        assertThat(alice.post("/rules/console-miner/delete", Map.of()).location()).isEqualTo("/rules?flash=deleted");
        assertThat(server.store().rules().get("console-miner")).isEmpty();
        assertThat(alice.get("/rules").body()).doesNotContain("data-rule=\"console-miner\"");
    }

    // --- the rule test ---

    static final String TESTED_RULE = """
            id: tested-miner
            name: Tested miner on {{host}}
            method: threshold
            queries:
              - name: a
                query: 'source:loadtest @process.comm:cpuminer'
                groupByFields: [host]
            cases:
              - status: high
                condition: a >= 3
            options: {evaluationWindow: 10m, keepAlive: 1h}
            """;

    @Test
    void theRuleTestFindsTheSignalInEventsIngestedEarlierWithoutTouchingLiveDetection() throws Exception {
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
        List<String> lines = new ArrayList<>();
        Instant thirtyHoursAgo = Instant.now().minus(Duration.ofHours(30));
        for (int i = 0; i < 5; i++) lines.add(cpuminerLine("host-old", thirtyHoursAgo.plusSeconds(i))); // outside 24 h
        for (int i = 0; i < 5; i++) lines.add(cpuminerLine("host-t", twoHoursAgo.plusSeconds(i)));
        for (int i = 0; i < 2; i++) lines.add(cpuminerLine("host-u", twoHoursAgo.plusSeconds(i))); // under the threshold
        ingest(lines.toArray(String[]::new));
        long total = lines.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.pipeline().processedEvents.sum() >= total);

        // the console: an unsaved rule, tested from the editor (htmx)
        Browser rita = login("rita");
        Page t = rita.htmx("/rules/_test", Map.of("source", TESTED_RULE, "hours", "24"));
        assertThat(t.status()).isEqualTo(200);
        assertThat(t.body()).contains("<b>1</b> signal would have been raised")
                .contains("Scanned <b class=\"scanned\">" + total + "</b> events of the event log (7 in the range)")
                .contains("Tested miner on host-t").contains("<td class=\"num\">3</td>") // detections at the 3rd, 4th and 5th event
                .contains("host=host-t")
                .contains("sev-high").doesNotContain("host-u").doesNotContain("host-old");
        // a wider range takes the older events too
        assertThat(rita.htmx("/rules/_test", Map.of("source", TESTED_RULE, "hours", "72")).body())
                .contains("<b>2</b> signals would have been raised").contains("Tested miner on host-old");
        // an invalid rule is not run
        assertThat(rita.htmx("/rules/_test", Map.of("source", BAD_RULE, "hours", "24")).body())
                .contains("The rule is not valid, so it was not tested").contains("line 6:");
        // a loaded rule, from its page (no htmx: a whole page)
        Page byId = rita.post("/rules/_test", Map.of("rule", "test-miner", "hours", "6"));
        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.body()).contains("<title>Rule test · Vigil</title>").contains("<b>0</b> signals would have been raised");
        assertThat(login("olga").post("/rules/_test", Map.of("source", TESTED_RULE, "hours", "24")).status()).isEqualTo(403);

        // nothing of it reached live detection or the store
        assertThat(runningRules()).doesNotContain("tested-miner");
        assertThat(apiGet("/api/v1/signals?rule=tested-miner").path("total").asLong()).isZero();

        // the same through the REST API, with its bounds
        JsonNode r = apiPostText("/api/v1/rules/test?from=-24h", TESTED_RULE, 200);
        assertThat(r.path("rule_id").asText()).isEqualTo("tested-miner");
        assertThat(r.path("scanned_events").asLong()).isEqualTo(total);
        assertThat(r.path("tested_events").asLong()).isEqualTo(7);
        assertThat(r.path("signals_total").asInt()).isEqualTo(1);
        assertThat(r.path("bound").isNull()).isTrue();
        JsonNode sig = r.path("signals").get(0);
        assertThat(sig.path("title").asText()).isEqualTo("Tested miner on host-t");
        assertThat(sig.path("count").asLong()).isEqualTo(3);
        assertThat(sig.path("severity").asText()).isEqualTo("high");
        assertThat(sig.path("group_by").path("host").asText()).isEqualTo("host-t");
        // a threshold signal starts at the event that crossed it (the 3rd) and lasts to the last one (the 5th)
        Instant first = twoHoursAgo.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        assertThat(Instant.parse(sig.path("first_seen").asText())).isEqualTo(first.plusSeconds(2));
        assertThat(Instant.parse(sig.path("last_seen").asText())).isEqualTo(first.plusSeconds(4));
        JsonNode bounded = apiPostText("/api/v1/rules/test?from=-72h&max_events=3", TESTED_RULE, 200);
        assertThat(bounded.path("bound").asText()).isEqualTo("max_events");
        assertThat(bounded.path("scanned_events").asLong()).isEqualTo(3);
        JsonNode invalid = apiPostText("/api/v1/rules/test", BAD_RULE, 422);
        assertThat(invalid.path("problems").get(0).path("line").asInt()).isEqualTo(6);
        assertThat(apiPostText("/api/v1/rules/test?from=-1h&to=-2h", TESTED_RULE, 400).path("error").asText()).contains("before");
    }

    // --- escaping ---

    @Test
    void ruleTextWithHtmlRendersAsText() throws Exception {
        String xss = """
                id: xss-rule
                name: <script>alert(1)</script> on {{host}}
                method: match
                message: |
                  <img src=x onerror=alert(2)> happened
                tags: ["team:<b>red</b>"]
                queries:
                  - query: 'source:loadtest @process.comm:"<script>"'
                cases:
                  - status: low
                """;
        Browser alice = login("alice");
        assertThat(alice.post("/rules/_save", Map.of("source", xss, "editing", "")).status()).isEqualTo(303);
        for (String path : List.of("/rules", "/rules/xss-rule", "/rules/xss-rule/edit")) {
            String b = alice.get(path).body();
            assertThat(b).as(path).doesNotContain("<script>alert(1)").doesNotContain("<img src=x").doesNotContain("<b>red</b>")
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        }
        assertThat(alice.get("/rules/xss-rule").body()).contains("&lt;img src=x onerror=alert(2)&gt; happened");
        // an invalid rule's text comes back into the editor escaped too
        String bad = xss.replace("status: low", "status: <script>alert(3)</script>");
        Page check = alice.htmx("/rules/_validate", Map.of("source", bad, "editing", ""));
        assertThat(check.body()).doesNotContain("<script>alert(3)").contains("&lt;script&gt;alert(3)&lt;/script&gt;");
        Page saved = alice.post("/rules/_save", Map.of("source", bad, "editing", "</textarea><script>alert(4)</script>"));
        assertThat(saved.body()).doesNotContain("<script>alert(").doesNotContain("</textarea><script>");
        // and the test result shows titles as text
        ingest("{\"timestamp\":\"" + Instant.now().minusSeconds(60) + "\",\"source\":\"loadtest\",\"host\":\"h1\",\"process\":{\"comm\":\"<script>\"}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.pipeline().processedEvents.sum() >= 1);
        String t = alice.htmx("/rules/_test", Map.of("rule", "xss-rule", "hours", "1")).body();
        assertThat(t).contains("&lt;script&gt;alert(1)&lt;/script&gt; on h1").doesNotContain("<script>alert(1)");
    }

    // --- helpers ---

    static RuleProblem problem(String text) {
        try {
            RuleLoader.parse(text, "x");
        } catch (RuleException x) {
            assertThat(x.problems()).hasSize(1);
            return x.problems().getFirst();
        }
        throw new AssertionError("the rule is valid");
    }

    static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The list's table row of a rule. */
    static String row(Page list, String id) {
        int start = list.body().indexOf("data-rule=\"" + id + "\"");
        assertThat(start).as("row of " + id).isPositive();
        return list.body().substring(start, list.body().indexOf("</tr>", start));
    }

    static String minerLine(String host, Instant t) {
        return "{\"timestamp\":\"" + t + "\",\"source\":\"loadtest\",\"host\":\"" + host + "\",\"process\":{\"comm\":\"xmrig\"}}";
    }

    static String minerdLine(String host) {
        return "{\"timestamp\":\"" + Instant.now() + "\",\"source\":\"loadtest\",\"host\":\"" + host + "\",\"process\":{\"comm\":\"minerd\"}}";
    }

    static String cpuminerLine(String host, Instant t) {
        return "{\"timestamp\":\"" + t + "\",\"source\":\"loadtest\",\"host\":\"" + host + "\",\"process\":{\"comm\":\"cpuminer\"}}";
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    void ingest(String... lines) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/intake/logs")).header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    JsonNode apiGet(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + apiKey).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    void apiPost(String path, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    JsonNode apiPostText(String path, String text, int status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    /** Ids of the rules detection runs now (GET /api/v1/rules). */
    List<String> runningRules() throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode r : apiGet("/api/v1/rules")) out.add(r.path("id").asText());
        return out;
    }

    long signalTotal(String rule, String host) throws Exception {
        return apiGet("/api/v1/signals?rule=" + rule + "&host=" + host).path("total").asLong();
    }

    record Page(int status, String body, String location) {}

    Browser login(String user) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", user, "password", PASSWORD)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(303);
        String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("vigil_session="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        Browser b = new Browser(cookie);
        Matcher m = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">").matcher(b.get("/rules").body());
        assertThat(m.find()).isTrue();
        b.csrf = m.group(1);
        return b;
    }

    static String form(Map<String, String> fields) {
        StringBuilder b = new StringBuilder();
        for (var e : fields.entrySet()) {
            if (!b.isEmpty()) b.append('&');
            b.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    /** A logged-in user: the session cookie and the page's CSRF token, as a browser holds them. */
    final class Browser {
        final String cookie;
        String csrf;

        Browser(String cookie) {
            this.cookie = cookie;
        }

        Page get(String path) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(uri(path)).header("Cookie", cookie).GET());
        }

        /** A form posted by the browser: the token in the form, as the pages' hidden field carries it. */
        Page post(String path, Map<String, String> fields) throws IOException, InterruptedException {
            Map<String, String> all = new LinkedHashMap<>(fields);
            all.put("_csrf", csrf);
            return send(HttpRequest.newBuilder(uri(path)).header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(all))));
        }

        /** An htmx request: the token in the header, as vigil.js sends it. */
        Page htmx(String path, Map<String, String> fields) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(uri(path)).header("Cookie", cookie).header("HX-Request", "true").header("X-CSRF-Token", csrf)
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(fields))));
        }

        Page postWithoutToken(String path) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(uri(path)).header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("back=%2Frules")));
        }

        private Page send(HttpRequest.Builder b) throws IOException, InterruptedException {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Page(r.statusCode(), r.body(), r.headers().firstValue("Location").orElse(null));
        }
    }
}
