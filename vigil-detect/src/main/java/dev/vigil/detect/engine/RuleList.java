package dev.vigil.detect.engine;

import dev.vigil.detect.engine.DetectionEngine.Compiled;
import dev.vigil.detect.event.AttributePath;
import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.query.Clause;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.DetectionRule.RuleQuery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules an event of one source and event name runs, in the engine's order, and the
 * {@link LiteralGroup}s among them: a rule of a group is evaluated only when the group admits it
 * for the event. Skipped rules are ones whose queries cannot match, so they would have done
 * nothing; the others run in the same order as without groups.
 *
 * <p>A rule joins a group on an attribute when every one of its queries requires that attribute
 * (a top-level condition) to be a literal or to start with a literal prefix, and when its other
 * top-level conditions read attributes too (or the source, which the engine's index already
 * decided): then the group's lookup reads an attribute the rule's evaluation would read anyway.
 * A rule whose cheapest condition is on the status or a tag ({@code status:error @usr.id:c1*})
 * stays out, so that events it rejects for free do not pay for a lookup. Groups are made where
 * they pay: on the attribute that separates the most rules, with at least two rules and two
 * distinct literals.
 */
final class RuleList {

    static final RuleList EMPTY = new RuleList(new Compiled[0], new LiteralGroup[0], new int[0], new int[0]);

    final Compiled[] rules;
    final LiteralGroup[] groups;
    /** Per rule: its group, or -1. */
    final int[] groupOf;
    /** Per rule in a group: its member index there. */
    final int[] memberOf;

    private RuleList(Compiled[] rules, LiteralGroup[] groups, int[] groupOf, int[] memberOf) {
        this.rules = rules;
        this.groups = groups;
        this.groupOf = groupOf;
        this.memberOf = memberOf;
    }

    /** Whether rule {@code i} may match the cache's current event. */
    boolean admits(int i, EventCache c) {
        int g = groupOf[i];
        return g < 0 || groups[g].admits(memberOf[i], c);
    }

    void bind(EventCache cache) {
        for (LiteralGroup g : groups) g.bind(cache);
    }

