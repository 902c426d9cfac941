package dev.vigil.secl.policy;

import dev.vigil.model.Event;
import dev.vigil.model.json.EventJson;
import dev.vigil.model.json.MalformedEventException;
import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.secl.eval.Variables;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Rule tests as code: YAML files of cases, each a sequence of events (in Vigil's JSON form, partial
 * events allowed) and the exact set of rule ids that must fire over them. {@code expect} is exact,
 * so every case is also a false-positive check against the whole policy.
 *
 * <pre>
 * cases:
 *   - name: java spawns a shell
 *     events:
 *       - event: {type: exec}            # or the shorthand  type: exec
 *         process: {file: {path: /bin/sh, name: sh}, ancestors: [{file: {name: java}}]}
 *     expect: [web_shell_spawned_shell]
 * </pre>
 *
 * Each case runs on a fresh engine (fresh variables). Events without {@code event.timestamp} get
 * increasing timestamps one millisecond apart; rules are evaluated at each event's own time.
 */
public final class RuleTests {

    /** The base time given to events that carry none (2026-01-01T00:00:00Z). */
    public static final long DEFAULT_TIME = 1_767_225_600_000_000_000L;

    /** One case's outcome. */
    public record CaseResult(String file, int line, String name, Set<String> expected, Set<String> fired, String error) {
        public boolean passed() { return error == null && expected.equals(fired); }

        public String describe() {
            if (error != null) return file + ":" + line + ": " + name + ": " + error;
            Set<String> unexpected = new TreeSet<>(fired);
            unexpected.removeAll(expected);
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(fired);
            return file + ":" + line + ": " + name + ": expected " + new TreeSet<>(expected) + ", fired " + new TreeSet<>(fired)
                    + (missing.isEmpty() ? "" : " (missing: " + String.join(", ", missing) + ")")
                    + (unexpected.isEmpty() ? "" : " (unexpected: " + String.join(", ", unexpected) + ")");
        }
    }

    /** All results, plus coverage: rules no case expects, and rules no benign case exercises. */
    public record Report(List<CaseResult> cases, List<Problem> problems, Set<String> rulesNeverExpected) {
        public long failures() { return cases.stream().filter(c -> !c.passed()).count(); }

        public boolean ok() { return failures() == 0 && problems.stream().noneMatch(p -> p.level() == Problem.Level.ERROR); }
    }

    private RuleTests() {}

