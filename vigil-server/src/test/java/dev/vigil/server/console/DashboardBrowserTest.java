package dev.vigil.server.console;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.Cookie;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.server.users.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (Chromium, under the console's Content-Security-Policy): both
 * charts draw, host names with markup stay text, and the cards refresh themselves, charts
 * included. Chromium as {@link Browser} drives it (bin/setup installs it).
 */
class DashboardBrowserTest {

    @TempDir Path data;
    @TempDir Path rules;

    @Test
    void chartsDrawAndTheCardsRefreshThemselves() throws Exception {
        Files.writeString(rules.resolve("dash.yaml"), """
                id: dash-miner
                name: Crypto miner %s
                method: match
                queries:
                  - query: 'source:dashtest @process.comm:xmrig'
                    groupByFields: [host]
                cases:
                  - status: high
                """.formatted(DashboardTest.XSS));
        try (VigilServer server = VigilServer.start(ServerConfig.defaults(data).withPort(0).withRuleDirs(List.of(rules)))) {
            DashboardTest http = new DashboardTest();
            http.server = server;
            http.apiKey = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
            server.store().users().create("reader", "correct horse battery", Role.READ_ONLY, "test");
            Instant t = Instant.now().minusSeconds(60);
            http.ingest(DashboardTest.event(t, "web-1", "xmrig", "acme/miner", "1"),
                    DashboardTest.event(t, DashboardTest.XSS, "xmrig", "acme/miner", "1"));
            String cookie = http.login("reader");

            try (Browser browser = new Browser()) {
                BrowserContext ctx = browser.context(http.uri("").toString());
                ctx.addCookies(List.of(new Cookie("vigil_session", cookie.substring(cookie.indexOf('=') + 1)).setUrl(http.uri("/").toString())));
                Page page = ctx.newPage();
                List<String> problems = new ArrayList<>();
                page.onConsoleMessage(m -> {
                    // the browser asks for /favicon.ico, which the console does not serve
                    if (m.type().equals("error") && !m.text().contains("404")) problems.add(m.text());
                });
                page.onPageError(e -> problems.add(e));
                page.onDialog(d -> {
                    problems.add("a dialog opened: " + d.message());
                    d.dismiss();
                });

                page.navigate(http.uri("/dashboard").toString());
                page.waitForSelector("#signals-chart[data-rendered=true] canvas");
                page.waitForSelector("#events-chart[data-rendered=true] canvas");
                assertThat(page.textContent("#card-top-hosts")).contains(DashboardTest.XSS).contains("web-1");
                assertThat(page.textContent("#open-total")).isEqualTo("2");

                // the next poll replaces the cards: new numbers, charts drawn again
                http.ingest(DashboardTest.event(Instant.now(), "web-2", "xmrig", "acme/miner", "1"));
                page.waitForFunction("() => document.getElementById('open-total').textContent === '3'",
                        null, new Page.WaitForFunctionOptions().setTimeout(25_000));
                page.waitForSelector("#signals-chart[data-rendered=true] canvas");
                assertThat(page.locator("[data-chart][data-rendered=true]").count()).isEqualTo(2);
                assertThat(page.url()).endsWith("/dashboard");
                assertThat(problems).isEmpty();
            }
        }
    }
}
