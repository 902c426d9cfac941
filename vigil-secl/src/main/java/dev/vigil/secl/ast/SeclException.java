package dev.vigil.secl.ast;

/**
 * A problem at a position of a SECL expression: the message starts with the position
 * ("line 1, column 17: ..."), {@link #reason()} is the message without it.
 */
public abstract class SeclException extends RuntimeException {
    private final Pos pos;

    protected SeclException(String reason, Pos pos) {
        super(pos + ": " + reason);
        this.pos = pos;
    }

    public Pos pos() { return pos; }

    public String reason() {
        String m = getMessage();
        return m.substring(m.indexOf(": ") + 2);
    }
}
