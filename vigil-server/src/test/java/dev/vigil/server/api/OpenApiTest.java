package dev.vigil.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code openapi.yaml} against the routes {@link Api} registers ({@link Api.Route}), both ways, so
 * the document cannot silently drift: a route added without its documentation, or documentation
 * left behind by a removed route, fails here. Also checks what a reader of the document relies on:
 * every {@code $ref} resolves, every path parameter is declared, and the routes documented as
 * needing no key are exactly those a running server serves without one.
 */
class OpenApiTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

    private static JsonNode doc;

    @TempDir
    static Path data;
    private static VigilServer server;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = Api.class.getResourceAsStream("/dev/vigil/server/openapi.yaml")) {
            assertThat(in).as("openapi.yaml on the class path").isNotNull();
            doc = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        server = VigilServer.start(ServerConfig.defaults(data).withPort(0).withBuiltinRules(false));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    void isOpenApi31() {
        assertThat(doc.path("openapi").asText()).startsWith("3.1.");
        assertThat(doc.path("components").path("securitySchemes").path("apiKey").path("scheme").asText()).isEqualTo("bearer");
    }

    @Test
    void everyRouteIsDocumentedWithItsMethod() {
        List<String> missing = new ArrayList<>();
        for (Api.Route r : Api.Route.values()) {
            if (operation(r).isMissingNode()) missing.add(r + " " + r.method() + " " + r.path());
        }
        assertThat(missing).as("routes registered by Api but missing from openapi.yaml").isEmpty();
    }

    @Test
    void everyDocumentedOperationIsARoute() {
        Set<String> routes = new HashSet<>();
        for (Api.Route r : Api.Route.values()) routes.add(r.method() + " " + r.path());
        List<String> phantom = new ArrayList<>();
        doc.path("paths").properties().forEach(p -> p.getValue().properties().forEach(m -> {
            if (!METHODS.contains(m.getKey())) return;
            String op = m.getKey().toUpperCase(Locale.ROOT) + " " + p.getKey();
            if (!routes.contains(op)) phantom.add(op);
        }));
        assertThat(phantom).as("operations in openapi.yaml that Api does not register").isEmpty();
    }

    @Test
    void everyPathParameterIsDeclared() {
        List<String> undeclared = new ArrayList<>();
        for (Api.Route r : Api.Route.values()) {
            if (operation(r).isMissingNode()) continue; // reported by everyRouteIsDocumentedWithItsMethod
            Set<String> declared = new TreeSet<>();
            for (JsonNode params : List.of(doc.path("paths").path(r.path()).path("parameters"), operation(r).path("parameters"))) {
                for (JsonNode p : params) {
                    JsonNode resolved = resolve(p);
                    if ("path".equals(resolved.path("in").asText())) declared.add(resolved.path("name").asText());
                }
            }
            Matcher m = PATH_PARAM.matcher(r.path());
            while (m.find()) if (!declared.contains(m.group(1))) undeclared.add(r.path() + " {" + m.group(1) + "}");
        }
        assertThat(undeclared).isEmpty();
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        assertThat(refs.stream().filter(ref -> resolvePointer(ref).isMissingNode()).toList())
                .as("$refs that point nowhere").isEmpty();
    }

    @Test
    void routesDocumentedWithoutSecurityAreExactlyThoseServedWithoutAKey() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<String> mismatched = new ArrayList<>();
        for (Api.Route r : Api.Route.values()) {
            if (operation(r).isMissingNode()) continue; // reported by everyRouteIsDocumentedWithItsMethod
            boolean documentedOpen = operation(r).has("security") && operation(r).get("security").isEmpty();
            String path = PATH_PARAM.matcher(r.path()).replaceAll("x");
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                    .method(r.method(), r.method().equals("GET") || r.method().equals("DELETE")
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"))
                    .build();
            int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            boolean servedOpen = status != 401;
            if (documentedOpen != servedOpen) mismatched.add(r + " documented open=" + documentedOpen + " but answered " + status);
        }
        assertThat(mismatched).isEmpty();
    }

    @Test
    void theServerServesThisDocument() throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + Api.Route.OPENAPI.path())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/yaml");
        assertThat(new ObjectMapper(new YAMLFactory()).readTree(res.body())).isEqualTo(doc);
    }

    @Test
    void routeTemplatesAreUniquePerMethod() {
        Set<String> seen = new HashSet<>();
        assertThat(Arrays.stream(Api.Route.values()).map(r -> r.method() + " " + r.path()).filter(s -> !seen.add(s)).toList()).isEmpty();
    }

    /** The route's operation in the document; a missing node when it is not documented. */
    private static JsonNode operation(Api.Route r) {
        return doc.path("paths").path(r.path()).path(r.method().toLowerCase(Locale.ROOT));
    }

    private static JsonNode resolve(JsonNode n) {
        return n.has("$ref") ? resolvePointer(n.get("$ref").asText()) : n;
    }

    private static JsonNode resolvePointer(String ref) {
        if (!ref.startsWith("#/")) return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        return doc.at(ref.substring(1));
    }

    private static void collectRefs(JsonNode n, List<String> out) {
        if (n.isObject()) {
            n.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) out.add(e.getValue().asText());
                else collectRefs(e.getValue(), out);
            });
        } else if (n.isArray()) {
            n.forEach(c -> collectRefs(c, out));
        }
    }
}
