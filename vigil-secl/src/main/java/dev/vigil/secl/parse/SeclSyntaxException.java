package dev.vigil.secl.parse;

import dev.vigil.secl.ast.Pos;
import dev.vigil.secl.ast.SeclException;

/** An expression does not parse; the message names the position, what was found and what was expected. */
public final class SeclSyntaxException extends SeclException {
    public SeclSyntaxException(String message, Pos pos) {
        super(message, pos);
    }
}
