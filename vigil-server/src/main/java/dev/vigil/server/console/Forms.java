package dev.vigil.server.console;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An {@code application/x-www-form-urlencoded} body: each name to its values, in order. */
record Forms(Map<String, List<String>> values) {

    /** Bodies above this are refused before parsing: no console form comes near it. */
    static final int MAX_BYTES = 1 << 20;

    static Forms parse(String body) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (body != null && !body.isEmpty()) {
            for (String pair : body.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        return new Forms(m);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("malformed form field");
        }
    }

    String first(String name) {
        List<String> v = values.get(name);
        return v == null || v.isEmpty() ? "" : v.getFirst();
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** A request the console refuses with 400 and this message (shown escaped). */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
