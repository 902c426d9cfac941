package dev.vigil.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.signal.Entities;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalStatus;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.server.console.AccessBrowser.Page;
import dev.vigil.server.store.DetectionCheckpoint;
import dev.vigil.server.users.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static dev.vigil.server.console.AccessBrowser.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who may see and change what in the console, over real HTTP against a real server: login,
 * sessions, roles, CSRF, throttling, security headers and escaping. Each test has its own server
 * (the login throttle is per server) and a clock it moves by hand.
 */
class ConsoleAccessTest {

    static final String PASSWORD = "correct horse battery";
    static final ObjectMapper JSON = new ObjectMapper();

    /** A clock the test moves by hand; it starts at the real time so signals look recent. */
    static final class HandClock implements InstantSource {
        final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

        @Override public Instant instant() { return Instant.ofEpochMilli(millis.get()); }

        @Override public long millis() { return millis.get(); }

        void advance(Duration d) { millis.addAndGet(d.toMillis()); }
    }

    @TempDir Path data;
    @TempDir Path rules;
    final HandClock clock = new HandClock();
    VigilServer server;
    AccessBrowser browser;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(rules.resolve("odd-host.yaml"), """
                id: test-odd-host
                name: Odd activity on {{host}}
                method: match
                queries:
                  - query: 'source:xsstest'
                    groupByFields: [host]
                cases:
                  - status: high
                options: {keepAlive: 1h}
                """);
        server = VigilServer.start(ServerConfig.defaults(data).withPort(0).withBuiltinRules(false).withRuleDirs(List.of(rules)), clock);
        server.store().users().create("alice", PASSWORD, Role.ADMIN, "test");
        server.store().users().create("rita", PASSWORD, Role.RESPONDER, "test");
        server.store().users().create("otto", PASSWORD, Role.READ_ONLY, "test");
        browser = new AccessBrowser(server.port());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    // ---- logging in

    @Test
    void pagesWithoutASessionSendToTheLoginPageAndBack() throws Exception {
        Page list = browser.get("/signals?status=open&q=xmrig");
        assertThat(list.status()).isEqualTo(303);
        assertThat(list.header("Location")).contains("/login?next=%2Fsignals%3Fstatus%3Dopen%26q%3Dxmrig");
        assertThat(list.body()).doesNotContain("signals</p>");

        assertThat(browser.get("/").header("Location")).contains("/signals");
        for (String page : List.of("/signals/sig-1", "/signals/sig-1/panel", "/signals?range=all")) {
            Page p = browser.get(page);
            assertThat(p.status()).as(page).isEqualTo(303);
            assertThat(p.header("Location").orElseThrow()).as(page).startsWith("/login");
        }
        // htmx fragment requests are told to load the login page as a whole
        Page fragment = browser.get("/signals", "HX-Request", "true", "HX-Target", "results");
        assertThat(fragment.status()).isEqualTo(401);
        assertThat(fragment.header("HX-Redirect")).contains("/login");
        // a form sent without a session goes to the login page, not back to where it posted
        Page post = browser.post("/signals/sig-1/status", form("status", "archived"));
        assertThat(post.status()).isEqualTo(303);
        assertThat(post.header("Location")).contains("/login");

        Page login = browser.get("/login?next=%2Fsignals%3Fstatus%3Dopen%26q%3Dxmrig");
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.body()).contains("<input type=\"hidden\" name=\"next\" value=\"/signals?status=open&amp;q=xmrig\">")
                .contains("name=\"password\" type=\"password\"");

