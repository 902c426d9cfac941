package dev.vigil.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detect.event.LogEvent;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.index.IndexOptions;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * How an event is laid out in the index. Every field is a plain keyword field (no analysis), so
 * that what the search syntax means can be said exactly in index terms:
 *
 * <table>
 *   <tr><th>field</th><th>terms</th></tr>
 *   <tr><td>{@value #TIME}</td><td>the event time, epoch ms: points and doc values; the index is sorted on it, newest first</td></tr>
 *   <tr><td>{@code host} {@code source} {@code service} {@code status}</td><td>the reserved attribute, as is (also when empty)</td></tr>
 *   <tr><td>{@value #TAGS}</td><td>each tag, whole</td></tr>
 *   <tr><td>{@value #ATTR}</td><td>{@code path NUL text} for every string leaf of the attributes (arrays fan out, dotted keys
 *       and nested objects give the same path, as the query's attribute paths see them)</td></tr>
 *   <tr><td>{@value #NONTEXT}</td><td>the paths that hold a number or a boolean somewhere (patterns and ranges
 *       look at those too)</td></tr>
 *   <tr><td>{@value #VALUE}</td><td>{@code path NUL key} for every number and boolean leaf, keyed as the matcher compares
 *       them: {@code L} + the integer for numbers that fit a long, {@code D} + the double's shortest text for the others,
 *       {@code B} + true/false</td></tr>
 *   <tr><td>{@value #EXISTS}</td><td>{@code @path} of every attribute that exists (a non-null leaf or an object), and the
 *       names of non-empty reserved attributes</td></tr>
 *   <tr><td>{@value #WORDS}</td><td>the message's words: maximal runs of letters and digits, each character lower-cased
 *       with {@link Character#toLowerCase(char)} as full-text search compares them</td></tr>
 *   <tr><td>{@value #OVERFLOW}</td><td>names whose terms are incomplete in this event: a value or word too long to be a
 *       term, text that is not well-formed UTF-16, too many values; {@value #ANY_ATTRIBUTE} for all attributes</td></tr>
 *   <tr><td>{@value #ID}</td><td>the event's id (intake gives every event one)</td></tr>
 *   <tr><td>{@value #JSON}</td><td>stored: the event's JSON as the event log holds it</td></tr>
 * </table>
 *
 * A query translated to these terms is exact where the table allows it; {@link EventQueries} adds
 * the {@value #OVERFLOW} terms as candidates wherever they could hide a match.
 */
final class EventDocument {

    static final String TIME = "t";
    static final String TAGS = "tags";
    static final String ATTR = "a";
    static final String NONTEXT = "n";
    static final String VALUE = "v";
    static final String EXISTS = "e";
    static final String WORDS = "w";
    static final String OVERFLOW = "l";
    static final String JSON = "j";
    static final String ID = "id";
    /** In {@value #OVERFLOW}: the attributes of this event are not all indexed. */
    static final String ANY_ATTRIBUTE = "@*";
    /** Separates the path from the value in {@value #ATTR} terms. */
    static final char SEP = '\u0000';

    /** Longest term, in UTF-8 bytes; longer values are left to the matcher (Lucene's own limit is 32766). */
    static final int MAX_TERM_BYTES = 4096;
    /** Most attribute terms one event contributes; beyond, its attributes are left to the matcher. */
    static final int MAX_ATTRIBUTE_TERMS = 2048;
    static final int MAX_WORDS = 1024;

    private EventDocument() {}

    static Document of(LogEvent e, byte[] json) {
        Document d = new Document();
        d.add(new LongField(TIME, e.time(), Field.Store.NO));
        if (!e.id().isEmpty() && termable(e.id())) d.add(keyword(ID, e.id()));
        Set<String> overflow = new HashSet<>();
        Flattener f = new Flattener();
        reserved(d, "host", e.host(), f.exists, overflow);
        reserved(d, "source", e.source(), f.exists, overflow);
        reserved(d, "service", e.service(), f.exists, overflow);
        reserved(d, "status", e.status(), f.exists, overflow);
        if (!e.message().isEmpty()) f.exists.add("message");
        terms(d, WORDS, words(e.message(), overflow));
        if (!e.tags().isEmpty()) f.exists.add(TAGS);
        Set<String> tags = new HashSet<>();
        for (String t : e.tags()) {
            if (termable(t)) tags.add(t);
            else overflow.add(TAGS);
        }
        terms(d, TAGS, tags);
        f.walk(e.attributes(), new StringBuilder());
        terms(d, ATTR, f.text);
        terms(d, NONTEXT, f.nontext);
        terms(d, VALUE, f.values);
        terms(d, EXISTS, f.exists);
        if (f.full) overflow.add(ANY_ATTRIBUTE);
        overflow.addAll(f.overflow);
        terms(d, OVERFLOW, overflow);
        d.add(new StoredField(JSON, json));
        return d;
    }

    /** Keyword terms: indexed as they are, documents only, no norms. */
    private static final FieldType KEYWORDS = new FieldType();

    static {
        KEYWORDS.setIndexOptions(IndexOptions.DOCS);
        KEYWORDS.setTokenized(true); // the tokens are given, never analysed
        KEYWORDS.setOmitNorms(true);
        KEYWORDS.freeze();
    }

    /** Several terms of one field as one field instance: far cheaper to index than a field per term. */
    private static void terms(Document d, String field, Collection<String> values) {
        if (!values.isEmpty()) d.add(new Field(field, new Terms(values), KEYWORDS));
    }

    /** Hands the given terms to the indexer, one token each. */
    private static final class Terms extends TokenStream {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final Iterator<String> values;

        Terms(Collection<String> values) {
            this.values = values.iterator();
        }

        @Override public boolean incrementToken() {
            if (!values.hasNext()) return false;
            clearAttributes();
            term.setEmpty().append(values.next());
            return true;
        }
    }

    private static StringField keyword(String field, String value) {
        return new StringField(field, value, Field.Store.NO);
    }

    private static void reserved(Document d, String name, String value, Set<String> exists, Set<String> overflow) {
        if (termable(value)) d.add(keyword(name, value));
        else overflow.add(name);
        if (!value.isEmpty()) exists.add(name);
    }

    /** The message's words, as {@link #words(String, java.util.function.Consumer)} cuts them. */
    private static Set<String> words(String message, Set<String> overflow) {
        if (message.isEmpty()) return Set.of();
        Set<String> seen = new HashSet<>();
        boolean[] over = {false};
        words(message, w -> {
            if (w.length() > MAX_TERM_BYTES / 3 || !wellFormed(w)) over[0] = true;
            else if (seen.size() < MAX_WORDS) seen.add(w);
            else if (!seen.contains(w)) over[0] = true;
        });
        if (over[0] || !wellFormed(message)) overflow.add("message");
        return seen;
    }

    /** Whether a character, lower-cased, is part of a word (full text compares lower-cased characters). */
    static boolean wordChar(char lower) {
        return Character.isLetterOrDigit(lower);
    }

    /** Cuts {@code s} into its words: maximal runs of word characters, lower-cased character by character. */
    static void words(String s, java.util.function.Consumer<String> out) {
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = Character.toLowerCase(s.charAt(i));
            if (wordChar(c)) {
                w.append(c);
            } else if (!w.isEmpty()) {
                out.accept(w.toString());
                w.setLength(0);
            }
        }
        if (!w.isEmpty()) out.accept(w.toString());
    }

    /** Whether {@code s} can be a term as is: well-formed UTF-16 (Lucene would replace lone surrogates) and short enough. */
    static boolean termable(String s) {
        return utf8Length(s) <= MAX_TERM_BYTES && wellFormed(s);
    }

    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) return false;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static int utf8Length(String s) {
        if (s.length() * 3 <= MAX_TERM_BYTES) return s.length(); // short enough whatever it holds
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** How a number or boolean leaf is keyed in {@value #VALUE}; null for anything else. */
    static String valueKey(JsonNode n) {
        if (n.isBoolean()) return n.booleanValue() ? "Btrue" : "Bfalse";
        if (n.isIntegralNumber() && n.canConvertToLong()) return "L" + n.longValue();
        if (n.isNumber()) return doubleKey(n.doubleValue());
        return null;
    }

    /** A double's key: its shortest text, with 0.0 for both zeros (they compare equal); null for NaN, which equals nothing. */
    static String doubleKey(double d) {
        if (Double.isNaN(d)) return null;
        return "D" + Double.toString(d == 0 ? 0.0 : d);
    }

    /** The attribute terms of one event: every leaf by its dotted path, arrays transparent. */
    private static final class Flattener {
        final Set<String> text = new HashSet<>();
        final Set<String> nontext = new HashSet<>();
        final Set<String> values = new HashSet<>();
        final Set<String> exists = new HashSet<>();
        final Set<String> overflow = new HashSet<>();
        boolean full;

        /** A path, with what its terms need computed once however many values it holds (arrays). */
        private static final class Path {
            final String dotted;
            final boolean termable;
            String at, prefix;
            boolean existsAdded, nontextAdded;

            Path(String dotted) {
                this.dotted = dotted;
                this.termable = termable(dotted);
            }

            String at() { return at == null ? at = "@" + dotted : at; }

            String prefix() { return prefix == null ? prefix = dotted + SEP : prefix; }
        }

        void walk(JsonNode root, StringBuilder ignored) {
            if (root == null || !root.isObject()) return;
            fields(root, null);
        }

        private void fields(JsonNode object, Path parent) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext() && !full; ) {
                Map.Entry<String, JsonNode> f = it.next();
                String key = f.getKey();
                if (key.indexOf(SEP) >= 0) { // would make "path NUL value" ambiguous
                    full = true;
                    return;
                }
                Path p = new Path(parent == null ? key : parent.dotted + "." + key);
                if (!p.termable) {
                    full = true;
                    return;
                }
                value(f.getValue(), p);
            }
        }

        private void value(JsonNode node, Path p) {
            if (full || node == null || node.isNull() || node.isMissingNode()) return;
            if (node.isArray()) {
                for (int i = 0, n = node.size(); i < n; i++) value(node.get(i), p);
                return;
            }
            if (!p.existsAdded) {
                exists.add(p.at());
                p.existsAdded = true;
            }
            if (node.isObject()) {
                fields(node, p);
            } else if (node.isTextual()) {
                String term = p.prefix() + node.textValue();
                if (!termable(term)) overflow.add(p.at());
                else if (text.size() < MAX_ATTRIBUTE_TERMS || text.contains(term)) text.add(term);
                else full = true;
            } else {
                if (!p.nontextAdded) {
                    nontext.add(p.dotted);
                    p.nontextAdded = true;
                }
                String key = valueKey(node);
                if (key != null) values.add(p.prefix() + key);
            }
        }
    }
}
