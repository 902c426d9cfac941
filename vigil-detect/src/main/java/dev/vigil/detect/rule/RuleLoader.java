package dev.vigil.detect.rule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detect.event.FieldRef;
import dev.vigil.detect.query.Query;
import dev.vigil.detect.query.QueryException;
import dev.vigil.detect.rule.DetectionRule.Aggregation;
import dev.vigil.detect.rule.DetectionRule.Options;
import dev.vigil.detect.rule.DetectionRule.RuleCase;
import dev.vigil.detect.rule.DetectionRule.RuleQuery;
import dev.vigil.detect.rule.DetectionRule.Step;
import dev.vigil.detect.signal.Severity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads detection rules from YAML or JSON and validates them, collecting every problem with
 * the field path and {@code line:column} ({@code rules/ssh.yaml:7:12 queries[0].query: column 9:
 * expected a value after ':'}). Keys follow Datadog's rule JSON ({@code groupByFields},
 * {@code evaluationWindow}, {@code keepAlive}...); durations are seconds as numbers, or
 * {@code 30s}/{@code 5m}/{@code 1h}/{@code 7d} as text (new value's learning period and
 * forget-after, as numbers, are days, as in Datadog).
 */
public final class RuleLoader {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,127}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*(@?[A-Za-z0-9_.\\-]+)\\s*}}");

    private static final Set<String> TOP = Set.of("id", "name", "enabled", "isEnabled", "type", "method", "message",
            "tags", "triage", "queries", "cases", "options");
    private static final Set<String> QUERY_KEYS = Set.of("name", "query", "groupByFields", "groupBy", "aggregation",
            "distinctFields", "metric", "metrics");
    private static final Set<String> CASE_KEYS = Set.of("name", "status", "severity", "condition", "notifications");
    private static final Set<String> OPTION_KEYS = Set.of("detectionMethod", "evaluationWindow", "keepAlive",
            "maxSignalDuration", "newValueOptions", "sequenceDetectionOptions", "anomalyDetectionOptions", "lateness");

    private RuleLoader() {}

    public static DetectionRule load(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /** Parses and validates one rule; throws {@link RuleException} listing every problem. */
    public static DetectionRule parse(String text, String sourceName) {
        LocatedTree tree = LocatedTree.read(text, sourceName);
        Reader r = new Reader(tree, sourceName);
        DetectionRule rule = r.rule(text);
        if (!r.problems.isEmpty()) throw new RuleException(sourceName, r.problems);
        return rule;
    }

    private static final class Reader {
        final LocatedTree tree;
        final String source;
        final List<RuleProblem> problems = new ArrayList<>();

        Reader(LocatedTree tree, String source) {
            this.tree = tree;
            this.source = source;
        }

        void problem(String path, String message) {
            problems.add(new RuleProblem(path, tree.position(path), message));
        }

        /** A problem inside a one-line string value: the column within the value is added to the value's position. */
        void problemAt(String path, int columnInValue, String message) {
            LocatedTree.Position p = tree.position(path);
            // a quoted scalar's position is its opening quote, one column before its text
            char first = tree.charAt(p);
            int quote = first == '"' || first == '\'' ? 1 : 0;
            problems.add(new RuleProblem(path, new LocatedTree.Position(p.line(), p.column() + Math.max(0, columnInValue - 1) + quote), message));
        }

        DetectionRule rule(String text) {
            JsonNode root = tree.root();
            if (!root.isObject()) {
                problem("", "a detection rule is an object with id, name, queries, cases and options");
                return null;
            }
            unknownKeys(root, "", TOP);
            String id = string(root, "id", true);
            if (id != null && !ID.matcher(id).matches())
                problem("id", "'" + id + "' is not a valid id: use lower-case letters, digits, '-', '_' or '.' (at most 128)");
            String name = string(root, "name", true);
            boolean enabled = bool(root, root.has("isEnabled") ? "isEnabled" : "enabled", true);
            String message = string(root, "message", false);
            String triage = string(root, "triage", false);
            List<String> tags = strings(root, "tags");
            for (int i = 0; i < tags.size(); i++) {
                String t = tags.get(i);
                if (t.contains("{{")) continue; // filled from the event
                if (t.startsWith("tactic:") && !t.substring(7).matches("TA\\d{4}"))
                    problem(LocatedTree.element("tags", i), "tactic must be a MITRE ATT&CK tactic id such as TA0006, not '" + t.substring(7) + "'");
                if (t.startsWith("technique:") && !t.substring(10).matches("T\\d{4}(\\.\\d{3})?"))
                    problem(LocatedTree.element("tags", i), "technique must be a MITRE ATT&CK technique id such as T1110 or T1059.004, not '" + t.substring(10) + "'");
            }

            JsonNode opts = root.get("options");
            if (opts != null && !opts.isObject()) problem("options", "options must be an object");
            if (opts == null || !opts.isObject()) opts = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            else unknownKeys(opts, "options", OPTION_KEYS);

            Method method = Method.THRESHOLD;
            String methodPath = root.has("method") ? "method" : "options.detectionMethod";
            JsonNode mnode = root.has("method") ? root.get("method") : opts.get("detectionMethod");
            if (mnode != null) {
                method = Method.parse(mnode.asText());
                if (method == null) {
                    problem(methodPath, "unknown detection method '" + mnode.asText() + "' (match, threshold, new_value, sequence, anomaly)");
                    method = Method.THRESHOLD;
                }
            }

            List<RuleQuery> queries = queries(root, method);
            List<String> names = queries.stream().map(RuleQuery::name).toList();
            List<RuleCase> cases = cases(root, method, names);
            Options options = options(opts, method, names);
            if (method == Method.NEW_VALUE && queries.stream().noneMatch(q -> q.metric() != null))
                problem("queries", "a new_value rule needs a query with a metric (the attribute whose new values are detected, e.g. metric: '@usr.name')");
            checkPlaceholders(root, "name");
            checkPlaceholders(root, "message");
            return new DetectionRule(id, name, enabled, method, queries, cases, options, message == null ? "" : message, tags,
                    triage == null ? "" : triage, text);
        }

        List<RuleQuery> queries(JsonNode root, Method method) {
            List<RuleQuery> out = new ArrayList<>();
            JsonNode qs = root.get("queries");
            if (qs == null || !qs.isArray() || qs.isEmpty()) {
                problem("queries", "a rule needs at least one query (queries: [{query: 'source:sshd @evt.outcome:failure'}])");
                return out;
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < qs.size(); i++) {
                String path = LocatedTree.element("queries", i);
                JsonNode q = qs.get(i);
                if (!q.isObject()) {
                    problem(path, "a query is an object with at least 'query'");
                    continue;
                }
                unknownKeys(q, path, QUERY_KEYS);
                String name = q.has("name") ? q.get("name").asText() : String.valueOf((char) ('a' + i));
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*"))
                    problem(LocatedTree.child(path, "name"), "query name '" + name + "' must be a word (letters, digits, '_')");
                if (!seen.add(name)) problem(LocatedTree.child(path, "name"), "duplicate query name '" + name + "'");
                String qtext = string(q, path, "query", true);
                Query query = null;
                if (qtext != null) {
                    try {
                        query = Query.parse(qtext);
                    } catch (QueryException x) {
                        problemAt(LocatedTree.child(path, "query"), x.column(), x.getMessage());
                    }
                }
                List<FieldRef> groupBy = paths(q, path, q.has("groupBy") ? "groupBy" : "groupByFields");
                Aggregation agg = method == Method.NEW_VALUE ? Aggregation.NEW_VALUE : Aggregation.COUNT;
                if (q.has("aggregation")) {
                    String a = q.get("aggregation").asText().toLowerCase(Locale.ROOT);
                    agg = switch (a) {
                        case "count" -> Aggregation.COUNT;
                        case "cardinality", "distinct_count" -> Aggregation.CARDINALITY;
                        case "new_value" -> Aggregation.NEW_VALUE;
                        default -> {
                            problem(LocatedTree.child(path, "aggregation"), "unknown aggregation '" + a + "' (count, cardinality, new_value)");
                            yield Aggregation.COUNT;
                        }
                    };
                }
                List<FieldRef> distinct = paths(q, path, "distinctFields");
                if (agg == Aggregation.CARDINALITY && distinct.isEmpty())
                    problem(path, "a cardinality query needs distinctFields (the attributes whose distinct values are counted)");
                FieldRef metric = null;
                String mkey = q.has("metric") ? "metric" : q.has("metrics") ? "metrics" : null;
                if (mkey != null) {
                    metric = q.get(mkey).isArray() ? paths(q, path, mkey).stream().findFirst().orElse(null)
                            : attr(q.get(mkey).asText(), LocatedTree.child(path, mkey));
                } else if (agg == Aggregation.NEW_VALUE) {
                    problem(path, "a new_value query needs 'metric': the attribute whose new values are detected");
                }
                if (query != null) out.add(new RuleQuery(name, query, groupBy, agg, distinct, metric));
            }
            return out;
        }

        List<RuleCase> cases(JsonNode root, Method method, List<String> names) {
            List<RuleCase> out = new ArrayList<>();
            JsonNode cs = root.get("cases");
            if (cs == null || !cs.isArray() || cs.isEmpty()) {
                problem("cases", "a rule needs at least one case (cases: [{status: high" + (method == Method.THRESHOLD ? ", condition: 'a > 10'" : "") + "}])");
                return out;
            }
            for (int i = 0; i < cs.size(); i++) {
                String path = LocatedTree.element("cases", i);
                JsonNode c = cs.get(i);
                if (!c.isObject()) {
                    problem(path, "a case is an object with status and condition");
                    continue;
                }
                unknownKeys(c, path, CASE_KEYS);
                String statusKey = c.has("severity") ? "severity" : "status";
                String status = string(c, path, statusKey, true);
                if (status != null && Severity.parse(status) == null && !PLACEHOLDER.matcher(status.trim()).matches())
                    problem(LocatedTree.child(path, statusKey), "unknown severity '" + status + "' (info, low, medium, high, critical, or a placeholder such as {{@alert.rule.severity}})");
                String ctext = c.has("condition") ? c.get("condition").asText() : null;
                Condition cond = null;
                if (ctext != null && !ctext.isBlank()) {
                    try {
                        cond = Condition.parse(ctext, names);
                    } catch (Condition.ConditionException x) {
                        problemAt(LocatedTree.child(path, "condition"), x.column(), x.getMessage());
                    }
                } else if (method == Method.THRESHOLD) {
                    problem(path, "a threshold case needs a condition over the query names, e.g. 'a > 10'");
                }
                String name = c.has("name") ? c.get("name").asText() : "";
                out.add(new RuleCase(name, status == null ? "medium" : status.trim(), cond, ctext));
            }
            return out;
        }

        Options options(JsonNode o, Method method, List<String> names) {
            Duration window = dur(o, "options", "evaluationWindow", Duration.ofMinutes(5));
            Duration keepAlive = dur(o, "options", "keepAlive", Duration.ofHours(1));
            Duration maxDuration = dur(o, "options", "maxSignalDuration", Duration.ofHours(24));
            Duration lateness = dur(o, "options", "lateness", Duration.ofMinutes(1));
            if (maxDuration.compareTo(keepAlive) < 0)
                problem("options.maxSignalDuration", "maxSignalDuration (" + maxDuration + ") must not be shorter than keepAlive (" + keepAlive + ")");
            JsonNode nv = obj(o, "options.newValueOptions", "newValueOptions");
            Duration learning = days(nv, "options.newValueOptions", "learningDuration", Duration.ofDays(7));
            Duration forget = days(nv, "options.newValueOptions", "forgetAfter", Duration.ofDays(28));
            List<Step> steps = new ArrayList<>();
            JsonNode so = obj(o, "options.sequenceDetectionOptions", "sequenceDetectionOptions");
            JsonNode st = so.get("steps");
            if (method == Method.SEQUENCE) {
                if (st == null || !st.isArray() || st.size() < 2) {
                    problem("options.sequenceDetectionOptions.steps", "a sequence rule needs at least two steps, each with a condition and an evaluationWindow");
                } else {
                    for (int i = 0; i < st.size(); i++) {
                        String path = LocatedTree.element("options.sequenceDetectionOptions.steps", i);
                        JsonNode s = st.get(i);
                        String ctext = string(s, path, "condition", true);
                        Condition cond = null;
                        if (ctext != null) {
                            try {
                                cond = Condition.parse(ctext, names);
                            } catch (Condition.ConditionException x) {
                                problemAt(LocatedTree.child(path, "condition"), x.column(), x.getMessage());
                            }
                        }
                        Duration w = dur(s, path, "evaluationWindow", window);
                        String name = s.has("name") ? s.get("name").asText() : "step " + (i + 1);
                        if (cond != null) steps.add(new Step(name, cond, ctext, w));
                    }
                }
            }
            JsonNode an = obj(o, "options.anomalyDetectionOptions", "anomalyDetectionOptions");
            Duration bucket = dur(an, "options.anomalyDetectionOptions", "bucketDuration", Duration.ofMinutes(5));
            double tolerance = an.has("detectionTolerance") ? an.get("detectionTolerance").asDouble(3) : 3;
            long minimum = an.has("minimumCount") ? an.get("minimumCount").asLong(10) : 10;
            int baseline = an.has("baselineBuckets") ? an.get("baselineBuckets").asInt(288) : 288;
            Duration anomalyLearning = dur(an, "options.anomalyDetectionOptions", "learningDuration", bucket.multipliedBy(12));
            if (method == Method.ANOMALY) {
                if (tolerance <= 0) problem("options.anomalyDetectionOptions.detectionTolerance", "must be > 0 (standard deviations above the baseline)");
                if (baseline < 3) problem("options.anomalyDetectionOptions.baselineBuckets", "must be at least 3");
                learning = anomalyLearning;
            }
            return new Options(window, keepAlive, maxDuration, learning, forget, steps, bucket, tolerance, minimum, baseline, lateness);
        }

        // --- helpers ---

        void unknownKeys(JsonNode o, String path, Set<String> known) {
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                String kp = LocatedTree.child(path, k);
                if (!known.contains(k))
                    problems.add(new RuleProblem(kp, tree.keyPosition(kp), "unknown field '" + k + "' (known here: " + String.join(", ", new java.util.TreeSet<>(known)) + ")"));
            }
        }

        JsonNode obj(JsonNode parent, String path, String key) {
            JsonNode n = parent.get(key);
            if (n == null) return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            if (!n.isObject()) {
                problem(path, key + " must be an object");
                return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            }
            return n;
        }

        String string(JsonNode o, String key, boolean required) {
            return string(o, "", key, required);
        }

        String string(JsonNode o, String parent, String key, boolean required) {
            String path = LocatedTree.child(parent, key);
            JsonNode n = o.get(key);
            if (n == null || n.isNull()) {
                if (required) problem(parent.isEmpty() ? "" : parent, "missing required field '" + key + "'");
                return null;
            }
            if (!n.isValueNode()) {
                problem(path, key + " must be text");
                return null;
            }
            String s = n.asText();
            if (required && s.isBlank()) problem(path, key + " must not be empty");
            return s;
        }

        boolean bool(JsonNode o, String key, boolean dflt) {
            JsonNode n = o.get(key);
            if (n == null) return dflt;
            if (!n.isBoolean()) {
                problem(key, key + " must be true or false");
                return dflt;
            }
            return n.asBoolean();
        }

        List<String> strings(JsonNode o, String key) {
            JsonNode n = o.get(key);
            List<String> out = new ArrayList<>();
            if (n == null) return out;
            if (!n.isArray()) {
                problem(key, key + " must be a list");
                return out;
            }
            for (JsonNode v : n) out.add(v.asText());
            return out;
        }

        List<FieldRef> paths(JsonNode o, String parent, String key) {
            List<FieldRef> out = new ArrayList<>();
            JsonNode n = o.get(key);
            if (n == null) return out;
            String path = LocatedTree.child(parent, key);
            if (!n.isArray()) {
                problem(path, key + " must be a list of attributes, e.g. ['@usr.name', '@network.client.ip']");
                return out;
            }
            for (int i = 0; i < n.size(); i++) {
                FieldRef p = attr(n.get(i).asText(), LocatedTree.element(path, i));
                if (p != null) out.add(p);
            }
            return out;
        }

        /** Group-by and distinct fields: '@attr' or a reserved attribute (host, service, source, status). */
        FieldRef attr(String s, String path) {
            String v = s.trim();
            if (v.isEmpty()) {
                problem(path, "empty attribute name");
                return null;
            }
            try {
                return FieldRef.parse(v);
            } catch (IllegalArgumentException x) {
                problem(path, x.getMessage());
                return null;
            }
        }

        Duration dur(JsonNode o, String parent, String key, Duration dflt) {
            JsonNode n = o.get(key);
            if (n == null || n.isNull()) return dflt;
            String path = LocatedTree.child(parent, key);
            Duration d = n.isNumber() ? Duration.ofSeconds(n.asLong()) : Durations.parse(n.asText());
            if (d == null || d.isNegative() || d.isZero()) {
                problem(path, "'" + n.asText() + "' is not a duration: seconds as a number, or 30s, 5m, 1h, 7d");
                return dflt;
            }
            return d;
        }

        Duration days(JsonNode o, String parent, String key, Duration dflt) {
            JsonNode n = o.get(key);
            if (n == null || n.isNull()) return dflt;
            if (n.isNumber()) {
                if (n.asLong() < 0) problem(LocatedTree.child(parent, key), "must not be negative");
                return Duration.ofDays(Math.max(0, n.asLong()));
            }
            return dur(o, parent, key, dflt);
        }

        void checkPlaceholders(JsonNode root, String key) {
            JsonNode n = root.get(key);
            if (n == null) return;
            String s = n.asText();
            int open = s.indexOf("{{");
            while (open >= 0) {
                int close = s.indexOf("}}", open);
                if (close < 0 || !PLACEHOLDER.matcher(s.substring(open, close + 2)).matches()) {
                    problem(key, "malformed placeholder at character " + (open + 1) + ": write {{@attribute}} or {{host}}");
                    return;
                }
                open = s.indexOf("{{", close);
            }
        }
    }
}
