package dev.vigil.detect.query;

import dev.vigil.detect.event.AttributePath;
import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A compiled log search query in Datadog's syntax, as detection rules, suppressions and the API
 * use it to select {@link LogEvent}s:
 * <pre>
 *   source:sshd @evt.outcome:failure -@usr.name:(root OR admin)
 *   @process.ancestors.file.path:/usr/bin/* env:prod
 *   @network.bytes_read:>1000 CIDR(@network.client.ip, 10.0.0.0/8)
 * </pre>
 * The syntax is described in {@code docs/search-syntax.md} and in {@link Parser}.
 *
 * <h2>Stages</h2>
 * {@link #parse} does all the work once: fields are bound (reserved attribute, attribute path, tag
 * key), values parsed (numbers, CIDR masks, wildcard shapes, lower-cased full-text terms),
 * conditions of one {@code OR} on the same field merged into one, and operands of {@code AND}
 * and {@code OR} ordered cheapest first. {@link #matches} then only walks the compiled tree.
 *
 * <h2>Concurrency and cost</h2>
 * A query is immutable and may be shared by any number of threads. Evaluation allocates nothing,
 * except in rare cases: a wildcard value tested against a JSON number or boolean (matched by its
 * text), and a numeric comparison against a string holding a decimal fraction.
 */
public final class Query {

    private static final Query ALL = new Query("", Node.ALL);

    private final String text;
    private final Node root;
    private final String canonical;

    private Query(String text, Node root) {
        this.text = text;
        this.root = root;
        StringBuilder out = new StringBuilder();
        root.render(out);
        this.canonical = out.toString();
    }

    /**
     * Compiles a query. A blank query, or {@code *}, matches every event.
     *
     * @throws QueryException naming the column, what was expected and what was found
     */
    public static Query parse(String text) {
        Objects.requireNonNull(text, "text");
        return new Query(text, Parser.parse(text));
    }

    /** The query that matches every event. */
    public static Query all() { return ALL; }

    /** {@code value} as a literal in the syntax: quoted, with {@code \} and {@code "} escaped. */
    public static String literal(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Whether {@code event} matches. */
    public boolean matches(LogEvent event) {
        return root.matches(event, null);
    }

    /**
     * This query reading the event through {@code cache}: attribute paths get the cache's slots,
     * and leaves are shared with every other query bound to it (equal canonical text, one
     * evaluation per event). For an engine's rules, bound once at rule load.
     */
    public Bound bind(EventCache cache) {
        return new Bound(this, root.bind(cache));
    }

    /** A query bound to one {@link EventCache}: evaluates as the query does, on the cache's current event. */
    public static final class Bound {
        private final Query query;
        private final Node root;

        private Bound(Query query, Node root) {
            this.query = query;
            this.root = root;
        }

        /** Whether the cache's current event ({@link EventCache#event}) matches; use only with the cache bound to. */
        public boolean matches(EventCache cache) {
            return root.matches(cache.event(), cache);
        }

        public Query query() { return query; }

        @Override public String toString() { return query.toString(); }
    }

    /**
     * For indexes: the values {@code field} must equal in every event this query matches. Present
     * only when the query requires one of a fixed set of exact values on that field:
     * {@code source:sshd @evt.outcome:failure} gives {@code source} ∈ {sshd};
     * {@code source:(sshd OR sudo) x} gives {sshd, sudo}; an empty set means nothing can match.
     * Empty when the field is unconstrained, negated, matched by a pattern, range or CIDR, or
     * when an {@code OR} has an operand that does not constrain it.
     *
     * <p>For an attribute, the values are the query's text: a JSON number or boolean matches when
     * its value is equal ({@code 22} matches {@code 22}), and with arrays any element counts.
     *
     * @param field {@code source}, {@code host}, {@code service}, {@code status}, or {@code @} + an attribute path
     * @throws IllegalArgumentException for any other field
     */
    public Optional<Set<String>> requiredValues(String field) {
        Target target = switch (field) {
            case "source", "host", "service", "status" -> Target.Reserved.byName(field);
            default -> {
                if (field.length() > 1 && field.startsWith("@")) {
                    yield new Target.Attribute(AttributePath.of(field.substring(1)));
                }
                throw new IllegalArgumentException("field '" + field
                        + "' has no required values (allowed: source, host, service, status, @attribute)");
            }
        };
        Set<String> values = required(root, target);
        return values == null ? Optional.empty() : Optional.of(Collections.unmodifiableSet(values));
    }

    /** The values {@code n} requires on {@code target}, or null when it does not constrain it. */
    private static Set<String> required(Node n, Target target) {
        return switch (n) {
            case Node.Field f when f.target().equals(target) -> exactValues(f.matcher());
            case Node.And a -> {
                Set<String> result = null;
                for (Node o : a.operands) {
                    Set<String> r = required(o, target);
                    if (r == null) continue;
                    if (result == null) result = r;
                    else result.retainAll(r);
                }
                yield result;
            }
            case Node.Or o -> {
                Set<String> result = new LinkedHashSet<>();
                for (Node operand : o.operands) {
                    Set<String> r = required(operand, target);
                    if (r == null) yield null;
                    result.addAll(r);
                }
                yield result;
            }
            default -> null;
        };
    }

    private static Set<String> exactValues(Matcher m) {
        Set<String> values = new LinkedHashSet<>();
        if (m instanceof Matcher.Exact e) {
            values.add(e.text());
            return values;
        }
        if (!(m instanceof Matcher.AnyOf any)) return null;
        for (Matcher member : any.members()) {
            if (!(member instanceof Matcher.Exact e)) return null;
            values.add(e.text());
        }
        return values;
    }

    /** The query as it was given. */
    public String text() { return text; }

    /**
     * A read-only view of the compiled conditions, for translating the query into an index's own
     * queries (see {@link Clause}). Built on each call.
     */
    public Clause clause() { return Clause.of(root); }

    /**
     * The canonical form: explicit {@code AND}/{@code OR}/{@code NOT}, parentheses only where
     * needed, values quoted or escaped only where needed, conditions of one {@code OR} on the same
     * field grouped ({@code source:(sshd OR sudo)}). It parses back to an equivalent query.
     */
    @Override
    public String toString() { return canonical; }

    /** Queries are equal when their canonical forms are. */
    @Override
    public boolean equals(Object o) { return o instanceof Query q && q.canonical.equals(canonical); }

    @Override
    public int hashCode() { return canonical.hashCode(); }
}