    /** Runs every test file under {@code dir} (recursively: *.yaml, *.yml with a 'cases' key) against {@code rules}. */
    public static Report run(List<Rule> rules, Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        List<CaseResult> results = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Path f : files) {
            results.addAll(runFile(rules, f.toString(), Files.readString(f, StandardCharsets.UTF_8), problems));
        }
        Set<String> expectedSomewhere = new LinkedHashSet<>();
        for (CaseResult c : results) expectedSomewhere.addAll(c.expected());
        Set<String> never = new TreeSet<>();
        for (Rule r : rules) {
            if (!r.silent() && !expectedSomewhere.contains(r.id())) never.add(r.id());
        }
        return new Report(results, problems, never);
    }

    /** Runs the cases of one test file. Problems with the file itself go to {@code problems}. */
    public static List<CaseResult> runFile(List<Rule> rules, String name, String text, List<Problem> problems) {
        YamlNode root;
        try {
            root = YamlNode.parse(text);
        } catch (YamlNode.YamlSyntaxException e) {
            problems.add(new Problem(Problem.Level.ERROR, "yaml", name, e.line(), e.column(), "", e.getMessage()));
            return List.of();
        }
        if (!(root instanceof YamlNode.Mapping m) || !(m.entries().get("cases") instanceof YamlNode.Sequence cases)) {
            return List.of(); // not a test file
        }
        Set<String> known = new LinkedHashSet<>();
        for (Rule r : rules) known.add(r.id());
        List<CaseResult> out = new ArrayList<>();
        int index = 0;
        for (YamlNode c : cases.items()) {
            index++;
            out.add(runCase(rules, known, name, c, index));
        }
        return out;
    }

    private static CaseResult runCase(List<Rule> rules, Set<String> known, String file, YamlNode node, int index) {
        String caseName = "case " + index;
        if (!(node instanceof YamlNode.Mapping c)) {
            return new CaseResult(file, node.line(), caseName, Set.of(), Set.of(), "a case is a mapping with 'events' and 'expect'");
        }
        if (c.entries().get("name") instanceof YamlNode.Scalar s) caseName = s.text();
        Set<String> expected = new LinkedHashSet<>();
        YamlNode exp = c.entries().get("expect");
        if (!(exp instanceof YamlNode.Sequence es)) {
            return new CaseResult(file, c.line(), caseName, Set.of(), Set.of(), "'expect' must be a list of rule ids ([] for none)");
        }
        for (YamlNode e : es.items()) {
            if (!(e instanceof YamlNode.Scalar s)) {
                return new CaseResult(file, e.line(), caseName, Set.of(), Set.of(), "'expect' holds rule ids");
            }
            if (!known.contains(s.text())) {
                return new CaseResult(file, e.line(), caseName, Set.of(), Set.of(),
                        "expects rule '" + s.text() + "', which the policy does not define (or which failed to load)");
            }
            expected.add(s.text());
        }
        List<YamlNode> eventNodes = new ArrayList<>();
        if (c.entries().get("events") instanceof YamlNode.Sequence evs) eventNodes.addAll(evs.items());
        else if (c.entries().get("event") instanceof YamlNode.Mapping one) eventNodes.add(one);
        if (eventNodes.isEmpty()) {
            return new CaseResult(file, c.line(), caseName, expected, Set.of(), "a case needs 'events' (a list of events)");
        }
        RuleEngine engine = new RuleEngine(rules, new Variables());
        Set<String> fired = new LinkedHashSet<>();
        long t = DEFAULT_TIME;
        for (YamlNode en : eventNodes) {
            Event e;
            try {
                Map<String, Object> tree = tree(en);
                if (tree.get("type") instanceof String type && !tree.containsKey("event")) {
                    tree.remove("type");
                    tree.put("event", new LinkedHashMap<>(Map.of("type", type)));
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> evt = tree.get("event") instanceof Map<?, ?> em ? (Map<String, Object>) em : null;
                if (evt != null && !evt.containsKey("timestamp")) {
                    evt = new LinkedHashMap<>(evt);
                    evt.put("timestamp", t);
                    tree.put("event", evt);
                }
                e = EventJson.fromTree(tree);
            } catch (MalformedEventException | IllegalArgumentException ex) {
                return new CaseResult(file, en.line(), caseName, expected, fired, "invalid event: " + ex.getMessage());
            }
            t = Math.max(t, e.timestamp()) + 1_000_000L;
            engine.evaluate(e, e.timestamp(), m -> fired.add(m.rule().id()));
        }
        return new CaseResult(file, c.line(), caseName, expected, fired, null);
    }

    /** A YAML node as the maps, lists, strings, longs, doubles and booleans EventJson reads. */
    static Map<String, Object> tree(YamlNode n) {
        if (!(n instanceof YamlNode.Mapping m)) {
            throw new IllegalArgumentException("an event is a mapping");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.entries().forEach((k, v) -> {
            Object o = value(v);
            if (o != null) out.put(k, o);
        });
        return out;
    }

    private static Object value(YamlNode n) {
        return switch (n) {
            case YamlNode.Mapping m -> tree(m);
            case YamlNode.Sequence s -> {
                List<Object> l = new ArrayList<>();
                for (YamlNode i : s.items()) {
                    Object o = value(i);
                    if (o != null) l.add(o);
                }
                yield l;
            }
            case YamlNode.Scalar s -> switch (s.kind()) {
                case INT -> parseLong(s.text());
                case FLOAT -> Double.parseDouble(s.text());
                case BOOL -> Boolean.parseBoolean(s.text());
                case NULL -> null;
                case STRING -> s.text();
            };
        };
    }

    private static Object parseLong(String text) {
        String t = text.replace("_", "");
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) return Long.parseLong(t.substring(2), 16);
            if (t.startsWith("0o")) return Long.parseLong(t.substring(2), 8);
            if (t.length() > 1 && t.startsWith("0") && t.chars().allMatch(Character::isDigit)) return Long.parseLong(t.substring(1), 8);
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return text;
        }
    }
}
