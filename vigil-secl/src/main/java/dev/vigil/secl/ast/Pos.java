package dev.vigil.secl.ast;

/** A 1-based line and column in a rule expression. */
public record Pos(int line, int column) {
    @Override
    public String toString() { return "line " + line + ", column " + column; }
}
