package dev.vigil.secl.eval;

import dev.vigil.secl.ast.Pos;
import dev.vigil.secl.ast.SeclException;

/** An expression parses but cannot be compiled (unknown name, wrong types...); names the position. */
public final class SeclCompileException extends SeclException {
    public SeclCompileException(String message, Pos pos) {
        super(message, pos);
    }
}
