package dev.vigil.secl.eval;

/** A compiled boolean expression. */
@FunctionalInterface
public interface BoolEval {
    boolean eval(EvalContext c);
}
