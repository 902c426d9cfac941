package dev.vigil.secl.parse;

import dev.vigil.secl.ast.Pos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits a SECL expression into tokens, tracking line and column. IPs and CIDRs are recognised
 * where they stand unquoted ({@code 10.0.0.0/8}, {@code ::1}, {@code fe80::/10}), durations where a
 * number carries a unit ({@code 30s}), and {@code not in} is left to the parser.
 */
final class Lexer {

    private static final Map<String, Token.Kind> KEYWORDS = Map.of(
            "and", Token.Kind.AND, "or", Token.Kind.OR, "not", Token.Kind.NOT, "in", Token.Kind.IN,
            "allin", Token.Kind.ALLIN, "true", Token.Kind.TRUE, "false", Token.Kind.FALSE);

    private final String src;
    private int i;
    private int line = 1;
    private int lineStart;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String src) {
        return new Lexer(src).run();
    }

    private Pos pos() { return new Pos(line, i - lineStart + 1); }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        while (true) {
            skipSpace();
            if (i >= src.length()) {
                out.add(new Token(Token.Kind.EOF, "", pos()));
                return out;
            }
            out.add(next());
        }
    }

    private void skipSpace() {
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '\n') {
                i++;
                line++;
                lineStart = i;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else {
                return;
            }
        }
    }

    private Token next() {
        Pos p = pos();
        char c = src.charAt(i);
        char n = i + 1 < src.length() ? src.charAt(i + 1) : '\0';
        switch (c) {
            case '(' -> { i++; return new Token(Token.Kind.LPAREN, "(", p); }
            case ')' -> { i++; return new Token(Token.Kind.RPAREN, ")", p); }
            case '[' -> { i++; return new Token(Token.Kind.LBRACKET, "[", p); }
            case ']' -> { i++; return new Token(Token.Kind.RBRACKET, "]", p); }
            case ',' -> { i++; return new Token(Token.Kind.COMMA, ",", p); }
            case '+' -> { i++; return new Token(Token.Kind.PLUS, "+", p); }
            case '-' -> { i++; return new Token(Token.Kind.MINUS, "-", p); }
            case '^' -> { i++; return new Token(Token.Kind.CARET, "^", p); }
            case '&' -> {
                if (n == '&') { i += 2; return new Token(Token.Kind.AND, "&&", p); }
                i++;
                return new Token(Token.Kind.AMP, "&", p);
            }
            case '|' -> {
                if (n == '|') { i += 2; return new Token(Token.Kind.OR, "||", p); }
                i++;
                return new Token(Token.Kind.PIPE, "|", p);
            }
            case '=' -> {
                if (n == '=') { i += 2; return new Token(Token.Kind.EQ, "==", p); }
                if (n == '~') { i += 2; return new Token(Token.Kind.MATCH, "=~", p); }
                throw new SeclSyntaxException("'=' is not an operator: use '==' to compare or '=~' to match a pattern", p);
            }
            case '!' -> {
                if (n == '=') { i += 2; return new Token(Token.Kind.NE, "!=", p); }
                if (n == '~') { i += 2; return new Token(Token.Kind.NOT_MATCH, "!~", p); }
                i++;
                return new Token(Token.Kind.NOT, "!", p);
            }
            case '<' -> {
                if (n == '=') { i += 2; return new Token(Token.Kind.LE, "<=", p); }
                i++;
                return new Token(Token.Kind.LT, "<", p);
            }
            case '>' -> {
                if (n == '=') { i += 2; return new Token(Token.Kind.GE, ">=", p); }
                i++;
                return new Token(Token.Kind.GT, ">", p);
            }
            case '"' -> { return new Token(Token.Kind.STRING, quoted(p), p); }
            case '~' -> {
                if (n != '"') throw new SeclSyntaxException("'~' must start a pattern: ~\"...\"", p);
                i++;
                return new Token(Token.Kind.PATTERN, quoted(p), p);
            }
            case '$' -> {
                if (n != '{') throw new SeclSyntaxException("'$' must start a variable: ${name}", p);
                int end = src.indexOf('}', i + 2);
                if (end < 0) throw new SeclSyntaxException("the variable is not closed: expected '}'", p);
                String name = src.substring(i + 2, end).trim();
                if (!name.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
                    throw new SeclSyntaxException("invalid variable name '" + name + "'", p);
                }
                i = end + 1;
                return new Token(Token.Kind.VAR, name, p);
            }
            default -> { }
        }
        if (c == 'r' && n == '"') {
            i++;
            return new Token(Token.Kind.REGEX, quoted(p), p);
        }
        if (Character.isDigit(c) || c == ':') {
            Token ip = tryIp(p);
            if (ip != null) return ip;
            if (c == ':') throw new SeclSyntaxException("unexpected ':'", p);
            return number(p);
        }
        if (Character.isLetter(c) || c == '_') {
            Token ip = isHex(c) ? tryIp(p) : null;
            if (ip != null) return ip;
            int start = i;
            while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_' || src.charAt(i) == '.')) {
                i++;
            }
            String word = src.substring(start, i);
            if (word.endsWith(".")) {
                throw new SeclSyntaxException("'" + word + "' ends with '.': expected a name after it", p);
            }
            Token.Kind kw = KEYWORDS.get(word);
            return new Token(kw != null ? kw : Token.Kind.IDENT, word, p);
        }
        throw new SeclSyntaxException("unexpected character '" + c + "'", p);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** An IPv4/IPv6 address with an optional /prefix, or null (position unchanged) when the text is not one. */
    private Token tryIp(Pos p) {
        int j = i;
        while (j < src.length() && (isHex(src.charAt(j)) || src.charAt(j) == '.' || src.charAt(j) == ':')) j++;
        String addr = src.substring(i, j);
        boolean v4 = addr.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = !v4 && addr.contains(":") && addr.matches("[0-9A-Fa-f:.]+") && addr.chars().filter(ch -> ch == ':').count() >= 2;
        if (!v4 && !v6) return null;
        int k = j;
        if (k < src.length() && src.charAt(k) == '/') {
            int d = k + 1;
            while (d < src.length() && Character.isDigit(src.charAt(d))) d++;
            if (d == k + 1) throw new SeclSyntaxException("expected a prefix length after '/' in " + addr + "/", p);
            k = d;
        }
        if (k < src.length() && (Character.isLetterOrDigit(src.charAt(k)) || src.charAt(k) == '_')) return null;
        String text = src.substring(i, k);
        i = k;
        return new Token(Token.Kind.IP, text, p);
    }

    private Token number(Pos p) {
        int start = i;
        while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) i++;
        String text = src.substring(start, i);
        if (text.matches("\\d+(ns|us|µs|ms|s|m|h|d)")) {
            return new Token(Token.Kind.DURATION, text, p);
        }
        return new Token(Token.Kind.INT, text, p);
    }

    /** A double-quoted string starting at i; returns its unescaped content. */
    private String quoted(Pos p) {
        StringBuilder sb = new StringBuilder();
        i++; // opening quote
        while (i < src.length()) {
            char c = src.charAt(i++);
            if (c == '"') return sb.toString();
            if (c == '\n') throw new SeclSyntaxException("the string is not closed on its line: expected '\"'", p);
            if (c == '\\' && i < src.length()) {
                char e = src.charAt(i++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    default -> sb.append('\\').append(e); // kept for regexes and patterns: r"\d+", ~"\*"
                }
            } else {
                sb.append(c);
            }
        }
        throw new SeclSyntaxException("the string is not closed: expected '\"'", p);
    }
}
