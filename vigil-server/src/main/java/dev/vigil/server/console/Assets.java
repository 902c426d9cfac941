package dev.vigil.server.console;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The console's static files, a fixed list: the vendored libraries from their WebJars (versions
 * pinned in the parent POM) and the console's own CSS and JS. Read once into memory; nothing
 * outside the list can be asked for, so there is no path to traverse.
 */
final class Assets {

    private static final String WEBJARS = "META-INF/resources/webjars/";
    private static final String OWN = "dev/vigil/server/console/assets/";

    record Asset(byte[] bytes, String contentType, String etag) {}

    private final Map<String, Asset> files = new LinkedHashMap<>();

    Assets() {
        add("htmx.min.js", WEBJARS + "htmx.org/" + Versions.HTMX + "/dist/htmx.min.js");
        add("echarts.min.js", WEBJARS + "echarts/" + Versions.ECHARTS + "/echarts.min.js");
        add("cytoscape.min.js", WEBJARS + "cytoscape/" + Versions.CYTOSCAPE + "/dist/cytoscape.min.js");
        add("vigil.css", OWN + "vigil.css");
        add("vigil.js", OWN + "vigil.js");
    }

    private void add(String name, String resource) {
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("console asset missing from the classpath: " + resource);
            byte[] b = in.readAllBytes();
            String type = name.endsWith(".css") ? "text/css; charset=UTF-8" : "text/javascript; charset=UTF-8";
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b), 0, 12) + "\"";
            files.put(name, new Asset(b, type, etag));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void routes(HttpRouting.Builder r) {
        r.get("/assets/{name}", this::serve);
    }

    private void serve(ServerRequest req, ServerResponse res) {
        Asset a = files.get(req.path().pathParameters().get("name"));
        if (a == null) {
            res.status(404).send("not found");
            return;
        }
        res.header(HeaderValues.X_CONTENT_TYPE_OPTIONS_NOSNIFF);
        res.header(HeaderNames.ETAG, a.etag());
        // revalidated each time (a 304 is cheap), so a new server version never serves stale scripts
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(a.etag()::equals).orElse(false)) {
            res.status(304).send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, a.contentType());
        res.send(a.bytes());
    }
}
