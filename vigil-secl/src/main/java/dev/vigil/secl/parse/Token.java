package dev.vigil.secl.parse;

import dev.vigil.secl.ast.Pos;

/** One lexical token. {@code text} is the token's value (unquoted for strings, patterns and regexes). */
record Token(Kind kind, String text, Pos pos) {

    enum Kind {
        IDENT, INT, DURATION, STRING, PATTERN, REGEX, IP, VAR,
        AND, OR, NOT, IN, ALLIN, TRUE, FALSE,
        EQ, NE, LT, LE, GT, GE, MATCH, NOT_MATCH,
        AMP, PIPE, CARET, PLUS, MINUS,
        LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA,
        EOF
    }

    /** How the token reads in an error message. */
    String describe() {
        return switch (kind) {
            case EOF -> "the end of the expression";
            case STRING -> "the string \"" + text + "\"";
            case PATTERN -> "the pattern ~\"" + text + "\"";
            case REGEX -> "the regular expression r\"" + text + "\"";
            case VAR -> "the variable ${" + text + "}";
            case IDENT -> "'" + text + "'";
            default -> "'" + text + "'";
        };
    }
}
