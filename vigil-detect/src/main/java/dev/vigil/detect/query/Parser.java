package dev.vigil.detect.query;

import dev.vigil.detect.event.AttributePath;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser from query text straight to the compiled {@link Node} tree. It reads
 * characters, not tokens, because what a character means depends on where it is: {@code :} ends a
 * field name but belongs to a value ({@code tags:env:prod}, {@code @ip:fe80::1}); {@code -} negates
 * at the start of a term and is a letter elsewhere ({@code host:web-1}). Grammar, loosest first:
 * <pre>
 *   query   :=  or | (empty)
 *   or      :=  and ("OR" and)*
 *   and     :=  unary (["AND"] unary)*            implicit AND between terms
 *   unary   :=  ("NOT" | "-" | "!") unary | primary
 *   primary :=  "(" or ")" | term               in a value group: "(" or ")" | value
 *   term    :=  "CIDR(" field "," block ("," block)* ")"
 *            |  field ":" (value | "(" or ")")   the group's operands are values of that field
 *            |  "_exists_:" field | "_missing_:" field
 *            |  word | phrase                    full text, in the message
 *   field   :=  "@" dotted-name | host | source | service | status | message | tags | tag-key
 *   value   :=  word | phrase | ("<" | "<=" | ">" | ">=") number
 *            |  ("[" | "{") (number | "*") "TO" (number | "*") ("]" | "}")
 *            |  "CIDR(" block ("," block)* ")" | "*"
 * </pre>
 * A word ends at whitespace or a parenthesis ({@code :} too in a field name); {@code \} escapes
 * the next character; unescaped {@code *} and {@code ?} are wildcards. A phrase is
 * {@code "..."}, literal except for {@code \"} and {@code \\}. Every error names its 1-based
 * column, what was expected and what was found.
 */
final class Parser {

    /** Parentheses and negations deeper than this are rejected, so a hostile query cannot exhaust the stack. */
    static final int MAX_NESTING = 64;

    /** Characters that end a token when one is quoted in an error message. */
    private static final String DELIMITERS = "()[]{}\":,";

    private final String src;
    private final int len;
    private int pos;
    private int nesting;

    private Parser(String src) {
        this.src = src;
        this.len = src.length();
    }

    static Node parse(String text) {
        Parser p = new Parser(text);
        p.skipSpace();
        if (p.atEnd()) return Node.ALL;
        Node n = p.or(null);
        p.skipSpace();
        if (!p.atEnd()) throw p.fail(p.pos, ")", "expected a term, an operator or the end of the query but found ')' with no '(' to close");
        return n;
    }

    // ---- boolean structure; field is null at top level, the group's field inside field:( ... )

    private Node or(Target field) {
        List<Node> operands = new ArrayList<>();
        operands.add(and(field));
        while (true) {
            skipSpace();
            if (!keyword("OR")) break;
            pos += 2;
            expectOperand("'OR'", field);
            operands.add(and(field));
        }
        return Node.or(operands);
    }

    private Node and(Target field) {
        List<Node> operands = new ArrayList<>();
        operands.add(unary(field));
        while (true) {
            expectSeparator(field);
            skipSpace();
            if (atEnd() || peek() == ')' || keyword("OR")) break;
            if (keyword("AND")) {
                pos += 3;
                expectOperand("'AND'", field);
            }
            operands.add(unary(field));
        }
        return Node.and(operands);
    }

    /** After an operand: the end, whitespace or ')'; {@code [1 TO 5]x} and {@code "a"b} are not two terms. */
    private void expectSeparator(Target field) {
        if (!atEnd() && !isSpace(peek()) && peek() != ')') {
            throw error(pos, "whitespace or ')' after " + operand(field));
        }
    }

    private Node unary(Target field) {
        skipSpace();
        int start = pos;
        if (keyword("NOT")) {
            pos += 3;
            expectOperand("'NOT'", field);
        } else if (!atEnd() && (peek() == '-' || peek() == '!')) {
            char op = src.charAt(pos++);
            if (atEnd() || isSpace(peek()) || peek() == ')') throw error(pos, operand(field) + " right after '" + op + "'");
        } else {
            return primary(field);
        }
        enter(start);
        Node operand = unary(field);
        nesting--;
        return Node.not(operand);
    }

    private Node primary(Target field) {
        if (atEnd() || peek() == ')' || keyword("AND") || keyword("OR")) throw error(pos, operand(field));
        if (src.startsWith("&&", pos) || src.startsWith("||", pos)) {
            throw error(pos, operand(field) + " (the operators are the words AND, OR, NOT)");
        }
        if (peek() == '(') {
            int open = pos++;
            enter(open);
            expectOperand("'('", field);
            Node n = or(field);
            skipSpace();
            if (atEnd() || peek() != ')') throw error(pos, "')' to close the '(' at column " + column(open));
            pos++;
            nesting--;
            return n;
        }
        return field == null ? term() : value(field);
    }

    private void enter(int at) {
        if (++nesting > MAX_NESTING) {
            throw fail(at, token(at), "expected at most " + MAX_NESTING + " nested parentheses and negations but found more");
        }
    }

    /** After an operator or '(': something that can start an operand must follow. */
    private void expectOperand(String after, Target field) {
        skipSpace();
        if (atEnd() || peek() == ')' || keyword("AND") || keyword("OR")) {
            throw error(pos, operand(field) + " after " + after);
        }
    }

    private static String operand(Target field) {
        return field == null ? "a term" : "a value";
    }

    // ---- terms

    private Node term() {
        int start = pos;
        if (peek() == '"') {
            String phrase = quoted();
            if (!atEnd() && peek() == ':') throw fail(start, "\"", "expected a field name before ':' but found a quoted phrase");
            return text(phrase, literalKinds(phrase), start);
        }
        Word w = word(":");
        if (w.text.isEmpty()) throw error(pos, "a field name before ':'");
        if (w.raw().equals("CIDR") && !atEnd() && peek() == '(') return cidrFunction();
        if (!atEnd() && peek() == ':') {
            pos++;
            return fieldTerm(w);
        }
        if (src.charAt(w.start) == '@') throw error(pos, "':' after the attribute name '" + w.raw() + "'");
        if (w.isStar()) return Node.ALL;
        return text(w.text, w.kinds, start);
    }

    private Node fieldTerm(Word key) {
        String raw = key.raw();
        if (raw.equals("_exists_") || raw.equals("_missing_")) {
            Word name = atEnd() ? null : word("");
            if (name == null || name.text.isEmpty() || name.isStar()) throw error(name == null ? pos : name.start, "a field name after '" + raw + ":'");
            Node exists = new Node.Exists(target(name));
            return raw.equals("_missing_") ? Node.not(exists) : exists;
        }
        Target field = target(key);
        if (atEnd() || isSpace(peek()) || peek() == ')') throw error(pos, "a value after ':'");
        return peek() == '(' ? primary(field) : value(field);
    }

    /** The field a word names. */
    private Target target(Word w) {
        String raw = w.raw();
        if (raw.equals("*")) {
            throw fail(w.start, raw, "expected a field name but found '*' (searching every attribute with '*:' is not supported)");
        }
        if (w.wild) throw fail(w.start, raw, "expected a field name without wildcards but found '" + raw + "'");
        if (src.charAt(w.start) == '@') {
            String name = w.text.substring(1);
            if (name.isEmpty()) throw error(w.start + 1, "an attribute name after '@'");
            if (name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
                throw fail(w.start, raw, "expected an attribute name such as @usr.name but found '" + raw + "' (empty segment)");
            }
            return new Target.Attribute(AttributePath.of(name));
        }
        Target.Reserved reserved = Target.Reserved.byName(w.text);
        if (reserved != null) return reserved;
        return new Target.Tag(w.text.equals("tags") ? null : w.text);
    }

    /** {@code CIDR(field, block, ...)}, positioned on the '('. */
    private Node cidrFunction() {
        int open = pos++;
        skipSpace();
        Word f = word(",");
        if (f.text.isEmpty()) throw error(pos, "a field name after 'CIDR('");
        Target field = target(f);
        skipSpace();
        if (atEnd() || peek() != ',') throw error(pos, "',' and CIDR blocks after the field name in 'CIDR('");
        pos++;
        return new Node.Field(field, cidrBlocks(open));
    }

    // ---- values

    private Node value(Target field) {
        int start = pos;
        char c = peek();
        if (c == '"') {
            String v = quoted();
            return leaf(field, v, literalKinds(v), start);
        }
        if (c == '[' || c == '{') return new Node.Field(field, range());
        if (c == '<' || c == '>') return new Node.Field(field, comparison());
        Word w = word("");
        if (w.raw().equals("CIDR") && !atEnd() && peek() == '(') {
            int open = pos++;
            return new Node.Field(field, cidrBlocks(open));
        }
        if (w.isStar()) return new Node.Exists(field);
        return leaf(field, w.text, w.kinds, start);
    }

    private Node leaf(Target field, String text, String kinds, int start) {
        if (field == Target.Reserved.MESSAGE) return text(text, kinds, start);
        if (kinds.indexOf(Wildcard.STAR) >= 0 || kinds.indexOf(Wildcard.ONE) >= 0) {
            return new Node.Field(field, new Matcher.Pattern(new Wildcard(text, kinds, false, false)));
        }
        return new Node.Field(field, Matcher.Exact.of(text));
    }

    private Node text(String text, String kinds, int start) {
        if (text.isEmpty()) throw fail(start, "\"\"", "expected a phrase but found empty quotes");
        return new Node.Text(new Wildcard(text, kinds, true, true));
    }

    /** {@code [low TO high]}, either bracket exclusive with a brace, {@code *} for an open bound. */
    private Matcher range() {
        int open = pos;
        boolean lowInclusive = src.charAt(pos++) == '[';
        skipSpace();
        Num low = bound("a number or '*' after '" + src.charAt(open) + "'");
        skipSpace();
        if (!src.startsWith("TO", pos) || !(pos + 2 == len || isSpace(src.charAt(pos + 2)) || "]}".indexOf(src.charAt(pos + 2)) >= 0)) {
            throw error(pos, "'TO' after the lower bound of the range");
        }
        pos += 2;
        skipSpace();
        Num high = bound("a number or '*' after 'TO'");
        skipSpace();
        if (atEnd() || (peek() != ']' && peek() != '}')) {
            throw error(pos, "']' or '}' to close the range at column " + column(open));
        }
        boolean highInclusive = src.charAt(pos++) == ']';
        if (low != null && high != null
                && (low.value() > high.value() || low.value() == high.value() && !(lowInclusive && highInclusive))) {
            String r = src.substring(open, pos);
            throw fail(open, r, "expected a range with its lower bound below its upper bound but found '" + r + "'");
        }
        return new Matcher.Range(low, lowInclusive, high, highInclusive);
    }

    /** A range bound: a number, or {@code null} for {@code *}. */
    private Num bound(String expected) {
        int start = pos;
        Word w = word("]}");
        if (w.isStar()) return null;
        Num n = w.text.isEmpty() ? null : Num.parse(w.text);
        if (n == null) throw error(start, expected);
        return n;
    }

    /** {@code >n}, {@code >=n}, {@code <n}, {@code <=n}. */
    private Matcher comparison() {
        char op = src.charAt(pos++);
        boolean inclusive = !atEnd() && peek() == '=';
        if (inclusive) pos++;
        String written = op + (inclusive ? "=" : "");
        int start = pos;
        Word w = word("");
        Num n = w.text.isEmpty() ? null : Num.parse(w.text);
        if (n == null) throw error(start, "a number after '" + written + "'");
        return op == '>' ? new Matcher.Range(n, inclusive, null, false) : new Matcher.Range(null, false, n, inclusive);
    }

    /** {@code block ("," block)* ")"}: the rest of a CIDR list whose '(' is at {@code open}. */
    private Matcher cidrBlocks(int open) {
        List<Cidr> blocks = new ArrayList<>();
        while (true) {
            skipSpace();
            int start = pos;
            Word w = word(",");
            if (w.text.isEmpty()) throw error(pos, "an IP address or CIDR block such as 10.0.0.0/8");
            try {
                blocks.add(Cidr.parse(w.text));
            } catch (IllegalArgumentException x) {
                throw fail(start, w.raw(), "expected an IP address or CIDR block such as 10.0.0.0/8 or fd00::/8 but found '"
                        + w.raw() + "': " + x.getMessage());
            }
            skipSpace();
            if (!atEnd() && peek() == ',') {
                pos++;
            } else if (!atEnd() && peek() == ')') {
                pos++;
                return new Matcher.CidrSet(blocks.toArray(Cidr[]::new));
            } else {
                throw error(pos, "',' or ')' in the CIDR list at column " + column(open));
            }
        }
    }

    // ---- lexical pieces

    /**
     * A word as written, unescaped.
     *
     * @param text  the characters, escapes resolved
     * @param kinds per character: {@link Wildcard#LITERAL}, {@link Wildcard#STAR} or {@link Wildcard#ONE}
     * @param wild  whether any character is a wildcard
     * @param start where it starts in the query
     * @param end   where it ends
     * @param raw   the word as written, escapes included
     */
    private record Word(String text, String kinds, boolean wild, int start, int end, String raw) {
        boolean isStar() { return wild && text.equals("*"); }
    }

    /** Reads a word up to whitespace, a parenthesis or one of {@code stops}. */
    private Word word(String stops) {
        int start = pos;
        StringBuilder text = new StringBuilder(), kinds = new StringBuilder();
        boolean wild = false;
        while (pos < len) {
            char c = src.charAt(pos);
            if (isSpace(c) || c == '(' || c == ')' || stops.indexOf(c) >= 0) break;
            if (c == '"') {
                throw fail(pos, "\"", "expected '\\\"' for a quote inside a word (or quotes around all of it) but found '\"'");
            }
            if (c == '\\') {
                if (pos + 1 == len) throw fail(pos, "\\", "expected a character after '\\' but found end of query");
                int cp = src.codePointAt(pos + 1);
                text.appendCodePoint(cp);
                kinds.repeat(Wildcard.LITERAL, Character.charCount(cp));
                pos += 1 + Character.charCount(cp);
                continue;
            }
            char kind = c == '*' ? Wildcard.STAR : c == '?' ? Wildcard.ONE : Wildcard.LITERAL;
            wild |= kind != Wildcard.LITERAL;
            text.append(c);
            kinds.append(kind);
            pos++;
        }
        return new Word(text.toString(), kinds.toString(), wild, start, pos, src.substring(start, pos));
    }

    /** Reads {@code "..."}: {@code \"} and {@code \\} are escapes, every other character is itself. */
    private String quoted() {
        int open = pos++;
        StringBuilder text = new StringBuilder();
        while (pos < len) {
            char c = src.charAt(pos++);
            if (c == '"') return text.toString();
            if (c == '\\' && pos < len && (src.charAt(pos) == '"' || src.charAt(pos) == '\\')) c = src.charAt(pos++);
            text.append(c);
        }
        throw fail(open, src.substring(open), "expected a closing '\"' for the quote at column " + column(open)
                + " but found end of query");
    }

    private static String literalKinds(String text) {
        return String.valueOf(Wildcard.LITERAL).repeat(text.length());
    }

    /** Whether {@code word} is here as an operator: followed by the end, whitespace, a parenthesis or a quote. */
    private boolean keyword(String word) {
        if (!src.startsWith(word, pos)) return false;
        int after = pos + word.length();
        if (after == len) return true;
        char c = src.charAt(after);
        return isSpace(c) || c == '(' || c == ')' || c == '"';
    }

    private boolean atEnd() { return pos >= len; }

    private char peek() { return src.charAt(pos); }

    private void skipSpace() {
        while (pos < len && isSpace(src.charAt(pos))) pos++;
    }

    private static boolean isSpace(char c) { return Character.isWhitespace(c) || Character.isSpaceChar(c); }

    // ---- errors

    private int column(int at) { return src.codePointCount(0, Math.min(at, len)) + 1; }

    /** "expected {expected} but found {what is at}". */
    private QueryException error(int at, String expected) {
        String found = at >= len ? "end of query" : isSpace(src.charAt(at)) ? "whitespace" : "'" + token(at) + "'";
        return fail(at, token(at), "expected " + expected + " but found " + found);
    }

    private QueryException fail(int at, String offending, String reason) {
        return new QueryException(src, column(at), offending, reason);
    }

    /** The token at {@code at}, for error messages: a delimiter, a run of whitespace, or a word. */
    private String token(int at) {
        if (at >= len) return "";
        char c = src.charAt(at);
        int end = at + 1;
        if (isSpace(c)) {
            while (end < len && isSpace(src.charAt(end))) end++;
        } else if (DELIMITERS.indexOf(c) < 0) {
            while (end < len && !isSpace(src.charAt(end)) && DELIMITERS.indexOf(src.charAt(end)) < 0) end++;
        }
        return src.substring(at, end);
    }
}
