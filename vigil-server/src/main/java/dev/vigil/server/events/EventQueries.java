package dev.vigil.server.events;

import dev.vigil.detect.query.Clause;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.AutomatonQuery;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.automaton.Automata;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.TooComplexToDeterminizeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a search ({@link dev.vigil.detect.query.Query}, through its {@link Clause} view) into
 * a Lucene query over the fields of {@link EventDocument}.
 *
 * <p>The translation always selects <em>at least</em> the events the query matches (a superset),
 * and says whether it selects <em>exactly</em> those. Exact: reserved attributes, tags and string
 * attributes compared with values or wildcards, existence, full-text words, and any {@code AND},
 * {@code OR}, {@code NOT} of these, and numbers and booleans compared by value. Widened (the real
 * matcher decides): numeric comparisons and ranges, CIDR blocks, wildcards where the path also
 * holds numbers, full text spanning several words or with wildcards, and whatever an event's {@value EventDocument#OVERFLOW} terms say the index
 * holds incompletely. {@code NOT} of a widened condition cannot be narrowed and selects everything.
 */
final class EventQueries {

    /**
     * A translation.
     *
     * @param query the Lucene query, or {@code null} for every event
     * @param exact whether it selects exactly the matching events
     */
    record Plan(Query query, boolean exact) {
        static final Plan ALL_EXACT = new Plan(null, true);
        static final Plan ALL_WIDENED = new Plan(null, false);

        boolean all() { return query == null; }
    }

    private final IndexReader reader;

    /** @param reader the index being searched: which overflow terms exist decides what can be exact */
    EventQueries(IndexReader reader) {
        this.reader = reader;
    }

    Plan translate(Clause c) {
        return switch (c) {
            case Clause.All a -> Plan.ALL_EXACT;
            case Clause.And and -> and(and.operands());
            case Clause.Or or -> or(or.operands());
            case Clause.Not not -> {
                Plan p = translate(not.operand());
                if (!p.exact()) yield Plan.ALL_WIDENED;
                if (p.all()) yield new Plan(new MatchNoDocsQuery(), true);
                yield new Plan(new BooleanQuery.Builder().add(new MatchAllDocsQuery(), Occur.FILTER)
                        .add(p.query(), Occur.MUST_NOT).build(), true);
            }
            case Clause.Text t -> text(t);
            case Clause.Exists e -> exists(e.field());
            case Clause.FieldIs f -> field(f.field(), f.value());
        };
    }

