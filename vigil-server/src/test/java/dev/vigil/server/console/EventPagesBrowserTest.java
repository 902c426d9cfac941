package dev.vigil.server.console;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.server.users.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The events explorer and an entity page in a real browser (Debian's Chromium, under the
 * console's Content-Security-Policy): the histogram draws, unfolding an event loads its JSON as
 * text, the pivot links lead to the entity's page, and markup in events never runs.
 */
class EventPagesBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir Path data;

    @Test
    void theHistogramDrawsAndEventsUnfoldAndPivot() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) throw new IllegalStateException(CHROMIUM + " is missing: run bin/setup (Debian package chromium)");
        try (VigilServer server = VigilServer.start(ServerConfig.defaults(data).withPort(0).withBuiltinRules(false))) {
            server.store().users().create("reader", "correct horse battery", Role.READ_ONLY, "test");
            String key = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
            String base = "http://127.0.0.1:" + server.port();
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                lines.add(EventPagesTest.line(40 + i * 60, "web-9", "browsertest", "login <img src=x onerror=alert(1)> " + i,
                        "\"usr\":{\"name\":\"dora\"},\"html\":\"<script>alert(2)</script>\""));
            }
            HttpResponse<String> sent = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/v1/intake/logs"))
                    .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(sent.statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(15)).until(() -> server.eventIndexer().lagBytes() == 0 && server.eventSearch()
                    .search(dev.vigil.detect.query.Query.parse("source:browsertest"), System.currentTimeMillis() - 86_400_000, System.currentTimeMillis() + 60_000, 0, 3_600_000).total() == 12);

            try (Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
                 var browser = pw.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                         .setArgs(List.of("--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                                 "--disable-component-update", "--disable-dev-shm-usage")))) {
                BrowserContext ctx = browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions().setBaseURL(base).setViewportSize(1440, 900));
                Page page = ctx.newPage();
                List<String> problems = new ArrayList<>();
                page.onConsoleMessage(m -> {
                    if (m.type().equals("error") && !m.text().contains("404")) problems.add(m.text());
                });
                page.onPageError(problems::add);
                page.onDialog(d -> {
                    problems.add("a dialog opened: " + d.message());
                    d.dismiss();
                });

                page.navigate(base + "/events?q=source%3Abrowsertest&range=1h");
                page.fill("input[name=username]", "reader");
                page.fill("input[name=password]", "correct horse battery");
                page.click("button[type=submit]");
                page.waitForURL("**/events?q=source%3Abrowsertest&range=1h");
                page.waitForSelector(".event-chart[data-rendered=true] canvas");
                assertThat(page.textContent("#event-total")).isEqualTo("12");
                assertThat(page.locator("ol.events li.event").count()).isEqualTo(12);
                assertThat(page.locator("ol.events li.event").first().textContent()).contains("login <img src=x onerror=alert(1)> 0");

                // unfold the newest event: its JSON arrives, as text
                page.locator("ol.events li.event summary").first().click();
                page.waitForSelector("ol.events li.event pre.json[data-event]");
                String json = page.locator("ol.events li.event pre.json[data-event]").first().textContent();
                assertThat(json).contains("\"html\" : \"<script>alert(2)</script>\"", "\"name\" : \"dora\"");

                // the range links keep the query; the user's pivot opens the user's page with its events
                page.click(".ranges a:text('24h')");
                page.waitForSelector(".event-chart[data-rendered=true] canvas");
                assertThat(page.url()).contains("range=24h").contains("q=source%3Abrowsertest");
                String shots = System.getenv("VIGIL_TEST_SCREENSHOTS"); // a directory, to look at the pages
                if (shots != null) page.screenshot(new Page.ScreenshotOptions().setPath(Path.of(shots, "events-explorer.png")));
                page.locator("ol.events li.event .pivots a[href='/entities/user/dora']").first().click();
                page.waitForSelector(".entity-page .event-chart[data-rendered=true] canvas");
                if (shots != null) page.screenshot(new Page.ScreenshotOptions().setPath(Path.of(shots, "entity.png")).setFullPage(true));
                assertThat(page.textContent("h1")).isEqualTo("dora");
                assertThat(page.textContent("#event-total")).isEqualTo("12");
                // and from there to the explorer with the entity's query
                page.click("a.explore");
                page.waitForSelector(".event-chart[data-rendered=true] canvas");
                assertThat(page.inputValue("input[name=q]")).isEqualTo("@usr.name:\"dora\"");
                assertThat(page.textContent("#event-total")).isEqualTo("12");
                assertThat(problems).isEmpty();
            }
        }
    }
}
