package dev.vigil.server.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/**
 * Renders the precompiled JTE templates (HTML content type: every {@code ${...}} is escaped for
 * where it stands, element text or attribute) with the console's security headers.
 */
public final class View {

    static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(null, ContentType.Html,
            View.class.getClassLoader(), "dev.vigil.server.console.templates");

    /**
     * Scripts only from this origin's {@code /assets}: an injected {@code <script>} or inline
     * handler cannot run even if escaping were ever missed. Inline styles stay allowed because
     * ECharts and Cytoscape set them; CSS cannot run code.
     */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private View() {}

    static void render(ServerResponse res, int status, String template, Object model) {
        StringOutput out = new StringOutput(8192);
        TEMPLATES.render(template, model, out);
        headers(res);
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8");
        res.send(out.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void render(ServerResponse res, String template, Object model) {
        render(res, 200, template, model);
    }

    static void error(ServerResponse res, int status, String message) {
        render(res, status, "error.jte", new ErrorPage(status, message));
    }

    static void headers(ServerResponse res) {
        res.header(HeaderNames.create("Content-Security-Policy"), CSP);
        res.header(HeaderValues.X_CONTENT_TYPE_OPTIONS_NOSNIFF);
        res.header(HeaderNames.create("X-Frame-Options"), "DENY");
        res.header(HeaderNames.create("Referrer-Policy"), "same-origin");
        // pages show signals and events: never keep them in a shared or disk cache
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
    }

    /** The model of {@code error.jte}. */
    public record ErrorPage(int status, String message) {}
}
