package dev.vigil.server.console;

import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.SignalStatus;
import dev.vigil.server.store.EntityKind;
import dev.vigil.server.store.SignalQuery;
import dev.vigil.server.store.SignalSort;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The signals explorer's filter, as it travels in the page URL: facet selections
 * ({@code status=open&severity=high&host=web-1}), a search box ({@code q}) that takes free text
 * and {@code field:value} terms for the same facets ({@code severity:high host:web-1 miner}), a
 * time range on last activity, the sort and the page cursor. Every link the page draws is
 * this filter with one thing changed, so the URL is always the whole state (shareable, back
 * button works).
 */
public record SignalFilter(Map<String, List<String>> facets, String q, String range, String sort, String order, String cursor) {

    /** Facets in the order the explorer shows them. */
    public static final List<String> FACETS = List.of("status", "severity", "rule", "tactic", "host", "image", "container", "service", "user", "ip", "binary");
    public static final List<String> RANGES = List.of("1h", "24h", "7d", "30d", "all");
    public static final List<String> SORTS = List.of("last_seen", "first_seen", "severity", "count");

    public SignalFilter {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        for (String f : FACETS) {
            List<String> v = facets.get(f);
            if (v != null && !v.isEmpty()) copy.put(f, List.copyOf(v));
        }
        facets = java.util.Collections.unmodifiableMap(copy);
        q = q == null ? "" : q.strip();
        range = range != null && RANGES.contains(range) ? range : "7d";
        sort = sort != null && SORTS.contains(sort) ? sort : "last_seen";
        order = "asc".equals(order) ? "asc" : "desc";
        cursor = cursor == null || cursor.isBlank() ? null : cursor;
    }

    static SignalFilter from(Function<String, List<String>> param) {
        Map<String, List<String>> facets = new LinkedHashMap<>();
        for (String f : FACETS) {
            List<String> vs = new ArrayList<>();
            for (String v : param.apply(f)) if (!v.isBlank()) vs.add(v.strip());
            facets.put(f, vs);
        }
        return new SignalFilter(facets, first(param, "q"), first(param, "range"), first(param, "sort"), first(param, "order"), first(param, "cursor"));
    }

    private static String first(Function<String, List<String>> param, String name) {
        List<String> v = param.apply(name);
        return v.isEmpty() ? null : v.getFirst();
    }

    public boolean selected(String facet, String value) {
        return facets.getOrDefault(facet, List.of()).contains(value);
    }

    public boolean hasSelections() { return !facets.isEmpty() || !q.isEmpty(); }

    /** The store query: facets and {@code field:value} terms of {@code q} as filters, the rest as text. */
    SignalQuery toQuery(long now, int limit) {
        SignalQuery.Builder b = SignalQuery.builder().limit(limit);
        Map<String, List<String>> all = new LinkedHashMap<>();
        facets.forEach((k, v) -> all.put(k, new ArrayList<>(v)));
        StringBuilder text = new StringBuilder();
        for (String term : q.split("\\s+")) {
            int colon = term.indexOf(':');
            String field = colon > 0 ? term.substring(0, colon).toLowerCase(Locale.ROOT) : "";
            if (colon > 0 && colon < term.length() - 1 && FACETS.contains(field)) {
                all.computeIfAbsent(field, x -> new ArrayList<>()).add(term.substring(colon + 1));
            } else if (!term.isEmpty()) {
                text.append(text.isEmpty() ? "" : " ").append(term);
            }
        }
        all.forEach((field, values) -> {
            for (String v : values) {
                switch (field) {
                    case "status" -> b.status(parsed(SignalStatus.parse(v), field, v));
                    case "severity" -> b.severity(parsed(Severity.parse(v), field, v));
                    case "rule" -> b.rule(v);
                    case "tactic" -> b.tactic(v);
                    default -> b.entity(EntityKind.parse(field), v);
                }
            }
        });
        if (!text.isEmpty()) b.text(text.toString());
        Long from = switch (range) {
            case "1h" -> now - 3_600_000L;
            case "24h" -> now - 86_400_000L;
            case "7d" -> now - 7 * 86_400_000L;
            case "30d" -> now - 30 * 86_400_000L;
            default -> null;
        };
        b.lastSeen(from, null);
        b.sort(SignalSort.valueOf(sort.toUpperCase(Locale.ROOT)), order.equals("asc"));
        if (cursor != null) b.cursor(cursor);
        return b.build();
    }

    private static <T> T parsed(T value, String field, String raw) {
        if (value == null) throw new Forms.BadRequest("unknown " + field + " '" + raw + "'");
        return value;
    }

    // ---- links: this filter with one change, as a URL of the explorer

    public String url() { return url(facets, q, range, sort, order, null); }

    public String withCursor(String next) { return url(facets, q, range, sort, order, next); }

    public String toggle(String facet, String value) {
        Map<String, List<String>> f = new LinkedHashMap<>(facets);
        List<String> vs = new ArrayList<>(f.getOrDefault(facet, List.of()));
        if (!vs.remove(value)) vs.add(value);
        f.put(facet, vs);
        return url(f, q, range, sort, order, null);
    }

    public String withRange(String r) { return url(facets, q, r, sort, order, null); }

    /** Sort by {@code s}; the same sort again flips the order. */
    public String sortedBy(String s) {
        String o = s.equals(sort) && order.equals("desc") ? "asc" : "desc";
        return url(facets, q, range, s, o, null);
    }

    public String cleared() { return url(Map.of(), "", range, sort, order, null); }

    private static String url(Map<String, List<String>> facets, String q, String range, String sort, String order, String cursor) {
        StringBuilder u = new StringBuilder("/signals?");
        facets.forEach((k, vs) -> vs.forEach(v -> param(u, k, v)));
        if (!q.isEmpty()) param(u, "q", q);
        param(u, "range", range);
        if (!sort.equals("last_seen")) param(u, "sort", sort);
        if (!order.equals("desc")) param(u, "order", order);
        if (cursor != null) param(u, "cursor", cursor);
        u.setLength(u.length() - 1);
        return u.toString();
    }

    private static void param(StringBuilder u, String k, String v) {
        u.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&');
    }
}
