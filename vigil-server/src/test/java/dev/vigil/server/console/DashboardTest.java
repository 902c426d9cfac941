package dev.vigil.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.agent.ship.AgentStatus;
import dev.vigil.agent.ship.Shipper;
import dev.vigil.agent.ship.ShipperConfig;
import dev.vigil.journal.Durability;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.server.users.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard of a real server over real HTTP: events ingested through the API become the
 * signals it counts, its numbers lead to the explorer showing the same signals, its charts carry
 * the series, a real agent shipper's heartbeats make the agent appear and then go disconnected.
 */
class DashboardTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String XSS = "<script>alert(1)</script>";

    @TempDir Path data;
    @TempDir Path rules;
    @TempDir Path agentState;
    VigilServer server;
    String apiKey;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(rules.resolve("dash.yaml"), """
                id: dash-miner
                name: Crypto miner %s
                method: match
                tags: [tactic:TA0040, technique:T1496]
                queries:
                  - query: 'source:dashtest @process.comm:xmrig'
                    groupByFields: [host]
                cases:
                  - status: high
                """.formatted(XSS));
        Files.writeString(rules.resolve("shell.yaml"), """
                id: dash-shell
                name: Shell in a container
                method: match
                queries:
                  - query: 'source:dashtest @process.comm:bash'
                    groupByFields: [host]
                cases:
                  - status: low
                """);
        server = VigilServer.start(ServerConfig.defaults(data).withPort(0).withRuleDirs(List.of(rules)));
        apiKey = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
        server.store().users().create("reader", "correct horse battery", Role.READ_ONLY, "test");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    // ---- the tests

    @Test
    void theDashboardNeedsALogin() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/dashboard?range=7d")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/login?next=" + URLEncoder.encode("/dashboard?range=7d", StandardCharsets.UTF_8));
        // the live refresh of an expired session: htmx is told to load the login page
        HttpResponse<String> frag = http.send(HttpRequest.newBuilder(uri("/dashboard")).header("HX-Request", "true").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(frag.statusCode()).isEqualTo(401);
        assertThat(frag.headers().firstValue("HX-Redirect")).hasValue("/login");
    }

    @Test
    void countsRulesHostsAndImagesOfIngestedSignalsAndLinksToTheExplorer() throws Exception {
        Instant t = Instant.now().minusSeconds(600);
        int accepted = ingest(
                event(t, "web-1", "xmrig", "acme/miner", "1.0"),
                event(t.plusSeconds(1), "web-1", "xmrig", "acme/miner", "1.0"), // joins web-1's signal
                event(t, "web-2", "xmrig", "acme/miner", "1.0"),
                event(t, XSS, "xmrig", XSS, "x"),
                event(t, "web-1", "bash", "debian", "12"));
        assertThat(accepted).isEqualTo(5);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.store().signals().search(
                dev.vigil.server.store.SignalQuery.all()).total() == 4);
        String cookie = login("reader");

        String page = get("/dashboard", cookie).body();

        // nothing from events or rules is markup
        assertThat(page).doesNotContain(XSS).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        // the triage queue: 4 open, 3 high and 1 low, each a link to exactly those signals
        assertThat(text(page, "open-total")).isEqualTo("4");
        Map<String, String> open = severityCounts(section(page, "card-open"));
        assertThat(open).containsEntry("high", "3").containsEntry("low", "1").containsEntry("critical", "0");
        assertThat(section(page, "card-open")).contains("href=\"/signals?status=open&amp;severity=high&amp;range=all\"");
        assertThat(text(page, "review-total")).isEqualTo("0");
        // top rules by name, most signals first, with the rule id and the count
        String rulesCard = section(page, "card-top-rules");
        assertThat(rows(rulesCard)).containsExactly(
                List.of("Crypto miner &lt;script&gt;alert(1)&lt;/script&gt;", "dash-miner", "3"),
                List.of("Shell in a container", "dash-shell", "1"));
        assertThat(rulesCard).contains("href=\"/signals?rule=dash-miner&amp;range=24h\"");
        // hosts and images, escaped
        assertThat(rows(section(page, "card-top-hosts"))).containsExactly(
                List.of("web-1", "2"), List.of("&lt;script&gt;alert(1)&lt;/script&gt;", "1"), List.of("web-2", "1"));
        assertThat(section(page, "card-top-hosts")).contains("href=\"/signals?host=%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;range=24h\"");
        assertThat(rows(section(page, "card-top-images"))).containsExactly(
                List.of("acme/miner:1.0", "2"), List.of("&lt;script&gt;alert(1)&lt;/script&gt;:x", "1"), List.of("debian:12", "1"));

        // following a number shows that many signals in the explorer
        assertThat(explorerTotal("/signals?rule=dash-miner&range=24h", cookie)).isEqualTo(3);
        assertThat(explorerTotal("/signals?status=open&severity=high&range=all", cookie)).isEqualTo(3);
        assertThat(explorerTotal("/signals?host=web-1&range=24h", cookie)).isEqualTo(2);
        assertThat(explorerTotal(unescape(attr(section(page, "card-signals"), "new-signals", "href")), cookie)).isEqualTo(4);

        // the signals chart: one stacked bar series per severity over 24 hourly bars
        JsonNode chart = chart(page, "signals-chart");
        assertThat(chart.path("xAxis").path("data")).hasSize(24);
        Map<String, Long> sums = seriesSums(chart);
        assertThat(sums).containsOnlyKeys("critical", "high", "medium", "low", "info");
        assertThat(sums).containsEntry("high", 3L).containsEntry("low", 1L).containsEntry("critical", 0L);
        assertThat(chart.path("series").get(0).path("stack").asText()).isEqualTo("signals");
        assertThat(text(page, "new-signals")).isEqualTo("4");

        // a signal under review moves from one count to the other
        String id = server.store().signals().search(dev.vigil.server.store.SignalQuery.builder().rule("dash-shell").build()).items().getFirst().id();
        server.store().signals().changeStatus(id, dev.vigil.detect.signal.SignalStatus.UNDER_REVIEW, null, "alice", null);
        String again = get("/dashboard", cookie).body();
        assertThat(text(again, "open-total")).isEqualTo("3");
        assertThat(text(again, "review-total")).isEqualTo("1");
        assertThat(severityCounts(section(again, "card-review"))).containsEntry("low", "1");
    }

    @Test
    void theEventsChartCountsWhatIntakeAccepted() throws Exception {
        Instant t = Instant.now();
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 250; i++) batch.add(event(t, "web-" + (i % 5), "ls", "debian", "12"));
        assertThat(ingest(batch.toArray(String[]::new))).isEqualTo(250);
        assertThat(ingest(event(t, "web-9", "ls", "debian", "12"))).isEqualTo(1);
        // the rate history inside the server
        assertThat(server.intake().acceptedRate.window(System.currentTimeMillis()).total()).isEqualTo(251);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.pipeline().processedRate.window(System.currentTimeMillis()).total() == 251);
        String cookie = login("reader");

        String page = get("/dashboard", cookie).body();

        JsonNode chart = chart(page, "events-chart");
        assertThat(chart.path("xAxis").path("data")).hasSize(360);
        // events per second per 10 s bucket: times 10 gives the events of the bucket
        Map<String, Double> perSecond = new java.util.LinkedHashMap<>();
        for (JsonNode s : chart.path("series")) {
            double sum = 0;
            for (JsonNode v : s.path("data")) sum += v.asDouble();
            perSecond.put(s.path("name").asText(), sum);
        }
        assertThat(perSecond.keySet()).containsExactly("accepted", "processed");
        assertThat(perSecond.get("accepted") * 10).isCloseTo(251, org.assertj.core.data.Offset.offset(1.0));
        assertThat(perSecond.get("processed") * 10).isCloseTo(251, org.assertj.core.data.Offset.offset(1.0));
        assertThat(text(page, "accepted-hour")).isEqualTo("251 events");
        assertThat(text(page, "detection-lag")).endsWith("B");
    }

    @Test
    void anAgentAppearsWithItsHeartbeatAndIsDisconnectedWhenItStops() throws Exception {
        ShipperConfig.Tuning d = ShipperConfig.Tuning.defaults();
        ShipperConfig config = ShipperConfig.of(uri("/"), apiKey).withStateDir(agentState)
                .withTuning(new ShipperConfig.Tuning(d.queueCapacity(), d.batchMaxLines(), d.batchMaxBytes(), d.linger(), d.backoffMin(),
                        d.backoffMax(), d.authRetry(), Duration.ofMillis(200), d.requestTimeout(), Duration.ZERO, Durability.NONE));
        String hostname = "build-" + XSS;
        Shipper shipper = Shipper.start(config, () -> new AgentStatus(hostname, "9.8.7", "c0ffee12", 43,
                Map.of("events", 1234L, "lost", 7L)));
        String cookie = login("reader");
        String agentId = shipper.agentId();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> get("/dashboard", cookie).body().contains(agentId));
            String row = agentRow(get("/dashboard", cookie).body(), agentId);
            assertThat(row).contains("class=\"agent connected\"")
                    .contains("build-&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(XSS)
                    .contains(">9.8.7<").contains("c0ffee12").contains("43 rules").contains(">7<")
                    // the hostname leads to its signals
                    .contains("href=\"/signals?host=build-%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;range=24h\"");
            assertThat(section(get("/dashboard", cookie).body(), "card-agents")).contains("1 of 1 connected");
        } finally {
            shipper.close();
        }
        // three missed 200 ms heartbeats later
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> agentRow(get("/dashboard", cookie).body(), agentId).contains("class=\"agent disconnected\""));
        assertThat(section(get("/dashboard", cookie).body(), "card-agents")).contains("0 of 1 connected");
        // the API lists the same agent
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(uri("/api/v1/agents")).header("Authorization", "Bearer " + apiKey).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode agents = JSON.readTree(api.body());
        assertThat(agents).hasSize(1);
        assertThat(agents.get(0).path("hostname").asText()).isEqualTo(hostname);
        assertThat(agents.get(0).path("interval_ms").asLong()).isEqualTo(200);
    }

    @Test
    void theCardsRefreshAloneAndTheRangeChangesTheBars() throws Exception {
        String cookie = login("reader");

        String full = get("/dashboard?range=7d", cookie).body();
        assertThat(full).contains("<html").contains("hx-get=\"/dashboard?range=7d\"").contains("hx-trigger=\"every 10s\"");
        assertThat(chart(full, "signals-chart").path("xAxis").path("data")).hasSize(28);
        assertThat(full).contains("class=\"current\">7d<");

        HttpResponse<String> frag = http.send(HttpRequest.newBuilder(uri("/dashboard?range=30d")).header("Cookie", cookie)
                .header("HX-Request", "true").header("HX-Target", "dashboard-cards").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(frag.statusCode()).isEqualTo(200);
        assertThat(frag.body()).doesNotContain("<html").contains("id=\"card-agents\"");
        assertThat(chart(frag.body(), "signals-chart").path("xAxis").path("data")).hasSize(30);
        assertThat(frag.headers().firstValue("Content-Security-Policy")).isPresent();

        // an unknown range is the default one
        assertThat(chart(get("/dashboard?range=1y", cookie).body(), "signals-chart").path("xAxis").path("data")).hasSize(24);
        assertThat(get("/dashboard", cookie).body()).contains("No agent has reported in").contains("No signals in the last 24h");
    }

    // ---- events and HTTP

    static String event(Instant t, String host, String comm, String image, String tag) throws Exception {
        var o = JSON.createObjectNode().put("timestamp", t.toString()).put("source", "dashtest").put("host", host)
                .put("message", "exec " + comm);
        o.putObject("process").put("comm", comm).put("pid", 4242);
        o.putObject("container").put("id", "c-" + Math.abs(host.hashCode())).putObject("image").put("name", image).put("tag", tag);
        return JSON.writeValueAsString(o);
    }

    int ingest(String... lines) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/intake/logs")).header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).path("accepted").asInt();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    String login(String user) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=correct+horse+battery&next=%2Fdashboard")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(303);
        String setCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("vigil_session=")).findFirst().orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s", path).isEqualTo(200);
        return r;
    }

    long explorerTotal(String path, String cookie) throws Exception {
        return Long.parseLong(text(get(path, cookie).body(), "signal-total"));
    }

    // ---- reading the HTML

    /** The text of the element with this id (no nested elements). */
    static String text(String html, String id) {
        Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(html);
        assertThat(m.find()).as("element #%s", id).isTrue();
        return m.group(1).strip();
    }

    static String attr(String html, String id, String name) {
        Matcher m = Pattern.compile("<[^>]*\\b" + name + "=\"([^\"]*)\"[^>]*id=\"" + Pattern.quote(id) + "\"").matcher(html);
        assertThat(m.find()).as("%s of #%s", name, id).isTrue();
        return m.group(1);
    }

    /** The HTML of the card with this id. */
    static String section(String html, String id) {
        int start = html.indexOf("<section class=\"card");
        int at = html.indexOf("id=\"" + id + "\"");
        assertThat(start).isNotNegative();
        assertThat(at).as("card #%s", id).isNotNegative();
        int from = html.lastIndexOf("<section", at);
        return html.substring(from, html.indexOf("</section>", at));
    }

    /** Severity to count, from a card's severity list. */
    static Map<String, String> severityCounts(String card) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        Matcher m = Pattern.compile("<li data-severity=\"(\\w+)\"><a href=\"[^\"]*\"><span class=\"sev [^\"]*\">\\w+</span><span class=\"n\">([^<]*)</span>")
                .matcher(card);
        while (m.find()) out.put(m.group(1), m.group(2));
        return out;
    }

    /** The texts of each table row's cells, tags stripped. */
    static List<List<String>> rows(String card) {
        List<List<String>> out = new ArrayList<>();
        Matcher row = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL).matcher(card);
        while (row.find()) {
            List<String> cells = new ArrayList<>();
            Matcher text = Pattern.compile(">([^<>]+)<").matcher(row.group(1));
            while (text.find()) if (!text.group(1).isBlank()) cells.add(text.group(1).strip());
            out.add(cells);
        }
        return out;
    }

    static String agentRow(String html, String agentId) {
        int at = html.indexOf("data-agent=\"" + agentId + "\"");
        assertThat(at).as("row of agent %s", agentId).isNotNegative();
        return html.substring(html.lastIndexOf("<tr", at), html.indexOf("</tr>", at));
    }

    /** The ECharts option of the chart with this id, parsed from its data-chart attribute. */
    static JsonNode chart(String html, String id) throws Exception {
        Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\" data-chart=\"([^\"]*)\"").matcher(html);
        assertThat(m.find()).as("chart #%s", id).isTrue();
        return JSON.readTree(unescape(m.group(1)));
    }

    static Map<String, Long> seriesSums(JsonNode chart) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (JsonNode s : chart.path("series")) {
            long sum = 0;
            for (JsonNode v : s.path("data")) sum += v.asLong();
            out.put(s.path("name").asText(), sum);
        }
        return out;
    }

    /** HTML character references back to characters, as a browser reads an attribute. */
    static String unescape(String s) {
        Matcher m = Pattern.compile("&(#(\\d+)|#x([0-9a-fA-F]+)|amp|lt|gt|quot|apos);").matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String r = m.group(2) != null ? Character.toString(Integer.parseInt(m.group(2)))
                    : m.group(3) != null ? Character.toString(Integer.parseInt(m.group(3), 16))
                    : switch (m.group(1)) {
                        case "amp" -> "&";
                        case "lt" -> "<";
                        case "gt" -> ">";
                        case "quot" -> "\"";
                        default -> "'";
                    };
            m.appendReplacement(b, Matcher.quoteReplacement(r));
        }
        m.appendTail(b);
        return b.toString();
    }
}
