package dev.vigil.server.console;

import dev.vigil.detect.suppression.Suppression;
import dev.vigil.server.store.NotFoundException;
import dev.vigil.server.store.SuppressionSpec;
import dev.vigil.server.users.Role;
import dev.vigil.server.users.Session;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;

/**
 * Suppressions: what is being suppressed, by whom, until when, and how many matches each has
 * swallowed (suppressed matches are counted, never lost). Created from a signal's panel;
 * disabled, enabled or deleted here.
 */
public final class SuppressionPages {

    private final Console.ConsoleBackend backend;

    SuppressionPages(Console.ConsoleBackend backend) {
        this.backend = backend;
    }

    void routes(HttpRouting.Builder r, ConsoleAuth auth) {
        r.get("/suppressions", auth.page(Role.READ_ONLY, (req, res, s) -> render(res, s, null)));
        r.post("/suppressions/{id}/enable", auth.action(Role.RESPONDER, (req, res, s) -> setEnabled(req, res, s, true)));
        r.post("/suppressions/{id}/disable", auth.action(Role.RESPONDER, (req, res, s) -> setEnabled(req, res, s, false)));
        r.post("/suppressions/{id}/delete", auth.action(Role.RESPONDER, (req, res, s) -> {
            String id = req.path().pathParameters().get("id");
            if (!backend.store().suppressions().delete(id)) throw new NotFoundException("suppression", id);
            backend.reload();
            render(res, s, "Suppression " + id + " deleted.");
        }));
    }

    private void setEnabled(ServerRequest req, ServerResponse res, Session s, boolean on) throws Exception {
        String id = req.path().pathParameters().get("id");
        Suppression x = backend.store().suppressions().get(id).orElseThrow(() -> new NotFoundException("suppression", id));
        backend.store().suppressions().update(id, new SuppressionSpec(x.name(), x.description(), x.ruleId(), x.query(), x.expiresAt(), on));
        backend.reload();
        render(res, s, "Suppression " + x.name() + (on ? " enabled." : " disabled."));
    }

    private void render(ServerResponse res, Session s, String flash) {
        View.render(res, "suppressions.jte", new SuppressionsView(Chrome.of("Suppressions", "suppressions", s),
                backend.store().suppressions().list(), System.currentTimeMillis(), flash));
    }

    /** The model of {@code suppressions.jte}. */
    public record SuppressionsView(Chrome chrome, List<Suppression> suppressions, long now, String flash) {}
}
