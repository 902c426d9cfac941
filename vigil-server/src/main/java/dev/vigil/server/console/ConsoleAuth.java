package dev.vigil.server.console;

import dev.vigil.server.store.NotFoundException;
import dev.vigil.server.store.UserStore;
import dev.vigil.server.users.Role;
import dev.vigil.server.users.Session;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.SetCookie;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;

/**
 * Sessions for the console: the cookie ({@code HttpOnly}, {@code SameSite=Strict}, {@code Secure}
 * when the console is served over HTTPS), the CSRF check on every request that changes state, and
 * roles. SameSite=Strict already keeps other sites' forms from carrying the cookie; the token is
 * the second lock for browsers or proxies that do not honour it.
 */
final class ConsoleAuth {

    static final String COOKIE = "vigil_session";
    static final String CSRF_FIELD = "_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";

    /** What a page handler gets: the request, the response and who is asking. */
    @FunctionalInterface
    interface PageHandler {
        void handle(ServerRequest req, ServerResponse res, Session session) throws Exception;
    }

    private final UserStore users;
    private final boolean secureCookies;

    ConsoleAuth(UserStore users, boolean secureCookies) {
        this.users = users;
        this.secureCookies = secureCookies;
    }

    Optional<Session> session(ServerRequest req) {
        return req.headers().cookies().first(COOKIE).flatMap(users::session);
    }

    /** A page to look at: without a session, a redirect to the login page that comes back here. */
    Handler page(Role needed, PageHandler h) {
        return (req, res) -> {
            Optional<Session> s = session(req);
            if (s.isEmpty()) {
                if (isHtmx(req)) { // a fragment request: make htmx load the login page as a whole
                    res.header(HeaderNames.create("HX-Redirect"), "/login");
                    res.status(401).send();
                    return;
                }
                if (req.prologue().method() != Method.GET && req.prologue().method() != Method.HEAD) {
                    // a form sent after the session ended: coming back to its address would be a GET it does not answer
                    redirect(res, "/login");
                    return;
                }
                String next = req.path().rawPath() + (req.query().rawValue().isEmpty() ? "" : "?" + req.query().rawValue());
                redirect(res, "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
                return;
            }
            if (!s.get().user().role().allows(needed)) {
                View.error(res, 403, "Your role (" + s.get().user().role().id() + ") cannot do this; it needs " + needed.id() + ".");
                return;
            }
            try {
                h.handle(req, res, s.get());
            } catch (NotFoundException e) {
                View.error(res, 404, e.getMessage());
            } catch (Forms.BadRequest | IllegalArgumentException e) {
                View.error(res, 400, e.getMessage());
            }
        };
    }

    /** A state change (POST): also needs the session's CSRF token, from the form or the header. */
    Handler action(Role needed, PageHandler h) {
        return page(needed, (req, res, session) -> {
            // the header (htmx), else the form field (a plain form; the handler finds the form already read)
            String token = req.headers().first(HeaderNames.create(CSRF_HEADER)).orElseGet(() -> form(req).first(CSRF_FIELD));
            if (!MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
                View.error(res, 403, "The form's security token is missing or stale: reload the page and try again.");
                return;
            }
            h.handle(req, res, session);
        });
    }

    /** The request's form body, read once (an action's CSRF check may have read it already). */
    static Forms form(ServerRequest req) {
        // registered without a classifier, so looked up without one (get(Forms.class, Forms.class) never found it)
        Optional<Forms> f = req.context().get(Forms.class);
        if (f.isPresent()) return f.get();
        long len = req.headers().contentLength().orElse(0);
        if (len > Forms.MAX_BYTES) throw new Forms.BadRequest("form too large");
        Forms parsed = Forms.parse(req.content().hasEntity() ? req.content().as(String.class) : "");
        req.context().register(parsed);
        return parsed;
    }

    void setSessionCookie(ServerResponse res, String token) {
        res.headers().addCookie(SetCookie.builder(COOKIE, token).path("/").httpOnly(true).secure(secureCookies)
                .sameSite(SetCookie.SameSite.STRICT).maxAge(Duration.ofMillis(UserStore.MAX_SESSION_MS)).build());
    }

    void clearSessionCookie(ServerResponse res) {
        // an Expires in the past deletes the cookie (Helidon writes no Max-Age=0: it drops a zero max-age)
        res.headers().addCookie(SetCookie.builder(COOKIE, "").path("/").httpOnly(true).secure(secureCookies)
                .sameSite(SetCookie.SameSite.STRICT).expires(java.time.Instant.EPOCH).build());
    }

    static boolean isHtmx(ServerRequest req) {
        return req.headers().contains(HeaderNames.create("HX-Request"));
    }

    static String address(ServerRequest req) {
        return req.remotePeer().address() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "unknown";
    }

    static void redirect(ServerResponse res, String location) {
        res.status(303);
        res.header(HeaderNames.LOCATION, location);
        res.send();
    }

    /** {@code next} if it is a path of this site, else the signals page: no open redirect. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/signals";
        for (char c : next.toCharArray()) if (c < 0x20 || c == 0x7f) return "/signals";
        return next;
    }
}
