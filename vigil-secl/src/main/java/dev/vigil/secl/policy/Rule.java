package dev.vigil.secl.policy;

import dev.vigil.model.EventType;
import dev.vigil.secl.eval.BoolEval;
import dev.vigil.secl.eval.Compiler;

import java.util.List;

/**
 * A loaded, compiled agent rule.
 *
 * @param tags       normalised {@code key:value} tags (MITRE ids included: {@code tactic:TA0002-execution})
 * @param everyNanos at most one alert per this period (0: no rule-specific limit)
 * @param silent     the rule only runs its actions, it never alerts
 * @param source     {@code file:line} of the rule's definition
 */
public record Rule(String id, String description, String expression, EventType eventType, BoolEval eval,
                   List<Compiler.Approver> approvers, int cost, List<String> tags, Severity severity, String triage,
                   List<Action> actions, long everyNanos, boolean silent, String source) {

    /** The value of tag {@code key} ("tactic" gives "TA0002-execution"), or "". */
    public String tag(String key) {
        for (String t : tags) {
            if (t.startsWith(key + ":")) return t.substring(key.length() + 1);
        }
        return "";
    }
}
