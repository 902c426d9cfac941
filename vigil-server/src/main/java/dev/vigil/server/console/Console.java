package dev.vigil.server.console;

import dev.vigil.server.store.Store;
import dev.vigil.server.store.UserStore;
import dev.vigil.server.users.Role;
import dev.vigil.server.users.User;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.Optional;

/**
 * The console's routes. Pages live at the root ({@code /signals}, {@code /dashboard} ...), the
 * REST API under {@code /api/v1}, static files under {@code /assets}.
 */
public final class Console {

    private static final Logger LOG = LoggerFactory.getLogger(Console.class);

    private final ConsoleBackend backend;
    private final ConsoleAuth auth;
    private final LoginThrottle throttle = new LoginThrottle();
    private final Assets assets = new Assets();
    private final SignalPages signals;
    private final SuppressionPages suppressions;
    private final InstantSource clock;

    public Console(ConsoleBackend backend, boolean secureCookies) {
        this(backend, secureCookies, InstantSource.system());
    }

    /** {@code clock} times the login throttle (tests pass one they move by hand). */
    public Console(ConsoleBackend backend, boolean secureCookies, InstantSource clock) {
        this.backend = backend;
        this.clock = clock;
        this.auth = new ConsoleAuth(backend.store().users(), secureCookies);
        this.signals = new SignalPages(backend);
        this.suppressions = new SuppressionPages(backend);
    }

    public LoginThrottle throttle() { return throttle; }

    public void routes(HttpRouting.Builder r) {
        assets.routes(r);
        r.get("/", (req, res) -> ConsoleAuth.redirect(res, "/signals"));
        r.get("/login", this::loginPage);
        r.post("/login", this::login);
        r.post("/logout", auth.action(Role.READ_ONLY, (req, res, s) -> {
            req.headers().cookies().first(ConsoleAuth.COOKIE).ifPresent(backend.store().users()::endSession);
            auth.clearSessionCookie(res);
            ConsoleAuth.redirect(res, "/login");
        }));
        signals.routes(r, auth);
        suppressions.routes(r, auth);
        new RulePages(backend).routes(r, auth); // rules: detection rules, editor, rule test, agent policy
        new DashboardPages(backend).routes(r, auth); // dashboard
        new EventPages(backend).routes(r, auth); // events explorer and entity pages
    }

    private void loginPage(ServerRequest req, ServerResponse res) {
        if (auth.session(req).isPresent()) {
            ConsoleAuth.redirect(res, ConsoleAuth.safeNext(req.query().first("next").orElse(null)));
            return;
        }
        View.render(res, "login.jte", new LoginPage(ConsoleAuth.safeNext(req.query().first("next").orElse(null)), null, ""));
    }

    private void login(ServerRequest req, ServerResponse res) {
        // a login form posted from another site (login CSRF: the victim would work in the attacker's account)
        if (req.headers().first(HeaderNames.create("Sec-Fetch-Site")).map("cross-site"::equals).orElse(false)) {
            View.error(res, 403, "Log in from the console's own login page.");
            return;
        }
        Forms f = ConsoleAuth.form(req);
        String username = f.first("username");
        String next = ConsoleAuth.safeNext(f.first("next"));
        String address = ConsoleAuth.address(req);
        long wait = throttle.begin(username, address, clock.millis());
        if (wait > 0) {
            res.header(HeaderNames.RETRY_AFTER, String.valueOf((wait + 999) / 1000));
            View.render(res, 429, "login.jte", new LoginPage(next,
                    "Too many failed attempts. Try again in " + ((wait + 999) / 1000) + " s.", username));
            return;
        }
        Optional<User> user = backend.store().users().authenticate(username, f.first("password"));
        if (user.isEmpty()) {
            throttle.failed();
            LOG.info("console login failed for '{}' from {}", loggable(username), address);
            View.render(res, 401, "login.jte", new LoginPage(next, "Wrong user name or password.", username));
            return;
        }
        throttle.succeeded(username, address);
        UserStore.NewSession s = backend.store().users().startSession(user.get());
        auth.setSessionCookie(res, s.token());
        LOG.info("console login: {} ({}) from {}", user.get().username(), user.get().role().id(), address);
        ConsoleAuth.redirect(res, next);
    }

    /** A typed user name for the log: at most 64 characters, control characters (forged log lines) escaped. */
    static String loggable(String username) {
        String u = username.length() > 64 ? username.substring(0, 64) + "…" : username;
        StringBuilder b = new StringBuilder(u.length());
        for (char c : u.toCharArray()) {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    /** The model of {@code login.jte}. */
    public record LoginPage(String next, String error, String username) {}

    /** What the console needs from the running server. */
    public interface ConsoleBackend {
        Store store();

        /** Re-reads rules and suppressions into detection, after the console changed them. */
        void reload() throws java.io.IOException;

        /** The running server: rules in force, detection's counters, rule tests, agents. */
        dev.vigil.server.VigilServer server();
    }
}
