package dev.vigil.cli;

import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.server.store.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vigil users} on a server's store, and logging in to the console of a real server (in
 * this JVM) with what it made.
 */
class UsersCommandTest {

    static final String PASSWORD = "correct horse battery";
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir Path data;

    @Test
    void aUserAddedBeforeTheFirstStartLogsIn() throws Exception {
        Run add = users(PASSWORD + "\n", "add", "Alice", "--role", "responder", "--password-stdin", "--data", data.toString());
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("created user alice (responder) in " + data.resolve(StoreConfig.SQLITE_FILE) + "\n");

        Started started = start();
        try (VigilServer server = started.server()) {
            // a user exists: the server makes no admin of its own
            assertThat(started.stderr()).doesNotContain("created user 'admin'");
            assertThat(server.store().users().list()).extracting(u -> u.username()).containsExactly("alice");

            String cookie = login(server, "alice", PASSWORD);
            assertThat(cookie).isNotNull();
            assertThat(get(server, "/signals", cookie).body()).contains("title=\"role: responder\">alice</span>");

            Run list = users("", "list", "--data", data.toString());
            assertThat(list.code()).isZero();
            assertThat(list.out()).startsWith("NAME   ROLE       STATE    CREATED")
                    .containsPattern("\nalice  responder  enabled  20\\S+Z  cli:\\S+\\s+20\\S+Z\n");

            // while the server runs: a new role shows at the next request
            Run role = users("", "role", "alice", "read-only", "--data", data.toString());
            assertThat(role.out()).isEqualTo("alice is now read_only\n");
            assertThat(role.err()).contains("note: no enabled admin is left");
            assertThat(get(server, "/signals", cookie).body()).contains("title=\"role: read_only\">alice</span>");

            Run passwd = users("a brand new password\n", "passwd", "alice", "--password-stdin", "--data", data.toString());
            assertThat(passwd.code()).as(passwd.err()).isZero();
            assertThat(passwd.out()).isEqualTo("password of alice changed; their console sessions were ended\n");
            assertThat(get(server, "/signals", cookie).statusCode()).isEqualTo(303);
            assertThat(login(server, "alice", PASSWORD)).isNull();
            assertThat(login(server, "alice", "a brand new password")).isNotNull();

            assertThat(users("", "disable", "alice", "--data", data.toString()).out())
                    .isEqualTo("disabled alice; their console sessions were ended\n");
            assertThat(login(server, "alice", "a brand new password")).isNull();
            assertThat(users("", "list", "--data", data.toString()).out()).containsPattern("\nalice  read_only  disabled ");
            assertThat(users("", "enable", "alice", "--data", data.toString()).out()).isEqualTo("enabled alice\n");
            assertThat(login(server, "alice", "a brand new password")).isNotNull();
        }
    }

    @Test
    void theFirstAdminsMessageNamesTheCommandThatChangesItsPassword() throws Exception {
        Started started = start();
        try (VigilServer server = started.server()) {
            Matcher m = Pattern.compile("console: created user 'admin' with password (\\S+) \\(shown this once; change it with `vigil (users passwd admin [^`]+)`\\)")
                    .matcher(started.stderr());
            assertThat(m.find()).as(started.stderr()).isTrue();
            String password = m.group(1);
            assertThat(m.group(2)).isEqualTo("users passwd admin --data " + data);
            assertThat(login(server, "admin", password)).isNotNull();

            List<String> args = new ArrayList<>(List.of(m.group(2).split(" ")));
            args.add("--password-stdin");
            Run passwd = vigil("my own admin password\n", args.toArray(String[]::new));
            assertThat(passwd.code()).as(passwd.err()).isZero();
            assertThat(login(server, "admin", password)).isNull();
            assertThat(login(server, "admin", "my own admin password")).isNotNull();
            assertThat(users("", "list", "--data", data.toString()).out()).containsPattern("\nadmin  admin  enabled  \\S+  vigil ");
        }
    }

