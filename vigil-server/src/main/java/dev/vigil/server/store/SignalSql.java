package dev.vigil.server.store;

import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalStatus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of signal searches: filters, order and keyset cursors, built from a {@link SignalQuery}.
 * Values always travel as named parameters; only column names and operators are spliced in.
 */
final class SignalSql {

    /** LIKE's escape character; not a backslash, which JDBI's and the dialects' lexers read differently. */
    private static final char LIKE_ESCAPE = '!';
    private static final String CURSOR_VERSION = "v1";

    /** Conditions joined with AND, and the parameters they name. */
    static final class Filter {
        final List<String> conditions = new ArrayList<>();
        final Map<String, Object> params = new LinkedHashMap<>();
        private int next;

        String param(Object value) {
            String name = "p" + next++;
            params.put(name, value);
            return ":" + name;
        }

        String in(Collection<?> values) {
            List<String> names = new ArrayList<>(values.size());
            for (Object v : values) names.add(param(v));
            return "(" + String.join(", ", names) + ")";
        }

        Filter and(String condition) {
            conditions.add(condition);
            return this;
        }

        String where() {
            return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        }
    }

    private SignalSql() {}

    /**
     * The filters of {@code q} on the signals table aliased {@code s}, leaving out the filter on
     * {@code omitFacet} (a facet name; null for none) so a facet counts the values it could add.
     */
    static Filter filter(SignalQuery q, String omitFacet) {
        Filter f = new Filter();
        if (!q.statuses().isEmpty() && !"status".equals(omitFacet)) {
            f.and("s.status IN " + f.in(q.statuses().stream().map(SignalStatus::id).toList()));
        }
        if (!q.severities().isEmpty() && !"severity".equals(omitFacet)) {
            f.and("s.severity IN " + f.in(q.severities().stream().map(SignalRows::rank).toList()));
        }
        if (!q.ruleIds().isEmpty() && !"rule".equals(omitFacet)) {
            f.and("s.rule_id IN " + f.in(q.ruleIds()));
        }
        if (q.tactic() != null && !"tactic".equals(omitFacet)) {
            f.and("s.tactic = " + f.param(q.tactic()));
        }
        if (q.text() != null) {
            // SQLite answers it from the (last_seen, id, search_text) index, PostgreSQL from pg_trgm's (V5 migrations)
            f.and("s.search_text LIKE " + f.param("%" + escapeLike(SignalRows.fold(q.text())) + "%") + " ESCAPE '" + LIKE_ESCAPE + "'");
        }
        for (SignalQuery.Entity e : q.entities()) {
            if (e.kind().id().equals(omitFacet)) continue;
            f.and("s.id IN (SELECT e.signal_id FROM signal_entities e WHERE e.kind = " + f.param(e.kind().id())
                    + " AND e.value = " + f.param(e.value()) + ")");
        }
        if (q.lastSeenFrom() != null) f.and("s.last_seen >= " + f.param(q.lastSeenFrom()));
        if (q.lastSeenTo() != null) f.and("s.last_seen < " + f.param(q.lastSeenTo()));
        return f;
    }

    /**
     * The entity facet {@code kind} of a query filtered on last activity only, on
     * {@code signal_entities} aliased {@code e} (whose rows carry their signal's last_seen).
     */
    static Filter entityTimeFilter(SignalQuery q, String kind) {
        Filter f = new Filter();
        f.and("e.kind = " + f.param(kind));
        if (q.lastSeenFrom() != null) f.and("e.last_seen >= " + f.param(q.lastSeenFrom()));
        if (q.lastSeenTo() != null) f.and("e.last_seen < " + f.param(q.lastSeenTo()));
        return f;
    }

    static String escapeLike(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' || c == '_' || c == LIKE_ESCAPE) b.append(LIKE_ESCAPE);
            b.append(c);
        }
        return b.toString();
    }

    /** {@code ORDER BY} for the query's sort, the id last. */
    static String orderBy(SignalQuery q) {
        String dir = q.ascending() ? " ASC" : " DESC";
        StringBuilder b = new StringBuilder(" ORDER BY ");
        for (String c : q.sort().columns) b.append("s.").append(c).append(dir).append(", ");
        return b.append("s.id").append(dir).toString();
    }

    /** Adds the keyset condition of the query's cursor: rows strictly after the cursor's row in sort order. */
    static void afterCursor(Filter f, SignalQuery q) {
        if (q.cursor() == null) return;
        List<String> columns = q.sort().columns;
        String[] parts = decode(q.cursor()).split("\\|", columns.size() + 3);
        String sortName = q.sort().name() + (q.ascending() ? ":asc" : ":desc");
        if (parts.length != columns.size() + 3 || !parts[0].equals(CURSOR_VERSION)) {
            throw new IllegalArgumentException("cursor `" + q.cursor() + "` is not a signal search cursor");
        }
        if (!parts[1].equals(sortName)) {
            throw new IllegalArgumentException("cursor was made for sort " + parts[1].toLowerCase(java.util.Locale.ROOT) + " but the query sorts by "
                    + sortName.toLowerCase(java.util.Locale.ROOT) + "; start again without a cursor");
        }
        StringBuilder lhs = new StringBuilder("(");
        StringBuilder rhs = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++) {
            long v;
            try {
                v = Long.parseLong(parts[2 + i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cursor `" + q.cursor() + "` is damaged", e);
            }
            lhs.append("s.").append(columns.get(i)).append(", ");
            rhs.append(f.param(v)).append(", ");
        }
        lhs.append("s.id)");
        rhs.append(f.param(parts[parts.length - 1])).append(")");
        f.and(lhs + (q.ascending() ? " > " : " < ") + rhs);
    }

    static String cursorAfter(SignalQuery q, Signal last) {
        StringBuilder b = new StringBuilder(CURSOR_VERSION).append('|')
                .append(q.sort().name()).append(q.ascending() ? ":asc" : ":desc").append('|');
        for (long v : sortValues(q.sort(), last)) b.append(v).append('|');
        b.append(last.id());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static long[] sortValues(SignalSort sort, Signal s) {
        return switch (sort) {
            case LAST_SEEN -> new long[] {s.lastSeen()};
            case FIRST_SEEN -> new long[] {s.firstSeen()};
            case SEVERITY -> new long[] {SignalRows.rank(s.severity()), s.lastSeen()};
            case COUNT -> new long[] {s.count()};
        };
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor `" + cursor + "` is not a signal search cursor", e);
        }
    }

    /** The facet's value as the API names it: severities by id, everything else as stored. */
    static String facetValue(String facet, String stored) {
        if (!facet.equals("severity")) return stored;
        Severity s = SignalRows.severity(Integer.parseInt(stored));
        return s.id();
    }
}
