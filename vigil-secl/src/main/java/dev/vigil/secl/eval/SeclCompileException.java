package dev.vigil.secl.eval;

import dev.vigil.secl.ast.Pos;

/** An expression parses but cannot be compiled (unknown name, wrong types...); names the position. */
public final class SeclCompileException extends RuntimeException {
    private final Pos pos;

    public SeclCompileException(String message, Pos pos) {
        super(pos + ": " + message);
        this.pos = pos;
    }

    public Pos pos() { return pos; }

    public String reason() {
        String m = getMessage();
        return m.substring(m.indexOf(": ") + 2);
    }
}
