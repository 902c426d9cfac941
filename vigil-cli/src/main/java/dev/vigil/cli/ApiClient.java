package dev.vigil.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A thin client of the server's REST API ({@code openapi.yaml} in vigil-server): JSON in and out,
 * the API key on every request. A non-2xx answer becomes a {@link ServerError} carrying the
 * status and the server's {@code error} message; a server that cannot be reached becomes an
 * {@link UsageProblem}. The API key is never part of a message, a {@code toString} or an exception.
 */
final class ApiClient implements AutoCloseable {

    /** Where the CLI looks for the server when neither {@code --server} nor {@code VIGIL_SERVER} says. */
    static final String DEFAULT_SERVER = "http://127.0.0.1:8650";
    /** The environment variable holding the API key itself (not a file name). */
    static final String KEY_ENV = "VIGIL_API_KEY";
    /** Key files tried in order when neither {@code --api-key-file} nor {@link #KEY_ENV} is given; relative ones are under the home directory. */
    static final List<String> DEFAULT_KEY_FILES = List.of(".local/share/vigil/initial-api-key", "/var/lib/vigil/server/initial-api-key");
    /** How long to wait for a TCP connection. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long to wait for an answer. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    static final ObjectMapper JSON = new ObjectMapper();

    /** The server answered with an error status. */
    static final class ServerError extends Exception {
        final int status;
        final JsonNode body;

        ServerError(int status, String message, JsonNode body) {
            super(message);
            this.status = status;
            this.body = body;
        }
    }

    /** Something on this side is wrong (no key, server unreachable): not the server's answer. */
    static final class UsageProblem extends Exception {
        UsageProblem(String message) {
            super(message);
        }
    }

    private final URI base;
    private final String key;
    private final HttpClient http;

    private ApiClient(URI base, String key) {
        this.base = base;
        this.key = key;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    /**
     * A client of the server at {@code server} (with or without {@code http://}) using the key
     * {@link #resolveKey} finds.
     */
    static ApiClient connect(String server, Path keyFile, Map<String, String> env, Path home) throws UsageProblem {
        return new ApiClient(baseUri(server), resolveKey(keyFile, env, home));
    }

    static URI baseUri(String server) throws UsageProblem {
        String s = server.strip();
        if (!s.contains("://")) s = "http://" + s;
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        try {
            URI u = URI.create(s);
            if (u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) throw new IllegalArgumentException();
            return u;
        } catch (IllegalArgumentException x) {
            throw new UsageProblem("--server '" + server + "' is not a server URL (like " + DEFAULT_SERVER + ")");
        }
    }

    /**
     * The API key: from {@code keyFile} when given; else {@value #KEY_ENV}; else the first of
     * {@link #DEFAULT_KEY_FILES} that exists. The message of a failure names the places tried,
     * never the key.
     */
    static String resolveKey(Path keyFile, Map<String, String> env, Path home) throws UsageProblem {
        if (keyFile != null) return readKey(keyFile);
        String fromEnv = env.get(KEY_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) return checked(fromEnv.strip(), "$" + KEY_ENV);
        List<Path> tried = new ArrayList<>();
        for (String f : DEFAULT_KEY_FILES) {
            Path p = home.resolve(f); // an absolute f stays as it is
            tried.add(p);
            if (Files.exists(p)) return readKey(p);
        }
        StringJoiner places = new StringJoiner(", ");
        tried.forEach(p -> places.add(p.toString()));
        throw new UsageProblem("no API key: give --api-key-file FILE or set " + KEY_ENV + " (tried " + places + ")");
    }

    private static String readKey(Path file) throws UsageProblem {
        try {
            String k = Files.readString(file).strip();
            if (k.isEmpty()) throw new UsageProblem("the API key file " + file + " is empty");
            return checked(k, file.toString());
        } catch (NoSuchFileException x) {
            throw new UsageProblem("the API key file " + file + " does not exist");
        } catch (AccessDeniedException x) {
            throw new UsageProblem("cannot read the API key file " + file + ": permission denied (it is readable by its owner only; "
                    + "run as that user, or give --api-key-file with a key of your own)");
        } catch (IOException x) {
            throw new UsageProblem("cannot read the API key file " + file + ": " + x.getMessage());
        }
    }

    /** Refuses keys that cannot go in a header, without quoting them (HttpClient's own error would). */
    private static String checked(String key, String where) throws UsageProblem {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= ' ' || c > '~') throw new UsageProblem("the API key in " + where + " holds characters an API key cannot have");
        }
        return key;
    }

    URI base() { return base; }

    @Override
    public void close() {
        http.close();
    }

    JsonNode get(String path) throws ServerError, UsageProblem {
        return send(request(path).GET());
    }

    JsonNode post(String path, JsonNode body) throws ServerError, UsageProblem {
        return send(request(path).header("Content-Type", "application/json").POST(json(body)));
    }

    JsonNode postText(String path, String body, String contentType) throws ServerError, UsageProblem {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    JsonNode putText(String path, String body, String contentType) throws ServerError, UsageProblem {
        return send(request(path).header("Content-Type", contentType).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    void delete(String path) throws ServerError, UsageProblem {
        send(request(path).DELETE());
    }

    /** {@code s} as one path segment (ids come from users). */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A query string ({@code ?a=1&b=2}) of the non-null values, or empty. */
    static String query(Map<String, String> params) {
        StringJoiner q = new StringJoiner("&", "?", "");
        q.setEmptyValue("");
        params.forEach((k, v) -> {
            if (v != null) q.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return q.toString();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + key)
                .header("Accept", "application/json");
    }

    private static HttpRequest.BodyPublisher json(JsonNode body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException x) {
            throw new IllegalStateException("a JSON tree failed to serialise", x);
        }
    }

    private JsonNode send(HttpRequest.Builder b) throws ServerError, UsageProblem {
        HttpRequest req = b.build();
        HttpResponse<String> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException x) {
            throw new UsageProblem("cannot reach the server at " + base + ": no connection within " + CONNECT_TIMEOUT.toSeconds() + "s");
        } catch (HttpTimeoutException x) {
            throw new UsageProblem("the server at " + base + " did not answer " + req.method() + " " + req.uri().getPath()
                    + " within " + REQUEST_TIMEOUT.toSeconds() + "s");
        } catch (ConnectException x) {
            throw new UsageProblem("cannot reach the server at " + base + ": connection refused (is 'vigil server' running? "
                    + "--server URL or VIGIL_SERVER points elsewhere)");
        } catch (IOException x) {
            throw new UsageProblem("cannot talk to the server at " + base + ": " + x);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new UsageProblem("interrupted");
        }
        JsonNode body = parse(res.body());
        if (res.statusCode() / 100 == 2) return body;
        String message = body != null && body.hasNonNull("error") ? body.get("error").asText() : abbreviate(res.body());
        if (res.statusCode() == 401) message += "; check --api-key-file or $" + KEY_ENV;
        throw new ServerError(res.statusCode(), "the server answered " + res.statusCode() + ": " + message, body);
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) return null;
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException x) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        if (s == null || s.isBlank()) return "(no message)";
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }
}