        Page in = browser.login("alice", PASSWORD, "/signals?status=open&q=xmrig");
        assertThat(in.status()).isEqualTo(303);
        assertThat(in.header("Location")).contains("/signals?status=open&q=xmrig");
        Page back = browser.get("/signals?status=open&q=xmrig");
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.body()).contains("<span class=\"user\" title=\"role: admin\">alice</span>");
        // logged in, the login page sends on
        assertThat(browser.get("/login?next=/signals%3Fstatus%3Dopen").header("Location")).contains("/signals?status=open");
    }

    @Test
    void aWrongPasswordIsRefusedAndTheRightOneGivesAStrictHttpOnlyCookie() throws Exception {
        Page wrong = browser.login("alice", "wrong password");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).contains("Wrong user name or password.").contains("value=\"alice\"");
        assertThat(wrong.sessionCookie()).isEmpty();
        // an unknown user and a disabled one get the same answer: nothing tells which names exist
        assertThat(browser.login("mallory", PASSWORD).body()).contains("Wrong user name or password.");
        server.store().users().setDisabled("otto", true);
        Page disabled = browser.login("otto", PASSWORD);
        assertThat(disabled.status()).isEqualTo(401);
        assertThat(disabled.body()).contains("Wrong user name or password.");
        assertThat(browser.cookie).isNull();

        Page right = browser.login("Alice", PASSWORD);
        assertThat(right.status()).isEqualTo(303);
        assertThat(right.header("Location")).contains("/signals");
        String cookie = right.sessionCookie().orElseThrow();
        assertThat(cookie).matches("vigil_session=[A-Za-z0-9_-]{43};.*");
        assertThat(attributes(cookie)).contains("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=604800").doesNotContain("Secure");
        assertThat(browser.get("/signals").status()).isEqualTo(200);

        JsonNode stats = apiStats();
        assertThat(stats.path("console").path("failed_logins").asLong()).isEqualTo(3);
        assertThat(stats.path("console").path("refused_logins").asLong()).isZero();
    }

    @Test
    void cookiesAreSecureOnlyWhenTheServerIsToldItIsBehindHttps(@TempDir Path otherData) throws Exception {
        assertThat(attributes(browser.login("alice", PASSWORD).sessionCookie().orElseThrow())).doesNotContain("Secure");

        try (VigilServer https = VigilServer.start(ServerConfig.defaults(otherData).withPort(0).withBuiltinRules(false)
                .withSecureCookies(true))) {
            https.store().users().create("alice", PASSWORD, Role.ADMIN, "test");
            AccessBrowser b = new AccessBrowser(https.port());
            Page in = b.login("alice", PASSWORD);
            assertThat(in.status()).isEqualTo(303);
            assertThat(attributes(in.sessionCookie().orElseThrow())).contains("Secure", "HttpOnly", "SameSite=Strict");
            Page out = b.post("/logout", form("_csrf", b.get("/signals").csrf()));
            assertThat(attributes(out.sessionCookie().orElseThrow())).contains("Secure", "Expires=Thu, 1 Jan 1970 00:00:00 GMT");
        }
    }

    @Test
    void nextNeverLeadsToAnotherSite() throws Exception {
        for (String evil : List.of("//evil.example", "//evil.example/signals", "https://evil.example/", "/\\evil.example",
                "\\\\evil.example", "/\t/evil.example", "/\r\nSet-Cookie: x=1", "javascript:alert(1)", "evil.example", "")) {
            browser.cookie = null;
            Page in = browser.login("alice", PASSWORD, evil);
            assertThat(in.status()).as(evil).isEqualTo(303);
            assertThat(in.header("Location")).as(evil).contains("/signals");
            // and the login page does not carry it on either
            browser.cookie = null;
            assertThat(browser.get("/login?next=" + java.net.URLEncoder.encode(evil, java.nio.charset.StandardCharsets.UTF_8)).body())
                    .as(evil).contains("name=\"next\" value=\"/signals\"");
        }
        browser.cookie = null;
        assertThat(browser.login("alice", PASSWORD, "/signals/sig-1?range=24h").header("Location")).contains("/signals/sig-1?range=24h");
    }

    @Test
    void aLoginFormPostedFromAnotherSiteIsRefused() throws Exception {
        Page cross = browser.login("alice", PASSWORD, "/signals", "Sec-Fetch-Site", "cross-site");
        assertThat(cross.status()).isEqualTo(403);
        assertThat(cross.sessionCookie()).isEmpty();
        assertThat(browser.login("alice", PASSWORD, "/signals", "Sec-Fetch-Site", "same-origin").status()).isEqualTo(303);
    }

    // ---- throttling

    @Test
    void afterFiveFailuresLoginsWaitEvenWithTheRightPassword() throws Exception {
        for (int i = 0; i < 5; i++) assertThat(browser.login("alice", "wrong password " + i).status()).isEqualTo(401);

        Page refused = browser.login("alice", PASSWORD);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).contains("1");
        assertThat(refused.body()).contains("Too many failed attempts. Try again in 1 s.");
        assertThat(refused.sessionCookie()).isEmpty();
        // another user from the same address is not held up by alice's failures
        assertThat(browser.login("rita", PASSWORD).status()).isEqualTo(303);
        browser.cookie = null;

        clock.advance(Duration.ofMillis(1_001));
        assertThat(browser.login("alice", "wrong password 6").status()).isEqualTo(401);
        Page longer = browser.login("alice", PASSWORD); // the wait doubles with each failure
        assertThat(longer.status()).isEqualTo(429);
        assertThat(longer.header("Retry-After")).contains("2");

        clock.advance(Duration.ofSeconds(2));
        assertThat(browser.login("alice", PASSWORD).status()).isEqualTo(303);
        browser.cookie = null;
        // a success starts the count afresh
        assertThat(browser.login("alice", "wrong password 7").status()).isEqualTo(401);

        JsonNode console = apiStats().path("console");
        assertThat(console.path("failed_logins").asLong()).isEqualTo(7);
        assertThat(console.path("refused_logins").asLong()).isEqualTo(2);
        assertThat(server.stats().path("console").path("refused_logins").asLong()).isEqualTo(2);
    }

    @Test
    void guessesSentAllAtOnceAreThrottledToo() throws Exception {
        int n = 20;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String guess = "guess number " + i;
                Callable<Integer> c = () -> {
                    go.await();
                    return new AccessBrowser(server.port()).login("alice", guess).status();
                };
                answers.add(pool.submit(c));
            }
            go.countDown();
            Map<Integer, Integer> byStatus = new LinkedHashMap<>();
            for (Future<Integer> f : answers) byStatus.merge(f.get(), 1, Integer::sum);
            assertThat(byStatus).isEqualTo(Map.of(401, 5, 429, 15));
        } finally {
            pool.shutdownNow();
        }
        JsonNode console = apiStats().path("console");
        assertThat(console.path("failed_logins").asLong()).isEqualTo(5);
        assertThat(console.path("refused_logins").asLong()).isEqualTo(15);
    }

    @Test
    void manyFailuresFromOneAddressHoldUpEveryName() throws Exception {
        for (int i = 0; i < 20; i++) assertThat(browser.login("user" + i, "wrong password").status()).as("try %d", i).isEqualTo(401);
        assertThat(browser.login("rita", PASSWORD).status()).isEqualTo(429);
        clock.advance(Duration.ofSeconds(1));
        assertThat(browser.login("rita", PASSWORD).status()).isEqualTo(303);
    }

    // ---- sessions

    @Test
    void logoutEndsTheSession() throws Exception {
        browser.login("rita", PASSWORD);
        String cookie = browser.cookie;
        String csrf = browser.get("/signals").csrf();

        Page noToken = browser.post("/logout", Map.of());
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(browser.get("/signals").status()).as("still logged in").isEqualTo(200);

        Page out = browser.post("/logout", form("_csrf", csrf));
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.header("Location")).contains("/login");
        assertThat(attributes(out.sessionCookie().orElseThrow())).contains("Expires=Thu, 1 Jan 1970 00:00:00 GMT");
        assertThat(out.sessionCookie().orElseThrow()).startsWith("vigil_session=;");

        browser.cookie = cookie; // a copy of the cookie kept elsewhere no longer works
        Page after = browser.get("/signals");
        assertThat(after.status()).isEqualTo(303);
        assertThat(after.header("Location")).contains("/login?next=%2Fsignals");
    }

    @Test
    void sessionsEndAfterEightIdleHoursAPasswordChangeOrDisabling() throws Exception {
        browser.login("alice", PASSWORD);
        clock.advance(Duration.ofHours(7));
        assertThat(browser.get("/signals").status()).isEqualTo(200);
        clock.advance(Duration.ofHours(7)); // 14 h since login, 7 h idle
        assertThat(browser.get("/signals").status()).isEqualTo(200);
        clock.advance(Duration.ofHours(8).plusMinutes(1));
        assertThat(browser.get("/signals").status()).isEqualTo(303);

        AccessBrowser other = new AccessBrowser(server.port());
        browser.login("rita", PASSWORD);
        other.login("rita", PASSWORD);
        server.store().users().setPassword("rita", "a brand new password");
        assertThat(browser.get("/signals").status()).isEqualTo(303);
        assertThat(other.get("/signals").status()).isEqualTo(303);

        browser.login("otto", PASSWORD);
        assertThat(browser.get("/signals").status()).isEqualTo(200);
        server.store().users().setDisabled("otto", true);
        assertThat(browser.get("/signals").status()).isEqualTo(303);
    }

    // ---- CSRF and roles

    @Test
    void aStateChangeNeedsTheSessionsCsrfToken() throws Exception {
        String id = storeSignal("sig-csrf", "Miner in web-1", "xmrig", "web-1");
        AccessBrowser other = new AccessBrowser(server.port());
        other.login("alice", PASSWORD);
        String othersToken = other.get("/signals").csrf();
        browser.login("rita", PASSWORD);
        String token = browser.get("/signals/" + id).csrf();

        List<Page> refused = List.of(
                browser.post("/signals/" + id + "/status", form("status", "under_review")),
                browser.post("/signals/" + id + "/status", form("status", "under_review", "_csrf", "")),
                browser.post("/signals/" + id + "/status", form("status", "under_review", "_csrf", "wrong" + token)),
                browser.post("/signals/" + id + "/status", form("status", "under_review", "_csrf", othersToken)),
                browser.post("/signals/" + id + "/status", form("status", "under_review"), "X-CSRF-Token", "wrong"),
                browser.post("/signals/" + id + "/comments", form("text", "pwned", "_csrf", othersToken)),
                browser.post("/signals/" + id + "/assignee", form("assignee", "mallory")),
                browser.post("/signals/" + id + "/suppress", form("query", "*", "scope", "all")));
        for (Page p : refused) {
            assertThat(p.status()).isEqualTo(403);
            assertThat(p.body()).contains("security token is missing or stale");
        }
        Signal unchanged = server.store().signals().get(id).orElseThrow();
        assertThat(unchanged.status()).isEqualTo(SignalStatus.OPEN);
        assertThat(unchanged.assignee()).isNull();
        assertThat(server.store().signals().history(id)).hasSize(1);
        assertThat(server.store().suppressions().list()).isEmpty();

        // the token as htmx sends it (header) or as a plain form field
        Page viaHeader = browser.post("/signals/" + id + "/status", form("status", "under_review"), "X-CSRF-Token", token);
        assertThat(viaHeader.status()).isEqualTo(200);
        assertThat(viaHeader.body()).contains("Status: under_review.");
        Page viaForm = browser.post("/signals/" + id + "/comments", form("text", "looking at it", "_csrf", token));
        assertThat(viaForm.status()).isEqualTo(200);
        assertThat(server.store().signals().get(id).orElseThrow().status()).isEqualTo(SignalStatus.UNDER_REVIEW);
        assertThat(server.store().signals().history(id)).hasSize(3);
    }

    @Test
    void readOnlyUsersSeeButCannotTriage() throws Exception {
        String id = storeSignal("sig-ro", "Miner in web-1", "xmrig", "web-1");
        browser.login("otto", PASSWORD);
        Page panel = browser.get("/signals/" + id + "/panel");
        assertThat(panel.status()).isEqualTo(200);
        assertThat(panel.body()).contains("Miner in web-1").doesNotContain("status-form").doesNotContain("Set status");
        String token = browser.get("/signals").csrf();

        for (String action : List.of("status", "assignee", "comments", "suppress")) {
            Page p = browser.post("/signals/" + id + "/" + action,
                    form("status", "archived", "reason", "false_positive", "assignee", "otto", "text", "mine", "query", "*"),
                    "X-CSRF-Token", token);
            assertThat(p.status()).as(action).isEqualTo(403);
            assertThat(p.body()).as(action).contains("Your role (read_only) cannot do this; it needs responder.");
        }
        Signal unchanged = server.store().signals().get(id).orElseThrow();
        assertThat(unchanged.status()).isEqualTo(SignalStatus.OPEN);
        assertThat(unchanged.assignee()).isNull();
        assertThat(server.store().signals().history(id)).hasSize(1);
        assertThat(server.store().suppressions().list()).isEmpty();

        // promoted, the same session may triage at its next request
        server.store().users().setRole("otto", Role.RESPONDER);
        assertThat(browser.get("/signals/" + id + "/panel").body()).contains("Set status");
        assertThat(browser.post("/signals/" + id + "/assignee", form("assignee", "otto"), "X-CSRF-Token", token).status()).isEqualTo(200);
        assertThat(server.store().signals().get(id).orElseThrow().assignee()).isEqualTo("otto");
    }

    // ---- headers and escaping

    @Test
    void everyPageCarriesTheSecurityHeaders() throws Exception {
        String id = storeSignal("sig-h", "Miner in web-1", "xmrig", "web-1");
        List<Page> pages = new ArrayList<>();
        pages.add(browser.get("/login"));
        pages.add(browser.login("otto", "wrong password"));
        browser.login("otto", PASSWORD);
        pages.add(browser.get("/signals"));
        pages.add(browser.get("/signals/" + id));
        pages.add(browser.get("/signals/" + id + "/panel"));
        pages.add(browser.get("/signals/sig-does-not-exist/panel"));
        pages.add(browser.post("/signals/" + id + "/status", form("status", "open"), "X-CSRF-Token", browser.get("/signals").csrf()));
        assertThat(pages).extracting(Page::status).containsExactly(200, 401, 200, 200, 200, 404, 403);

        for (Page p : pages) {
            Map<String, String> csp = csp(p.header("Content-Security-Policy").orElseThrow());
            assertThat(csp.get("script-src")).isEqualTo("'self'");
            assertThat(csp.get("default-src")).isEqualTo("'self'");
            assertThat(csp).containsEntry("frame-ancestors", "'none'").containsEntry("object-src", "'none'").containsEntry("base-uri", "'none'");
            assertThat(p.header("X-Frame-Options")).contains("DENY");
            assertThat(p.header("X-Content-Type-Options")).contains("nosniff");
            assertThat(p.header("Cache-Control")).contains("no-store");
            assertThat(p.header("Content-Type")).contains("text/html; charset=UTF-8");
            // no inline script anywhere: every script element loads a file
            assertThat(Pattern.compile("<script(?![^>]*\\ssrc=\"/assets/)").matcher(p.body()).find()).as(p.body()).isFalse();
        }
    }

    @Test
    void signalDataFromHostsRendersAsText() throws Exception {
        String xss = "<script>alert(1)</script>";
        String id = storeSignal("sig-xss", "Miner " + xss, "xmrig\"><img src=x onerror=alert(2)>", xss);
        browser.login("rita", PASSWORD);

        List<Page> pages = List.of(browser.get("/signals"), browser.get("/signals?range=all&q=Miner"), browser.get("/signals/" + id),
                browser.get("/signals/" + id + "/panel"), browser.get("/signals", "HX-Request", "true", "HX-Target", "results"));
        for (Page p : pages) {
            assertThat(p.status()).isEqualTo(200);
            assertThat(p.body()).contains("Miner &lt;script&gt;alert(1)&lt;/script&gt;")
                    .doesNotContain("<script>alert(").doesNotContain("<img src=x");
        }
        Page panel = pages.get(3);
        assertThat(panel.body())
                .contains("<span class=\"argv\">-o 'xmrig\"&gt;&lt;img src=x onerror=alert(2)&gt;'</span>") // argv in the process tree
                .contains("\"comm\" : \"xmrig\\\"&gt;&lt;img src=x onerror=alert(2)&gt;\"")         // the sample event
                .contains(">&lt;script&gt;alert(1)&lt;/script&gt;</a>")                               // the user entity, as link text
                .contains("<span class=\"meta\">pid 4242 · &lt;script&gt;alert(1)&lt;/script&gt;</span>")
                // in attributes, quotes are escaped too: nothing leaves the attribute
                .contains("data-tree=\"{&#34;nodes&#34;:")
                .doesNotContain("\"><img").doesNotContain("\"><script");
        // a triage answer quotes the typed text back, escaped
        Page commented = browser.post("/signals/" + id + "/assignee", form("assignee", xss), "X-CSRF-Token", pages.get(0).csrf());
        assertThat(commented.status()).isEqualTo(200);
        assertThat(commented.body()).contains("Assigned to &lt;script&gt;alert(1)&lt;/script&gt;.").doesNotContain("<script>alert(");
    }

    @Test
    void anEventSentThroughTheIntakeApiRendersAsText() throws Exception {
        String key = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).strip();
        String host = "<script>alert(1)</script>";
        ObjectNode event = JSON.createObjectNode().put("timestamp", Instant.now().toString()).put("source", "xsstest")
                .put("host", host).put("message", "<img src=x onerror=alert(3)>");
        HttpResponse<String> sent = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/v1/intake/logs"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(event + "\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> server.store().signals().search(
                dev.vigil.server.store.SignalQuery.builder().build()).items().size() == 1);
        String id = server.store().signals().search(dev.vigil.server.store.SignalQuery.builder().build()).items().getFirst().id();

        browser.login("otto", PASSWORD);
        for (Page p : List.of(browser.get("/signals"), browser.get("/signals/" + id + "/panel"))) {
            assertThat(p.body()).contains("Odd activity on &lt;script&gt;alert(1)&lt;/script&gt;")
                    .doesNotContain("<script>alert(").doesNotContain("<img src=x");
        }
    }

    @Test
    void typedValuesComeBackEscapedOnTheLoginPage() throws Exception {
        Page p = browser.login("\"><script>alert(3)</script>", "wrong password", "/signals\"><script>alert(4)</script>");
        assertThat(p.status()).isEqualTo(401);
        assertThat(p.body()).doesNotContain("<script>alert(")
                .contains("name=\"username\" autocomplete=\"username\" required autofocus value=\"&#34;>&lt;script>alert(3)&lt;/script>\"")
                .contains("name=\"next\" value=\"/signals&#34;>&lt;script>alert(4)&lt;/script>\"");
    }

    // ---- helpers

    /** A signal as detection would store it, with {@code argv} in its process tree and sample and {@code user} as an entity. */
    String storeSignal(String id, String title, String argv, String user) {
        long now = System.currentTimeMillis();
        ObjectNode tree = JSON.createObjectNode();
        var nodes = tree.putArray("nodes");
        nodes.addObject().put("pid", 1).put("path", "/usr/lib/systemd/systemd").put("user", "root").putArray("argv");
        ObjectNode trigger = nodes.addObject().put("pid", 4242).put("path", "/tmp/" + argv).put("user", user).put("trigger", true);
        trigger.putArray("argv").add("-o").add(argv);
        ObjectNode sample = JSON.createObjectNode();
        sample.putObject("process").put("comm", argv).putArray("argv").add(argv);
        Signal s = new Signal(id, "rule-miner", "Crypto miner " + argv, title, "A miner ran: " + argv, Severity.HIGH, SignalStatus.OPEN,
                null, null, Map.of("host", "web-1"), 3, now - 60_000, now - 1_000, 0, 0, "TA0040", "T1496",
                List.of("source:agent"), "Check " + argv, new Entities(List.of("web-1"), List.of(), List.of(), List.of(),
                List.of(user), List.of(), List.of("/tmp/" + argv), Map.of()), List.of(sample), tree);
        server.store().signals().applyEngineUpdates(List.of(s), server.store().signals().checkpoint()
                .orElse(DetectionCheckpoint.at(0)));
        return id;
    }

    JsonNode apiStats() throws Exception {
        String key = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).strip();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/v1/stats")).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The attributes of a Set-Cookie header, as written ({@code HttpOnly}, {@code Max-Age=0} ...). */
    static List<String> attributes(String setCookie) {
        return Arrays.stream(setCookie.split(";")).skip(1).map(String::strip).toList();
    }

    static Map<String, String> csp(String header) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String d : header.split(";")) {
            String t = d.strip();
            if (t.isEmpty()) continue;
            int sp = t.indexOf(' ');
            m.put(sp < 0 ? t : t.substring(0, sp), sp < 0 ? "" : t.substring(sp + 1).strip());
        }
        return m;
    }
}
