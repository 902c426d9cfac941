package dev.vigil.secl.policy;

import dev.vigil.secl.eval.Variables;

/** What a rule does when it matches, besides alerting. */
public sealed interface Action {

    /**
     * Sets a variable, to a constant ({@code value}) or to a field of the matching event ({@code field}).
     *
     * @param ttlNanos 0: no expiry
     */
    record SetVariable(String name, Variables.Scope scope, Object value, String field, boolean append, long ttlNanos)
            implements Action {}

    /**
     * Kills the matching process (scope process) or every process of its container (scope container).
     * Opt-in: the agent carries this out only when enforcement is enabled.
     */
    record Kill(int signal, String scope) implements Action {}
}