    /** The rules in this order, grouped where it pays; {@code skip} is an attribute already indexed (not grouped again). */
    static RuleList of(List<Compiled> rules, String skip) {
        int n = rules.size();
        List<Map<String, LiteralGroup.Keys>> candidates = new ArrayList<>(n);
        for (Compiled c : rules) candidates.add(literals(c.rule, skip));
        int[] groupOf = new int[n];
        int[] memberOf = new int[n];
        Arrays.fill(groupOf, -1);
        List<LiteralGroup> groups = new ArrayList<>();
        while (true) {
            // the attribute whose literals separate the most of the rules not grouped yet
            Map<String, Set<String>> distinct = new LinkedHashMap<>();
            Map<String, Integer> count = new HashMap<>();
            for (int i = 0; i < n; i++) {
                if (groupOf[i] >= 0) continue;
                for (Map.Entry<String, LiteralGroup.Keys> e : candidates.get(i).entrySet()) {
                    Set<String> d = distinct.computeIfAbsent(e.getKey(), k -> new LinkedHashSet<>());
                    e.getValue().exact().forEach(v -> d.add("=" + v));
                    e.getValue().prefixes().forEach(p -> d.add("^" + p));
                    count.merge(e.getKey(), 1, Integer::sum);
                }
            }
            String best = null;
            for (String path : distinct.keySet()) {
                if (count.get(path) < 2 || distinct.get(path).size() < 2) continue;
                if (best == null || distinct.get(path).size() > distinct.get(best).size()) best = path;
            }
            if (best == null) break;
            List<LiteralGroup.Keys> keys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                LiteralGroup.Keys k = groupOf[i] < 0 ? candidates.get(i).get(best) : null;
                if (k == null) continue;
                groupOf[i] = groups.size();
                memberOf[i] = keys.size();
                keys.add(k);
            }
            groups.add(new LiteralGroup(AttributePath.of(best), keys));
        }
        return new RuleList(rules.toArray(Compiled[]::new), groups.toArray(LiteralGroup[]::new), groupOf, memberOf);
    }

    /**
     * The attributes {@code r} can be grouped on, with what each requires: the attributes every
     * query requires as a literal or a literal prefix, if no query has a top-level condition on
     * the status, service, host, message, tags or the full text. Empty when none.
     */
    static Map<String, LiteralGroup.Keys> literals(DetectionRule r, String skip) {
        Map<String, LiteralGroup.Keys> out = null;
        for (RuleQuery q : r.queries()) {
            Clause root = q.query().clause();
            List<Clause> conditions = root instanceof Clause.And a ? a.operands() : List.of(root);
            Map<String, LiteralGroup.Keys> mine = new LinkedHashMap<>();
            for (Clause c : conditions) {
                if (!readsOnlyAttributesOrSource(c)) return Map.of();
                if (c instanceof Clause.FieldIs f && f.field() instanceof Clause.Attribute a && !a.path().equals(skip)) {
                    LiteralGroup.Keys k = keys(f.value());
                    if (k != null) mine.merge(a.path(), k, (x, y) -> x.size() <= y.size() ? x : y); // either is required: the narrower
                }
            }
            if (out == null) {
                out = mine;
            } else { // every query must require it: keep the attributes all require, with what any of them allows
                Map<String, LiteralGroup.Keys> both = new LinkedHashMap<>();
                for (Map.Entry<String, LiteralGroup.Keys> e : out.entrySet()) {
                    LiteralGroup.Keys other = mine.get(e.getKey());
                    if (other != null) both.put(e.getKey(), union(e.getValue(), other));
                }
                out = both;
            }
        }
        return out == null ? Map.of() : out;
    }

    /** Literals and prefixes one of which a string value satisfying {@code v} has; null when {@code v} is not of that kind. */
    private static LiteralGroup.Keys keys(Clause.Value v) {
        List<String> exact = new ArrayList<>(), prefixes = new ArrayList<>();
        for (Clause.Value m : v instanceof Clause.AnyOf any ? any.members() : List.of(v)) {
            switch (m) {
                case Clause.Exact e -> exact.add(e.text());
                case Clause.Pattern p -> {
                    int wild = 0;
                    while (wild < p.kinds().length() && p.kinds().charAt(wild) == 'L') wild++;
                    if (wild == 0) return null; // "*x": no prefix to look up
                    if (wild == p.text().length()) exact.add(p.text());
                    else prefixes.add(p.text().substring(0, wild));
                }
                default -> { return null; } // ranges, CIDR blocks
            }
        }
        return new LiteralGroup.Keys(exact, prefixes);
    }

    private static LiteralGroup.Keys union(LiteralGroup.Keys a, LiteralGroup.Keys b) {
        List<String> exact = new ArrayList<>(new LinkedHashSet<>(concat(a.exact(), b.exact())));
        List<String> prefixes = new ArrayList<>(new LinkedHashSet<>(concat(a.prefixes(), b.prefixes())));
        return new LiteralGroup.Keys(exact, prefixes);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Whether {@code c} reads nothing but attributes and the source (which events of a rule's source bucket satisfy for free). */
    private static boolean readsOnlyAttributesOrSource(Clause c) {
        return switch (c) {
            case Clause.All a -> true;
            case Clause.And a -> a.operands().stream().allMatch(RuleList::readsOnlyAttributesOrSource);
            case Clause.Or o -> o.operands().stream().allMatch(RuleList::readsOnlyAttributesOrSource);
            case Clause.Not not -> readsOnlyAttributesOrSource(not.operand());
            case Clause.FieldIs f -> f.field() instanceof Clause.Attribute || f.field() instanceof Clause.Reserved r && r.name().equals("source");
            case Clause.Exists e -> e.field() instanceof Clause.Attribute;
            case Clause.Text t -> false;
        };
    }
}
