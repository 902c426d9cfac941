package dev.vigil.server.console;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser as far as the console's access control sees one: it keeps the session cookie it is
 * given, follows no redirects (tests look at them), and posts forms.
 */
final class AccessBrowser {

    private static final Pattern CSRF_META = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]*)\">");

    /** One answer: status, headers and the body as text. */
    record Page(int status, Map<String, List<String>> headers, String body) {

        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        List<String> all(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).toList();
        }

        /** The {@code Set-Cookie} of the session cookie, if this answer set it. */
        Optional<String> sessionCookie() {
            return all("Set-Cookie").stream().filter(c -> c.startsWith(ConsoleAuth.COOKIE + "=")).findFirst();
        }

        /** The CSRF token the page carries for its forms and htmx requests. */
        String csrf() {
            Matcher m = CSRF_META.matcher(body);
            if (!m.find()) throw new AssertionError("no csrf-token meta in the page: " + body);
            return m.group(1);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String base;
    /** The session cookie's value, or null. */
    String cookie;

    AccessBrowser(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Page get(String path, String... headers) throws IOException, InterruptedException {
        return send(request(path, headers).GET());
    }

    Page post(String path, Map<String, String> form, String... headers) throws IOException, InterruptedException {
        return send(request(path, headers).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))));
    }

    /** Posts the login form. */
    Page login(String username, String password) throws IOException, InterruptedException {
        return login(username, password, "/signals");
    }

    Page login(String username, String password, String next, String... headers) throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("next", next);
        form.put("username", username);
        form.put("password", password);
        return post("/login", form, headers);
    }

    static Map<String, String> form(String... nameValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) m.put(nameValues[i], nameValues[i + 1]);
        return m;
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (cookie != null) b.header("Cookie", ConsoleAuth.COOKIE + "=" + cookie);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b;
    }

    private Page send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Page p = new Page(r.statusCode(), r.headers().map(), r.body());
        p.sessionCookie().ifPresent(c -> {
            String value = c.substring(ConsoleAuth.COOKIE.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'));
            cookie = value.isEmpty() ? null : value;
        });
        return p;
    }

    private static String encode(Map<String, String> form) {
        List<String> pairs = new ArrayList<>();
        form.forEach((k, v) -> pairs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return pairs.stream().collect(Collectors.joining("&"));
    }
}
