package dev.vigil.secl.parse;

import dev.vigil.secl.ast.Pos;

/** An expression does not parse; the message names the position, what was found and what was expected. */
public final class SeclSyntaxException extends RuntimeException {
    private final Pos pos;

    public SeclSyntaxException(String message, Pos pos) {
        super(pos + ": " + message);
        this.pos = pos;
    }

    public Pos pos() { return pos; }

    /** The message without the position prefix. */
    public String reason() {
        String m = getMessage();
        return m.substring(m.indexOf(": ") + 2);
    }
}