    @Test
    void whatCannotBeDoneIsSaidWithAnExitStatus() throws Exception {
        String dir = data.toString();
        Run noStore = users("", "list", "--data", dir);
        assertThat(noStore.code()).isEqualTo(3);
        assertThat(noStore.err()).startsWith("vigil users list: no Vigil store in " + dir);
        assertThat(users(PASSWORD + "\n", "passwd", "admin", "--password-stdin", "--data", dir).code()).isEqualTo(3);

        Run badName = users(PASSWORD + "\n", "add", "<script>", "--role", "admin", "--password-stdin", "--data", dir);
        assertThat(badName.code()).isEqualTo(1);
        assertThat(badName.err()).contains("user name must be 1-64 of a-z 0-9");
        Run badRole = users(PASSWORD + "\n", "add", "bob", "--role", "root", "--password-stdin", "--data", dir);
        assertThat(badRole.code()).isEqualTo(1);
        assertThat(badRole.err()).contains("unknown role 'root': use admin, responder or read_only");
        assertThat(Files.exists(data.resolve(StoreConfig.SQLITE_FILE))).as("nothing created for refused arguments").isFalse();

        // a password never comes from the command line
        Run inArgs = users("", "add", "bob", "--role", "admin", "--password", PASSWORD, "--data", dir);
        assertThat(inArgs.code()).isEqualTo(2);
        assertThat(inArgs.err()).contains("Unknown options: '--password'");
        assertThat(users(PASSWORD + "\n", "add", "bob", "--password-stdin", "--data", dir).code()).isEqualTo(2); // no --role

        Run noTerminal = users("", "add", "bob", "--role", "admin", "--data", dir);
        assertThat(noTerminal.code()).isEqualTo(3);
        assertThat(noTerminal.err()).contains("no terminal to read the password from: give it on standard input with --password-stdin");
        Run empty = users("", "add", "bob", "--role", "admin", "--password-stdin", "--data", dir);
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).contains("no password on standard input");
        Run shortPassword = users("too short\n", "add", "bob", "--role", "admin", "--password-stdin", "--data", dir);
        assertThat(shortPassword.code()).isEqualTo(1);
        assertThat(shortPassword.err()).contains("password must have at least 12 characters");

        assertThat(users(PASSWORD + "\r\nsecond line\n", "add", "bob", "--role", "admin", "--password-stdin", "--data", dir).code()).isZero();
        Run taken = users(PASSWORD + "\n", "add", "BOB", "--role", "read_only", "--password-stdin", "--data", dir);
        assertThat(taken.code()).isEqualTo(1);
        assertThat(taken.err()).contains("user 'bob' already exists");
        Run ghost = users("", "role", "ghost", "admin", "--data", dir);
        assertThat(ghost.code()).isEqualTo(1);
        assertThat(ghost.err()).isEqualTo("vigil users role: user `ghost` does not exist\n");

        // the first line of standard input is the password, without its line end
        Started started = start();
        try (VigilServer server = started.server()) {
            assertThat(login(server, "bob", PASSWORD)).isNotNull();
        }
    }

    // ---- helpers

    private record Run(int code, String out, String err) {}

    private record Started(VigilServer server, String stderr) {}

    private static Run users(String stdin, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "users";
        System.arraycopy(args, 0, all, 1, args.length);
        return vigil(stdin, all);
    }

    private static Run vigil(String stdin, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        InputStream in = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            int code = cl.execute(args);
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setIn(in);
        }
    }

    /** Starts a server on {@link #data}, with what it printed on stderr meanwhile. */
    private Started start() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            VigilServer server = VigilServer.start(ServerConfig.defaults(data).withPort(0).withBuiltinRules(false));
            return new Started(server, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(err);
        }
    }

    /** Logs in through the console's login form; the session cookie's value, or null when refused. */
    private static String login(VigilServer server, String user, String password) throws Exception {
        String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&next=%2Fsignals";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 303) {
            assertThat(r.statusCode()).isEqualTo(401);
            return null;
        }
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("vigil_session=").contains("HttpOnly");
        return cookie.substring("vigil_session=".length(), cookie.indexOf(';'));
    }

    private static HttpResponse<String> get(VigilServer server, String path, String cookie) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Cookie", "vigil_session=" + cookie).build(), HttpResponse.BodyHandlers.ofString());
    }
}
