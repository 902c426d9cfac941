package dev.vigil.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.server.users.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.CookieManager;
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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The events explorer and the entity pages against a real server over HTTP: events sent through
 * the intake API, searched as a logged-in user would, with what the page shows checked.
 */
class EventPagesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path data;
    @TempDir Path rules;
    VigilServer server;
    Browser browser;
    String apiKey;

    void start() throws Exception {
        if (!Files.exists(rules.resolve("miner.yaml"))) {
            Files.writeString(rules.resolve("miner.yaml"), """
                    id: test-miner
                    name: Miner on {{host}}
                    method: match
                    queries:
                      - query: 'source:loadtest @process.comm:xmrig'
                        groupByFields: [host]
                    cases:
                      - status: high
                    options: {keepAlive: 1h}
                    """);
        }
        server = VigilServer.start(ServerConfig.defaults(data).withPort(0).withRuleDirs(List.of(rules)).withBuiltinRules(false));
        apiKey = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
        if (server.store().users().isEmpty() || server.store().users().authenticate("ana", "correct horse battery").isEmpty()) {
            server.store().users().create("ana", "correct horse battery", Role.READ_ONLY, "test");
        }
        browser = new Browser(server.port());
        browser.login("ana", "correct horse battery");
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    // ---- helpers

    /** A JSON log line at {@code minutesAgo}, with the given fields merged in. */
    static String line(int secondsAgo, String host, String source, String message, String extra) {
        return "{\"timestamp\":\"" + Instant.now().minusSeconds(secondsAgo) + "\",\"host\":" + JSON.valueToTree(host) + ",\"source\":"
                + JSON.valueToTree(source) + ",\"message\":" + JSON.valueToTree(message) + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    void send(List<String> lines) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/intake/logs"))
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    JsonNode api(String pathAndQuery) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery))
                .header("Authorization", "Bearer " + apiKey).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("_status", r.statusCode());
        return n;
    }

    String base() { return "http://127.0.0.1:" + server.port(); }

    static String events(String q, String range) {
        return "/events?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&range=" + range;
    }

    /** The number the page shows as the total of matching events. */
    static long shownTotal(String html) {
        Matcher m = Pattern.compile("<b id=\"event-total\">([^<]*)</b>").matcher(html);
        assertThat(m.find()).as("the page shows a total").isTrue();
        return Long.parseLong(m.group(1).replace(",", "").replace("≈ ", ""));
    }

    /** The ECharts option of the histogram, as the browser's vigil.js reads it. */
    static JsonNode chart(String html) throws Exception {
        Matcher m = Pattern.compile("data-chart=\"([^\"]*)\"").matcher(html);
        assertThat(m.find()).as("the page has a chart").isTrue();
        return JSON.readTree(unescape(m.group(1)));
    }

    static long sum(JsonNode chart) {
        long n = 0;
        for (JsonNode c : chart.path("series").get(0).path("data")) n += c.asLong();
        return n;
    }

    static String unescape(String s) {
        return s.replace("&#34;", "\"").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    // ---- tests

    @Test
    void eventsSentThroughIntakeAreFoundByAMatchingQueryOnly() throws Exception {
        start();
        List<String> l = new ArrayList<>();
        for (int i = 0; i < 3; i++) l.add(line(60 + i, "web-7", "nginx", "GET /pay/" + i + " marker-one", "\"usr\":{\"name\":\"carol\"}"));
        for (int i = 0; i < 2; i++) l.add(line(60 + i, "web-8", "nginx", "GET /other/" + i + " marker-two", ""));
        send(l);
        await().atMost(Duration.ofSeconds(15)).until(() -> shownTotal(browser.get(events("host:web-7", "1h")).body()) == 3);
        String page = browser.get(events("host:web-7", "1h")).body();
        assertThat(page).contains("GET /pay/0 marker-one", "GET /pay/1 marker-one", "GET /pay/2 marker-one").doesNotContain("marker-two");
        // the user pivots from the event to its user's page
        assertThat(page).contains("href=\"/entities/user/carol\"");
        String other = browser.get(events("@usr.name:carol -host:web-7", "1h")).body();
        assertThat(shownTotal(other)).isZero();
        assertThat(other).contains("No events match").doesNotContain("marker-one");
        // full text, wildcards and OR, as in detection rules
        assertThat(shownTotal(browser.get(events("marker", "15m")).body())).isEqualTo(5);
        assertThat(shownTotal(browser.get(events("host:web-* -\"marker-two\"", "24h")).body())).isEqualTo(3);
        // the API answers the same
        JsonNode r = api("/api/v1/events?query=" + URLEncoder.encode("host:web-7", StandardCharsets.UTF_8) + "&from=-1h&limit=2");
        assertThat(r.path("total").asLong()).isEqualTo(3);
        assertThat(r.path("exact").asBoolean()).isTrue();
        assertThat(r.path("events")).hasSize(2);
        assertThat(r.path("events").get(0).path("message").asText()).isEqualTo("GET /pay/0 marker-one"); // newest first
        // unfolding an event loads its JSON as stored
        String id = r.path("events").get(0).path("id").asText();
        assertThat(page).contains("hx-get=\"/events/" + id + "/json\"");
        String json = unescape(browser.get("/events/" + id + "/json").body());
        assertThat(JSON.readTree(json.substring(json.indexOf('>') + 1, json.lastIndexOf("</pre>"))).path("attributes").path("usr").path("name").asText())
                .isEqualTo("carol");
        long sum = 0;
        for (JsonNode b : r.path("histogram").path("buckets")) sum += b.path("count").asLong();
        assertThat(sum).isEqualTo(3);
    }

    @Test
    void theHistogramCountsEqualTheMatchingEvents() throws Exception {
        start();
        List<String> l = new ArrayList<>();
        // spread over the last 20 minutes: several buckets at 15m and 1h
        for (int i = 0; i < 40; i++) l.add(line(i * 30 + 5, i % 4 == 0 ? "db-1" : "app-1", "payments", "charge " + i, "\"amount\":" + i));
        send(l);
        await().atMost(Duration.ofSeconds(15)).until(() -> shownTotal(browser.get(events("source:payments", "1h")).body()) == 40);
        for (String[] c : new String[][]{{"source:payments", "1h", "40"}, {"host:db-1", "1h", "10"}, {"source:payments", "15m", "29"},
                {"@amount:>=30", "24h", "10"}, {"source:payments -host:db-1", "7d", "30"}}) {
            String page = browser.get(events(c[0], c[1])).body();
            JsonNode chart = chart(page);
            long expected = Long.parseLong(c[2]);
            if (c[1].equals("15m")) { // the range starts at a bucket boundary: count what the page says it covers
                expected = shownTotal(page);
                assertThat(expected).isBetween(28L, 31L);
            }
            assertThat(shownTotal(page)).as("total of %s over %s", c[0], c[1]).isEqualTo(expected);
            assertThat(sum(chart)).as("histogram of %s over %s", c[0], c[1]).isEqualTo(expected);
            assertThat(chart.path("xAxis").path("data").size()).isEqualTo(chart.path("series").get(0).path("data").size());
            long bars = 0;
            for (JsonNode n : chart.path("series").get(0).path("data")) if (n.asLong() > 0) bars++;
            if (!c[1].equals("7d") && !c[1].equals("24h")) assertThat(bars).as("events fall in several buckets").isGreaterThan(1);
        }
    }

    @Test
    void theIndexerResumesAfterARestartWithoutDuplicatesOrGaps() throws Exception {
        start();
        List<String> l = new ArrayList<>();
        for (int i = 0; i < 500; i++) l.add(line(100 + i % 50, "host-" + (i % 5), "restart-test", "before " + i, ""));
        send(l.subList(0, 250));
        send(l.subList(250, 500));
        await().atMost(Duration.ofSeconds(15)).until(() -> shownTotal(browser.get(events("source:restart-test", "1h")).body()) == 500);
        server.close();
        server = null;

        start();
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 300; i++) after.add(line(10 + i % 50, "host-" + (i % 5), "restart-test", "after " + i, ""));
        send(after);
        await().atMost(Duration.ofSeconds(15)).until(() -> shownTotal(browser.get(events("source:restart-test", "1h")).body()) >= 800);
        Thread.sleep(1_000); // anything indexed twice would show by now
        assertThat(shownTotal(browser.get(events("source:restart-test", "1h")).body())).isEqualTo(800);
        assertThat(shownTotal(browser.get(events("source:restart-test before", "1h")).body())).isEqualTo(500);
        assertThat(shownTotal(browser.get(events("source:restart-test after", "1h")).body())).isEqualTo(300);
        // it went on from its committed position: only the new events were indexed by this run
        JsonNode stats = api("/api/v1/stats").path("event_index");
        assertThat(stats.path("indexed_events").asLong()).isEqualTo(300);
        assertThat(stats.path("documents").asLong()).isEqualTo(800);
        assertThat(stats.path("lag_bytes").asLong()).isZero();
    }

    @Test
    void aHostPageShowsItsSignalsAndEventsWithPivots() throws Exception {
        start();
        List<String> l = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            l.add(line(30 + i, "miner-1", "loadtest", "exec xmrig " + i,
                    "\"process\":{\"comm\":\"xmrig\",\"pid\":" + (100 + i) + ",\"file\":{\"path\":\"/usr/bin/xmrig\"}},\"usr\":{\"name\":\"mallory\"},"
                            + "\"network\":{\"client\":{\"ip\":\"203.0.113.9\"}}"));
        }
        l.add(line(20, "miner-2", "loadtest", "exec xmrig elsewhere", "\"process\":{\"comm\":\"xmrig\"}"));
        send(l);
        await().atMost(Duration.ofSeconds(15)).until(() -> server.store().signals().search(
                dev.vigil.server.store.SignalQuery.builder().entity(dev.vigil.server.store.EntityKind.HOST, "miner-1").build()).total() == 1
                && shownTotal(browser.get("/entities/host/miner-1").body()) == 4);
        Browser.Page p = browser.get("/entities/host/miner-1");
        assertThat(p.status()).isEqualTo(200);
        String page = p.body();
        assertThat(page).contains("<h1>miner-1</h1>", "Miner on miner-1", "sev-high", "data-severity=\"high\"", "data-status=\"open\"");
        assertThat(page).contains("<b id=\"signal-count\">1</b>");
        assertThat(page).contains("exec xmrig 0", "exec xmrig 3").doesNotContain("exec xmrig elsewhere").doesNotContain("Miner on miner-2");
        assertThat(page).contains("First signal", "last signal activity");
        // pivots: each entity value of the events links to its own page, and the explorer opens with the entity's query
        assertThat(page).contains("href=\"/entities/user/mallory\"", "href=\"/entities/ip/203.0.113.9\"", "href=\"/entities/binary/%2Fusr%2Fbin%2Fxmrig\"");
        assertThat(page).contains("href=\"" + events("host:\"miner-1\"", "7d").replace("&", "&amp;") + "\"");
        assertThat(server.eventSearch()).isNotNull();
        // the pivots lead somewhere: the binary (a value with slashes), the user, the IP
        String binary = browser.get("/entities/binary/%2Fusr%2Fbin%2Fxmrig").body();
        assertThat(binary).contains("<h1>/usr/bin/xmrig</h1>", "exec xmrig 2", "Miner on miner-1");
        assertThat(shownTotal(binary)).isEqualTo(4);
        assertThat(shownTotal(browser.get("/entities/user/mallory").body())).isEqualTo(4);
        assertThat(shownTotal(browser.get("/entities/ip/203.0.113.9").body())).isEqualTo(4);
        assertThat(browser.get("/entities/planet/mars").status()).isEqualTo(404);
        // a host nobody has seen: an empty page, not an error
        String nobody = browser.get("/entities/host/nobody").body();
        assertThat(nobody).contains("No signals involve this host", "No events match");
    }

    @Test
    void htmlInEventFieldsIsShownAsText() throws Exception {
        start();
        String evil = "<script>alert(1)</script>";
        send(List.of(line(30, "<img src=x onerror=alert(2)>", "xss-test", evil + " in the message",
                "\"usr\":{\"name\":\"<b>bold</b>\"},\"note\":\"</pre><script>alert(3)</script>\"")));
        await().atMost(Duration.ofSeconds(15)).until(() -> shownTotal(browser.get(events("source:xss-test", "1h")).body()) == 1);
        for (String url : List.of(events("source:xss-test", "1h"), "/entities/user/" + URLEncoder.encode("<b>bold</b>", StandardCharsets.UTF_8),
                "/entities/host/" + URLEncoder.encode("<img src=x onerror=alert(2)>", StandardCharsets.UTF_8).replace("+", "%20"))) {
            Browser.Page p = browser.get(url);
            assertThat(p.status()).as(url).isEqualTo(200);
            assertThat(p.body()).as(url).doesNotContain("<script>alert", "<img src=x", "<b>bold</b>", "</pre><script>")
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
            assertThat(shownTotal(p.body())).as(url).isEqualTo(1);
        }
        // the event's JSON, unfolded: text too
        Matcher json = Pattern.compile("hx-get=\"(/events/[^\"]+/json)\"").matcher(browser.get(events("source:xss-test", "1h")).body());
        assertThat(json.find()).isTrue();
        Browser.Page j = browser.get(unescape(json.group(1)));
        assertThat(j.status()).isEqualTo(200);
        assertThat(j.body()).startsWith("<pre class=\"json\"").doesNotContain("<script>", "<b>bold</b>", "<img")
                .contains("&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;", "&lt;b&gt;bold&lt;/b&gt;");
        assertThat(new Browser(server.port()).get(unescape(json.group(1))).status()).as("needs a login").isEqualTo(303);
        assertThat(browser.get("/events/no-such-event/json").status()).isEqualTo(404);
        // the query itself, echoed in the search box and in an error, is text too
        String q = "\"><script>alert(4)</script>";
        String page = browser.get(events(q, "1h")).body();
        assertThat(page).doesNotContain("<script>alert(4)").contains("&lt;script&gt;alert(4)");
    }

    @Test
    void aQueryThatDoesNotParseShowsWhereItStops() throws Exception {
        start();
        Browser.Page p = browser.get(events("source:sshd @ev:", "1h"));
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.body()).contains("column 17: expected a value after ':' but found end of query")
                .contains("data-column=\"17\"").contains("source:sshd @ev:<mark>");
        Browser.Page q = browser.get(events("(source:sshd", "1h"));
        assertThat(q.body()).contains("column 13").contains("role=\"alert\"");
        Browser.Page mid = browser.get(events("a && b", "1h"));
        assertThat(mid.body()).contains("column 3").contains("a <mark>&amp;</mark>&amp; b");
        JsonNode api = api("/api/v1/events?query=" + URLEncoder.encode("source:sshd @ev:", StandardCharsets.UTF_8));
        assertThat(api.path("_status").asInt()).isEqualTo(400);
        assertThat(api.path("column").asInt()).isEqualTo(17);
    }

    @Test
    void thePagesNeedALogin() throws Exception {
        start();
        Browser anonymous = new Browser(server.port());
        Browser.Page p = anonymous.get("/events?q=x");
        assertThat(p.status()).isEqualTo(303);
        assertThat(p.location()).startsWith("/login?next=");
        assertThat(anonymous.get("/entities/host/web-1").status()).isEqualTo(303);
    }

    /** A browser: a cookie jar, no redirects followed. */
    static final class Browser {
        record Page(int status, String body, String location) {}

        final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(2)).build();
        final String base;

        Browser(int port) {
            this.base = "http://127.0.0.1:" + port;
        }

        void login(String user, String password) throws Exception {
            String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("login").isEqualTo(303);
        }

        Page get(String path) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Page(r.statusCode(), r.body(), r.headers().firstValue("Location").orElse(null));
        }
    }
}
