package dev.vigil.server.console;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The rule editor in a real browser (the system's Chromium, headless), under the console's CSP:
 * typing a bad query marks its line with the problem without saving anything, fixing it says
 * valid, and the rule test shows the signal of events ingested before. Skipped where no
 * Chromium is installed.
 */
class RulesBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir Path data;
    VigilServer server;
    Playwright playwright;
    Browser browser;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM);
        server = VigilServer.start(ServerConfig.defaults(data).withPort(0));
        server.store().users().create("alice", RulesConsoleTest.PASSWORD, Role.ADMIN, "test");
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true));
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
        if (server != null) server.close();
    }

    @Test
    void typingABadQueryMarksItsLineAndTheTestShowsTheSignal() throws Exception {
        String key = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
        List<String> lines = new ArrayList<>();
        Instant hourAgo = Instant.now().minusSeconds(3600);
        for (int i = 0; i < 4; i++) lines.add(RulesConsoleTest.cpuminerLine("host-t", hourAgo.plusSeconds(i)));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/intake/logs"))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        org.assertj.core.api.Assertions.assertThat(r.statusCode()).isEqualTo(202);

        Page page = browser.newPage();
        List<String> errors = new ArrayList<>();
        page.onConsoleMessage(m -> { if (m.type().equals("error") && !m.text().startsWith("Failed to load resource")) errors.add(m.text()); });
        page.onResponse(res -> { if (res.status() >= 400 && !res.url().endsWith("/favicon.ico")) errors.add(res.status() + " " + res.url()); });
        page.navigate(base() + "/rules/_new");
        page.fill("input[name=username]", "alice");
        page.fill("input[name=password]", RulesConsoleTest.PASSWORD);
        page.click("button[type=submit]");
        page.waitForURL(base() + "/rules/_new");

        page.fill("#rule-source", RulesConsoleTest.BAD_RULE);
        Locator bad = page.locator("#rule-check li.bad");
        assertThat(bad).hasCount(1);
        assertThat(bad).hasAttribute("id", "L6");
        assertThat(bad.locator(".problem")).containsText("6:53");
        assertThat(bad.locator(".problem")).containsText("expected ')' to close the '('");
        assertThat(page.locator("#rule-check")).containsText("1 problem");
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/rules-editor-problem.png")).setFullPage(true));
        org.assertj.core.api.Assertions.assertThat(server.store().rules().list()).isEmpty();

        page.fill("#rule-source", RulesConsoleTest.TESTED_RULE);
        assertThat(page.locator("#rule-check .ok")).containsText("Valid: rule tested-miner (threshold)");
        page.click("button[formaction='/rules/_test']");
        assertThat(page.locator("#rule-test-result .test-summary")).containsText("1 signal would have been raised");
        assertThat(page.locator("#rule-test-result table")).containsText("Tested miner on host-t");
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/rules-editor-test.png")).setFullPage(true));
        org.assertj.core.api.Assertions.assertThat(server.store().rules().list()).isEmpty();

        page.navigate(base() + "/rules");
        assertThat(page.locator("tr[data-rule]")).hasCount(8);
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/rules-list.png")).setFullPage(true));
        page.navigate(base() + "/rules/ssh-brute-force");
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/rules-rule.png")).setFullPage(true));
        page.navigate(base() + "/rules/_agent-policy");
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/rules-agent-policy.png")));
        org.assertj.core.api.Assertions.assertThat(errors).as("browser console errors (CSP violations included)").isEmpty();
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }
}