    private Plan and(List<Clause> operands) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        boolean exact = true;
        int n = 0;
        for (Clause o : operands) {
            Plan p = translate(o);
            exact &= p.exact();
            if (p.all()) continue;
            b.add(p.query(), Occur.FILTER);
            n++;
        }
        return n == 0 ? (exact ? Plan.ALL_EXACT : Plan.ALL_WIDENED) : new Plan(b.build(), exact);
    }

    private Plan or(List<Clause> operands) {
        List<Plan> plans = new ArrayList<>();
        boolean exact = true;
        for (Clause o : operands) {
            Plan p = translate(o);
            exact &= p.exact();
            plans.add(p);
        }
        return anyOf(plans, exact);
    }

    /** Some plan holds: everything when one of them is everything (exactly so when that one is exact). */
    private static Plan anyOf(List<Plan> plans, boolean exact) {
        for (Plan p : plans) if (p.all()) return p.exact() ? Plan.ALL_EXACT : Plan.ALL_WIDENED;
        return new Plan(any(plans.stream().map(Plan::query).toList()), exact);
    }

    /** Some of the queries: terms of one field gathered into one term-set query (value groups can be long). */
    private static Query any(List<Query> qs) {
        if (qs.size() == 1) return qs.getFirst();
        java.util.Map<String, List<org.apache.lucene.util.BytesRef>> terms = new java.util.LinkedHashMap<>();
        List<Query> others = new ArrayList<>();
        for (Query q : qs) {
            if (q instanceof TermQuery t) terms.computeIfAbsent(t.getTerm().field(), f -> new ArrayList<>()).add(t.getTerm().bytes());
            else others.add(q);
        }
        List<Query> all = new ArrayList<>(others);
        terms.forEach((field, values) -> all.add(values.size() == 1 ? new TermQuery(new Term(field, values.getFirst()))
                : new org.apache.lucene.search.TermInSetQuery(field, values)));
        if (all.size() == 1) return all.getFirst();
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (Query q : all) b.add(q, Occur.SHOULD);
        return b.build();
    }

    // ---- fields

    private Plan exists(Clause.Field f) {
        return switch (f) {
            case Clause.Reserved r -> new Plan(term(EventDocument.EXISTS, r.name()), true); // indexed when not empty
            case Clause.Attribute a -> widenedBy(term(EventDocument.EXISTS, "@" + a.path()), attributeOverflow(a.path()));
            case Clause.Tag t -> t.key() == null
                    ? new Plan(term(EventDocument.EXISTS, EventDocument.TAGS), true)
                    : widenedBy(any(List.of(term(EventDocument.TAGS, t.key()), new PrefixQuery(new Term(EventDocument.TAGS, t.key() + ":")))),
                            overflow(EventDocument.TAGS));
        };
    }

    private Plan field(Clause.Field f, Clause.Value v) {
        if (v instanceof Clause.AnyOf any) {
            List<Plan> plans = new ArrayList<>();
            boolean exact = true;
            for (Clause.Value m : any.members()) {
                Plan p = field(f, m);
                exact &= p.exact();
                plans.add(p);
            }
            return anyOf(plans, exact);
        }
        return switch (f) {
            case Clause.Reserved r -> reserved(r.name(), v);
            case Clause.Tag t -> tag(t.key(), v);
            case Clause.Attribute a -> attribute(a.path(), v);
        };
    }

    private Plan reserved(String name, Clause.Value v) {
        if (name.equals("message")) return Plan.ALL_WIDENED; // only ranges and CIDR get here: full text is Text
        Query overflow = overflow(name);
        return switch (v) {
            case Clause.Exact e -> EventDocument.termable(e.text())
                    ? widenedBy(term(name, e.text()), overflow)
                    : new Plan(overflow, false);
            case Clause.Pattern p -> pattern(name, "", p, overflow);
            default -> new Plan(term(EventDocument.EXISTS, name), false); // numeric ranges, CIDR: a value is needed
        };
    }

    private Plan tag(String key, Clause.Value v) {
        String prefix = key == null ? "" : key + ":";
        Query overflow = overflow(EventDocument.TAGS);
        return switch (v) {
            case Clause.Exact e -> EventDocument.termable(prefix + e.text())
                    ? widenedBy(term(EventDocument.TAGS, prefix + e.text()), overflow)
                    : new Plan(overflow, false);
            case Clause.Pattern p -> pattern(EventDocument.TAGS, prefix, p, overflow);
            default -> new Plan(or(new PrefixQuery(new Term(EventDocument.TAGS, prefix)), overflow), false);
        };
    }

    private Plan attribute(String path, Clause.Value v) {
        Query overflow = attributeOverflow(path);
        String prefix = path + EventDocument.SEP;
        Query nontext = term(EventDocument.NONTEXT, path);
        boolean hasNontext = docFreq(EventDocument.NONTEXT, path) > 0;
        return switch (v) {
            case Clause.Exact e -> {
                // strings by text; numbers and booleans by value, as the matcher compares them
                List<Query> parts = new ArrayList<>();
                boolean exact = true;
                if (EventDocument.termable(prefix + e.text())) parts.add(term(EventDocument.ATTR, prefix + e.text()));
                if (hasNontext) {
                    switch (e.number()) {
                        case Long q -> {
                            parts.add(term(EventDocument.VALUE, prefix + "L" + q));
                            String dk = EventDocument.doubleKey((double) q);
                            if (dk != null) parts.add(term(EventDocument.VALUE, prefix + dk)); // non-long numbers compare as doubles
                        }
                        case Double x -> {
                            String dk = EventDocument.doubleKey(x);
                            if (dk != null) parts.add(term(EventDocument.VALUE, prefix + dk));
                            // a long compares as a double: below 2^53 that is one long, the one equal to x
                            if (Math.abs(x) < 0x1p53) {
                                if (x == Math.rint(x)) parts.add(term(EventDocument.VALUE, prefix + "L" + (long) (double) x));
                            } else {
                                parts.add(nontext);
                                exact = false;
                            }
                        }
                        case null, default -> { }
                    }
                    if (e.bool() != null) parts.add(term(EventDocument.VALUE, prefix + "B" + e.bool()));
                }
                if (overflow != null) {
                    parts.add(overflow);
                    exact = false;
                }
                yield parts.isEmpty() ? new Plan(new MatchNoDocsQuery(), true) : new Plan(any(parts), exact);
            }
            case Clause.Pattern p -> {
                // numbers and booleans are matched by their text: candidates wherever the path holds one
                Plan textual = pattern(EventDocument.ATTR, prefix, p, overflow);
                yield hasNontext ? new Plan(or(textual.query(), nontext), false) : textual;
            }
            // ranges: numbers and numeric strings; CIDR: strings. Any value at the path is a candidate.
            default -> new Plan(or(new PrefixQuery(new Term(EventDocument.ATTR, prefix)), or(nontext, overflow)), false);
        };
    }

    /** A pattern over the terms of {@code field} that start with {@code prefix}. */
    private Plan pattern(String field, String prefix, Clause.Pattern p, Query overflow) {
        Automaton a = patternAutomaton(prefix, p.text(), p.kinds());
        if (a == null) return new Plan(or(new PrefixQuery(new Term(field, prefix)), overflow), false);
        return widenedBy(new AutomatonQuery(new Term(field, prefix + p.text()), a), overflow);
    }

    /** The automaton of {@code prefix} + pattern, or null when it cannot be built exactly. */
    static Automaton patternAutomaton(String prefix, String text, String kinds) {
        if (!EventDocument.wellFormed(text) || !EventDocument.wellFormed(prefix)) return null;
        List<Automaton> parts = new ArrayList<>();
        if (!prefix.isEmpty()) parts.add(Automata.makeString(prefix));
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            char k = kinds.charAt(i);
            if (k == 'L') {
                int cp = text.codePointAt(i);
                literal.appendCodePoint(cp);
                i += Character.charCount(cp);
                continue;
            }
            if (!literal.isEmpty()) {
                parts.add(Automata.makeString(literal.toString()));
                literal.setLength(0);
            }
            parts.add(k == '*' ? Automata.makeAnyString() : Automata.makeAnyChar());
            i++;
        }
        if (!literal.isEmpty()) parts.add(Automata.makeString(literal.toString()));
        try {
            return Operations.determinize(Operations.concatenate(parts), Operations.DEFAULT_DETERMINIZE_WORK_LIMIT);
        } catch (TooComplexToDeterminizeException x) {
            return null;
        }
    }

    // ---- full text

    /**
     * Full text is a case-insensitive substring search of the message. Each run of word characters
     * in the pattern lies inside one word of a matching message: a run between two separators is a
     * whole word, one after a separator starts a word, one before a separator ends a word, any
     * other run is inside a word. A pattern that is a single run without wildcards is exactly
     * "some word contains it".
     */
    private Plan text(Clause.Text t) {
        String s = t.text();
        String kinds = t.kinds();
        char[] lower = new char[s.length()];
        for (int i = 0; i < s.length(); i++) lower[i] = Character.toLowerCase(s.charAt(i));
        List<Query> runs = new ArrayList<>();
        int n = lower.length;
        int i = 0;
        int runCount = 0;
        boolean onlyWord = true;
        while (i < n) {
            if (kinds.charAt(i) != 'L' || !EventDocument.wordChar(lower[i])) {
                onlyWord = false;
                i++;
                continue;
            }
            int start = i;
            while (i < n && kinds.charAt(i) == 'L' && EventDocument.wordChar(lower[i])) i++;
            String run = new String(lower, start, i - start);
            boolean startsWord = start > 0 && kinds.charAt(start - 1) == 'L'; // a literal separator before it
            boolean endsWord = i < n && kinds.charAt(i) == 'L';
            runCount++;
            if (startsWord && endsWord) runs.add(term(EventDocument.WORDS, run));
            else if (startsWord) runs.add(new PrefixQuery(new Term(EventDocument.WORDS, run)));
            else runs.add(new AutomatonQuery(new Term(EventDocument.WORDS, "*" + run + (endsWord ? "" : "*")),
                    Operations.determinize(Operations.concatenate(List.of(Automata.makeAnyString(), Automata.makeString(run),
                            endsWord ? Automata.makeEmptyString() : Automata.makeAnyString())), Operations.DEFAULT_DETERMINIZE_WORK_LIMIT)));
        }
        Query overflow = overflow("message");
        if (runs.isEmpty()) return Plan.ALL_WIDENED;
        Query all;
        if (runs.size() == 1) {
            all = runs.getFirst();
        } else {
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            for (Query q : runs) b.add(q, Occur.FILTER);
            all = b.build();
        }
        boolean exact = runCount == 1 && onlyWord && !t.hasWildcards() && EventDocument.wellFormed(s);
        return exact ? widenedBy(all, overflow) : new Plan(or(all, overflow), false);
    }

    // ---- helpers

    /**
     * {@code q}, plus the events where the index holds the field incompletely; exact only when
     * there are none.
     */
    private static Plan widenedBy(Query q, Query overflow) {
        return overflow == null ? new Plan(q, true) : new Plan(or(q, overflow), false);
    }

    /** The events whose {@code name} terms are incomplete, or null when this index has none. */
    private Query overflow(String name) {
        return docFreq(EventDocument.OVERFLOW, name) > 0 ? term(EventDocument.OVERFLOW, name) : null;
    }

    private Query attributeOverflow(String path) {
        Query one = overflow("@" + path);
        Query any = overflow(EventDocument.ANY_ATTRIBUTE);
        return one == null ? any : any == null ? one : or(one, any);
    }

    private int docFreq(String field, String value) {
        try {
            return reader.docFreq(new Term(field, value));
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    private static Query or(Query a, Query b) {
        if (a == null) return b;
        if (b == null) return a;
        return new BooleanQuery.Builder().add(a, Occur.SHOULD).add(b, Occur.SHOULD).build();
    }

    private static TermQuery term(String field, String value) {
        return new TermQuery(new Term(field, value));
    }
}
