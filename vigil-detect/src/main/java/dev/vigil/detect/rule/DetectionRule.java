package dev.vigil.detect.rule;

import dev.vigil.detect.event.FieldRef;
import dev.vigil.detect.query.Query;

import java.time.Duration;
import java.util.List;

/**
 * A detection rule as code, in the shape of Datadog's detection rules: named queries over
 * events, group-by fields, ordered cases with conditions and severities, and options.
 *
 * @param id       stable id (lower case, digits, '-', '_'); signals reference it
 * @param name     the title of its signals; may use {@code {{@attr}}} / {@code {{host}}} placeholders
 * @param message  what it detects and why it matters (markdown, placeholders allowed)
 * @param tags     {@code key:value} tags; {@code tactic:TA0006} and {@code technique:T1110} map to MITRE ATT&CK
 * @param triage   what a responder should do first
 * @param text     the source the rule was read from, kept so the API returns what was written
 */
public record DetectionRule(String id, String name, boolean enabled, Method method, List<RuleQuery> queries,
                            List<RuleCase> cases, Options options, String message, List<String> tags, String triage,
                            String text) {

    public DetectionRule {
        queries = List.copyOf(queries);
        cases = List.copyOf(cases);
        tags = List.copyOf(tags);
    }

    /** The value of the first {@code key:value} tag with this key, or empty. */
    public String tag(String key) {
        String prefix = key + ":";
        for (String t : tags) if (t.startsWith(prefix)) return t.substring(prefix.length());
        return "";
    }

    public List<String> queryNames() {
        return queries.stream().map(RuleQuery::name).toList();
    }

    public DetectionRule withEnabled(boolean on) {
        return new DetectionRule(id, name, on, method, queries, cases, options, message, tags, triage, text);
    }

    /** How a query's matches are aggregated per group. */
    public enum Aggregation { COUNT, CARDINALITY, NEW_VALUE }

    /**
     * @param name      how conditions refer to it ({@code a}, {@code failed})
     * @param groupBy   the attributes that make a group (one signal per group)
     * @param distinct  for {@code cardinality}: the attributes whose distinct values are counted
     * @param metric    for {@code new_value}: the attribute whose new values are detected
     */
    public record RuleQuery(String name, Query query, List<FieldRef> groupBy, Aggregation aggregation,
                            List<FieldRef> distinct, FieldRef metric) {
        public RuleQuery {
            groupBy = List.copyOf(groupBy);
            distinct = List.copyOf(distinct);
        }
    }

    /**
     * @param status    a severity id, or a placeholder such as {@code {{@alert.rule.severity}}} taken from the event
     * @param condition null when the case always applies (match, new value, anomaly methods)
     */
    public record RuleCase(String name, String status, Condition condition, String conditionText) {}

    /** One step of a sequence: its condition over query counts since the previous step, within {@code window}. */
    public record Step(String name, Condition condition, String conditionText, Duration window) {}

    /**
     * @param lateness how far behind the newest event time an event may arrive and still count in windows
     */
    public record Options(Duration evaluationWindow, Duration keepAlive, Duration maxSignalDuration,
                          Duration learningDuration, Duration forgetAfter, List<Step> steps, Duration bucket,
                          double tolerance, long minimumCount, int baselineBuckets, Duration lateness) {
        public Options {
            steps = List.copyOf(steps);
        }
    }
}
