package dev.vigil.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detect.event.LogEvent;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;

import java.nio.charset.StandardCharsets;
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
 *   <tr><td>{@value #NONTEXT}</td><td>the paths that hold a number or a boolean somewhere (those match by value, so
 *       the index only says where they are)</td></tr>
 *   <tr><td>{@value #EXISTS}</td><td>{@code @path} of every attribute that exists (a non-null leaf or an object), and the
 *       names of non-empty reserved attributes</td></tr>
 *   <tr><td>{@value #WORDS}</td><td>the message's words: maximal runs of letters and digits, each character lower-cased
 *       with {@link Character#toLowerCase(char)} as full-text search compares them</td></tr>
 *   <tr><td>{@value #OVERFLOW}</td><td>names whose terms are incomplete in this event: a value or word too long to be a
 *       term, text that is not well-formed UTF-16, too many values; {@value #ANY_ATTRIBUTE} for all attributes</td></tr>
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
    static final String EXISTS = "e";
    static final String WORDS = "w";
    static final String OVERFLOW = "l";
    static final String JSON = "j";
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
        Set<String> overflow = new HashSet<>();
        reserved(d, "host", e.host(), overflow);
        reserved(d, "source", e.source(), overflow);
        reserved(d, "service", e.service(), overflow);
        reserved(d, "status", e.status(), overflow);
        if (!e.message().isEmpty()) d.add(keyword(EXISTS, "message"));
        words(d, e.message(), overflow);
        if (!e.tags().isEmpty()) d.add(keyword(EXISTS, TAGS));
        Set<String> seenTags = new HashSet<>();
        for (String t : e.tags()) {
            if (!seenTags.add(t)) continue;
            if (termable(t)) d.add(keyword(TAGS, t));
            else overflow.add(TAGS);
        }
        Flattener f = new Flattener();
        f.walk(e.attributes(), new StringBuilder());
        for (String t : f.text) d.add(keyword(ATTR, t));
        for (String p : f.nontext) d.add(keyword(NONTEXT, p));
        for (String p : f.exists) d.add(keyword(EXISTS, p));
        if (f.full) overflow.add(ANY_ATTRIBUTE);
        overflow.addAll(f.overflow);
        for (String o : overflow) d.add(keyword(OVERFLOW, o));
        d.add(new StoredField(JSON, json));
        return d;
    }

    private static StringField keyword(String field, String value) {
        return new StringField(field, value, Field.Store.NO);
    }

    private static void reserved(Document d, String name, String value, Set<String> overflow) {
        if (termable(value)) d.add(keyword(name, value));
        else overflow.add(name);
        if (!value.isEmpty()) d.add(keyword(EXISTS, name));
    }

    /** The message's words, as {@link #words(String, java.util.function.Consumer)} cuts them. */
    private static void words(Document d, String message, Set<String> overflow) {
        if (message.isEmpty()) return;
        Set<String> seen = new HashSet<>();
        boolean[] over = {false};
        words(message, w -> {
            if (w.length() > MAX_TERM_BYTES / 3 || !wellFormed(w)) over[0] = true;
            else if (seen.size() < MAX_WORDS) seen.add(w);
            else over[0] = true;
        });
        for (String w : seen) d.add(keyword(WORDS, w));
        if (over[0] || !wellFormed(message)) overflow.add("message");
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

    /** The attribute terms of one event: every leaf by its dotted path, arrays transparent. */
    private static final class Flattener {
        final Set<String> text = new HashSet<>();
        final Set<String> nontext = new HashSet<>();
        final Set<String> exists = new HashSet<>();
        final Set<String> overflow = new HashSet<>();
        boolean full;

        void walk(JsonNode node, StringBuilder path) {
            if (full || node == null || node.isNull() || node.isMissingNode()) return;
            if (node.isArray()) {
                for (JsonNode el : node) walk(el, path);
                return;
            }
            if (node.isObject()) {
                if (!path.isEmpty()) exists(path);
                int len = path.length();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (f.getKey().indexOf(SEP) >= 0) { // would make "path NUL value" ambiguous
                        full = true;
                        return;
                    }
                    if (len > 0) path.append('.');
                    path.append(f.getKey());
                    walk(f.getValue(), path);
                    path.setLength(len);
                }
                return;
            }
            if (path.isEmpty()) return;
            String p = path.toString();
            if (!termable(p)) {
                full = true;
                return;
            }
            exists.add("@" + p);
            if (node.isTextual()) {
                String term = p + SEP + node.textValue();
                if (termable(term)) add(term);
                else overflow.add("@" + p);
            } else {
                nontext.add(p);
            }
        }

        private void exists(StringBuilder path) {
            String p = path.toString();
            if (termable(p)) exists.add("@" + p);
            else full = true;
        }

        private void add(String term) {
            if (text.size() >= MAX_ATTRIBUTE_TERMS && !text.contains(term)) full = true;
            else text.add(term);
        }
    }
}
