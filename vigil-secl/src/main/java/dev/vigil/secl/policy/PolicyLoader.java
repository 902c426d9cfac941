package dev.vigil.secl.policy;

import dev.vigil.model.field.Field;
import dev.vigil.model.field.Fields;
import dev.vigil.secl.ast.Expr;
import dev.vigil.secl.ast.Pos;
import dev.vigil.secl.eval.Compiler;
import dev.vigil.secl.eval.SeclCompileException;
import dev.vigil.secl.eval.Variables;
import dev.vigil.secl.parse.Parser;
import dev.vigil.secl.parse.SeclSyntaxException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads SECL policy files (Datadog's policy YAML: {@code version}, {@code macros}, {@code rules}) into
 * compiled {@link Rule}s.
 *
 * <h2>Failure</h2>
 * Loading never stops at the first problem: every error and warning is collected as a
 * {@link Problem} with {@code file:line:column}; a rule or macro with an error is skipped and the
 * rest of the policy loads. Unknown keys are errors for the rule that has them (a typo such as
 * {@code expresion} must not silently disable a rule).
 *
 * <h2>Several files</h2>
 * Files load in the order given; a macro or rule whose id repeats replaces the earlier one (an
 * info problem says so), so a site policy can override rules of the default policy.
 *
 * <h2>Vigil's additions</h2>
 * Rules may carry {@code severity} (info, low, medium, high, critical; default medium) and
 * {@code triage} (advice for responders). {@code agent_version} constraints are read against the
 * Datadog agent version whose SECL Vigil implements ({@link #DATADOG_COMPATIBLE_VERSION}).
 */
public final class PolicyLoader {

    /** The Datadog agent version whose SECL this implements, for {@code agent_version} constraints. */
    public static final String DATADOG_COMPATIBLE_VERSION = "7.60.0";

    private static final Set<String> ROOT_KEYS = Set.of("version", "macros", "rules", "name", "description");
    private static final Set<String> MACRO_KEYS = Set.of("id", "description", "expression", "values", "agent_version",
            "filters", "combine");
    private static final Set<String> RULE_KEYS = Set.of("id", "version", "description", "expression", "tags", "severity",
            "triage", "disabled", "filters", "agent_version", "actions", "every", "silent", "combine", "group_id", "priority");
    private static final Set<String> SET_KEYS = Set.of("name", "value", "field", "scope", "append", "ttl", "size",
            "inherited");
    private static final Set<String> KILL_KEYS = Set.of("signal", "scope");

    /** A policy text and the name errors refer to (usually its path). */
    public record Source(String name, String text) {
        public static Source of(Path file) throws IOException {
            return new Source(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        }
    }

    /** Loaded rules, every problem found, and the variables the rules set. */
    public record Result(List<Rule> rules, List<Problem> problems, Map<String, Compiler.VarType> variables) {
        public boolean hasErrors() {
            return problems.stream().anyMatch(p -> p.level() == Problem.Level.ERROR);
        }

        public List<Problem> errors() {
            return problems.stream().filter(p -> p.level() == Problem.Level.ERROR).toList();
        }
    }

    /** Facts filters are evaluated against (os, kernel.version.major...). */
    public record Facts(Map<String, Object> values) {
        public static Facts local() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("os", System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux") ? "linux" : "other");
            String release = System.getProperty("os.version", "0.0");
            String[] parts = release.split("[.-]");
            m.put("kernel.version.major", parseOr(parts, 0));
            m.put("kernel.version.minor", parseOr(parts, 1));
            m.put("arch", System.getProperty("os.arch", ""));
            return new Facts(m);
        }

        private static long parseOr(String[] parts, int i) {
            try {
                return i < parts.length ? Long.parseLong(parts[i]) : 0;
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    private record MacroDef(String id, Expr expression, List<Expr> values, String source, int line) {}

    private record RuleDef(String id, YamlNode.Mapping node, String source, String text) {}

    private final List<Problem> problems = new ArrayList<>();
    private final Facts facts;

    private PolicyLoader(Facts facts) {
        this.facts = facts;
    }

    public static Result load(List<Source> sources) {
        return load(sources, Facts.local());
    }

    public static Result load(List<Source> sources, Facts facts) {
        return new PolicyLoader(facts).run(sources);
    }

    private Result run(List<Source> sources) {
        Map<String, MacroDef> macros = new LinkedHashMap<>();
        Map<String, RuleDef> ruleDefs = new LinkedHashMap<>();
        for (Source src : sources) {
            YamlNode root;
            try {
                root = YamlNode.parse(src.text());
            } catch (YamlNode.YamlSyntaxException e) {
                error("yaml", src.name(), e.line(), e.column(), "", e.getMessage());
                continue;
            }
            if (!(root instanceof YamlNode.Mapping doc)) {
                error("structure", src.name(), root.line(), root.column(), "", "a policy is a mapping with 'version', 'macros' and 'rules'");
                continue;
            }
            for (var key : doc.keys().entrySet()) {
                if (!ROOT_KEYS.contains(key.getKey())) {
                    problem(Problem.Level.WARNING, "unknown-key", src.name(), key.getValue()[0], key.getValue()[1], "",
                            "unknown top-level key '" + key.getKey() + "' ignored (known: version, macros, rules)");
                }
            }
            for (YamlNode m : items(doc.entries().get("macros"), src.name(), "macros")) {
                MacroDef def = macro(m, src);
                if (def != null) {
                    if (macros.containsKey(def.id())) {
                        problem(Problem.Level.INFO, "override", src.name(), m.line(), m.column(), def.id(),
                                "macro overrides the one defined at " + macros.get(def.id()).source() + ":" + macros.get(def.id()).line());
                    }
                    macros.put(def.id(), def);
                }
            }
            for (YamlNode r : items(doc.entries().get("rules"), src.name(), "rules")) {
                if (!(r instanceof YamlNode.Mapping rm)) {
                    error("structure", src.name(), r.line(), r.column(), "", "a rule is a mapping with at least 'id' and 'expression'");
                    continue;
                }
                String id = string(rm, "id");
                if (id == null || !id.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
                    error("rule-id", src.name(), rm.line(), rm.column(), id == null ? "" : id,
                            id == null ? "a rule needs an 'id'" : "invalid rule id '" + id + "' (letters, digits, '_', '-', '.')");
                    continue;
                }
                RuleDef previous = ruleDefs.get(id);
                if (previous != null) {
                    problem(Problem.Level.INFO, "override", src.name(), rm.line(), rm.column(), id,
                            "rule overrides the one defined at " + previous.source() + ":" + previous.node().line());
                }
                ruleDefs.put(id, new RuleDef(id, rm, src.name(), src.text()));
            }
        }

        Map<String, Expr> exprMacros = new LinkedHashMap<>();
        Map<String, List<Expr>> valueMacros = new LinkedHashMap<>();
        for (MacroDef m : macros.values()) {
            if (m.expression() != null) exprMacros.put(m.id(), m.expression());
            else valueMacros.put(m.id(), m.values());
        }

        // variables first: a rule may read a variable another rule sets
        Map<String, Compiler.VarType> variables = new LinkedHashMap<>();
        Map<String, List<Action>> actions = new LinkedHashMap<>();
        for (RuleDef def : ruleDefs.values()) {
            List<Action> acts = actions(def, variables);
            if (acts != null) actions.put(def.id(), acts);
        }
        Compiler.Definitions defs = new Compiler.Definitions(exprMacros, valueMacros, variables);

        List<Rule> rules = new ArrayList<>();
        for (RuleDef def : ruleDefs.values()) {
            if (!actions.containsKey(def.id())) continue; // its actions were invalid: reported
            Rule rule = rule(def, defs, actions.get(def.id()));
            if (rule != null) rules.add(rule);
        }
        return new Result(List.copyOf(rules), List.copyOf(problems), Map.copyOf(variables));
    }

    // ---------------------------------------------------------------------------------- macros

    private MacroDef macro(YamlNode node, Source src) {
        if (!(node instanceof YamlNode.Mapping m)) {
            error("structure", src.name(), node.line(), node.column(), "", "a macro is a mapping with 'id' and 'expression' or 'values'");
            return null;
        }
        String id = string(m, "id");
        if (id == null || !id.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            error("macro-id", src.name(), m.line(), m.column(), id == null ? "" : id,
                    id == null ? "a macro needs an 'id'" : "invalid macro id '" + id + "' (letters, digits, '_')");
            return null;
        }
        if (Fields.get(id) != null) {
            error("macro-id", src.name(), m.line(), m.column(), id, "macro id '" + id + "' is the name of a field");
            return null;
        }
        if (!knownKeys(m, MACRO_KEYS, src.name(), id, "macro")) return null;
        if (!passesFilters(m, src.name(), id)) return null;
        YamlNode expr = m.entries().get("expression");
        YamlNode values = m.entries().get("values");
        if ((expr == null) == (values == null)) {
            error("macro", src.name(), m.line(), m.column(), id, "a macro has either 'expression' or 'values', not " + (expr == null ? "neither" : "both"));
            return null;
        }
        if (expr != null) {
            if (!(expr instanceof YamlNode.Scalar s) || s.kind() != YamlNode.Scalar.Kind.STRING) {
                error("macro", src.name(), expr.line(), expr.column(), id, "'expression' must be a string");
                return null;
            }
            try {
                return new MacroDef(id, Parser.parse(s.text()), null, src.name(), m.line());
            } catch (SeclSyntaxException e) {
                int[] at = ExprLocator.locate(src.text(), s, e.pos());
                error("syntax", src.name(), at[0], at[1], id, e.reason());
                return null;
            }
        }
        if (!(values instanceof YamlNode.Sequence seq)) {
            error("macro", src.name(), values.line(), values.column(), id, "'values' must be a list");
            return null;
        }
        List<Expr> out = new ArrayList<>();
        for (YamlNode v : seq.items()) {
            if (!(v instanceof YamlNode.Scalar s) || s.kind() == YamlNode.Scalar.Kind.NULL) {
                error("macro", src.name(), v.line(), v.column(), id, "macro values must be strings or numbers");
                return null;
            }
            Pos pos = new Pos(v.line(), v.column());
            switch (s.kind()) {
                case INT -> out.add(new Expr.IntLit(Long.parseLong(s.text()), pos));
                case BOOL -> out.add(new Expr.BoolLit(Boolean.parseBoolean(s.text()), pos));
                default -> {
                    String t = s.text();
                    if ((t.startsWith("~\"") || t.startsWith("r\"")) && t.endsWith("\"") && t.length() >= 3) {
                        out.add(t.startsWith("~") ? new Expr.PatternLit(t.substring(2, t.length() - 1), pos)
                                : new Expr.RegexLit(t.substring(2, t.length() - 1), pos));
                    } else {
                        out.add(new Expr.StringLit(t, pos));
                    }
                }
            }
        }
        return new MacroDef(id, null, List.copyOf(out), src.name(), m.line());
    }

    // ----------------------------------------------------------------------------------- rules

    private Rule rule(RuleDef def, Compiler.Definitions defs, List<Action> actions) {
        YamlNode.Mapping m = def.node();
        String src = def.source();
        String id = def.id();
        if (!knownKeys(m, RULE_KEYS, src, id, "rule")) return null;
        if (bool(m, "disabled", src, id, false)) {
            problem(Problem.Level.INFO, "disabled", src, m.line(), m.column(), id, "rule is disabled");
            return null;
        }
        if (!passesFilters(m, src, id)) return null;
        YamlNode exprNode = m.entries().get("expression");
        if (!(exprNode instanceof YamlNode.Scalar es) || es.kind() != YamlNode.Scalar.Kind.STRING || es.text().isBlank()) {
            error("expression", src, exprNode == null ? m.line() : exprNode.line(), exprNode == null ? m.column() : exprNode.column(),
                    id, "a rule needs an 'expression' (a SECL string)");
            return null;
        }
        Compiler.Compiled compiled;
        try {
            compiled = Compiler.compile(Parser.parse(es.text()), defs);
        } catch (SeclSyntaxException e) {
            int[] at = ExprLocator.locate(def.text(), es, e.pos());
            error("syntax", src, at[0], at[1], id, e.reason());
            return null;
        } catch (SeclCompileException e) {
            int[] at = ExprLocator.locate(def.text(), es, e.pos());
            error("compile", src, at[0], at[1], id, e.reason());
            return null;
        }
        for (Action a : actions) {
            if (a instanceof Action.SetVariable sv && sv.field() != null) {
                Field f = Fields.get(sv.field());
                if (!f.appliesTo(compiled.eventType())) {
                    error("action", src, m.line(), m.column(), id, "action sets " + sv.name() + " from " + sv.field()
                            + ", which " + compiled.eventType().id() + " events do not carry");
                    return null;
                }
            }
        }
        Severity severity = Severity.MEDIUM;
        String sev = string(m, "severity");
        if (sev != null) {
            severity = Severity.parse(sev);
            if (severity == null) {
                YamlNode n = m.entries().get("severity");
                error("severity", src, n.line(), n.column(), id, "unknown severity '" + sev + "' (info, low, medium, high, critical)");
                return null;
            }
        }
        List<String> tags = tags(m, src, id);
        if (tags == null) return null;
        long every = 0;
        String everyText = string(m, "every");
        if (everyText != null) {
            every = duration(everyText);
            if (every <= 0) {
                YamlNode n = m.entries().get("every");
                error("every", src, n.line(), n.column(), id, "'every' must be a duration such as 10s or 1m, got '" + everyText + "'");
                return null;
            }
        }
        String description = string(m, "description");
        return new Rule(id, description == null ? "" : description, es.text(), compiled.eventType(), compiled.eval(),
                compiled.approvers(), compiled.cost(), tags, severity, orEmpty(string(m, "triage")), actions, every,
                bool(m, "silent", src, id, false), src + ":" + m.line());
    }

    private List<String> tags(YamlNode.Mapping m, String src, String id) {
        YamlNode t = m.entries().get("tags");
        List<String> out = new ArrayList<>();
        if (t == null) return out;
        if (t instanceof YamlNode.Mapping tm) {
            for (var e : tm.entries().entrySet()) {
                if (!(e.getValue() instanceof YamlNode.Scalar s)) {
                    error("tags", src, e.getValue().line(), e.getValue().column(), id, "tag '" + e.getKey() + "' must have a scalar value");
                    return null;
                }
                out.add(e.getKey() + ":" + s.text());
            }
        } else if (t instanceof YamlNode.Sequence ts) {
            for (YamlNode n : ts.items()) {
                if (!(n instanceof YamlNode.Scalar s)) {
                    error("tags", src, n.line(), n.column(), id, "tags must be 'key:value' strings");
                    return null;
                }
                out.add(s.text());
            }
        } else {
            error("tags", src, t.line(), t.column(), id, "'tags' must be a mapping (tactic: TA0002-execution) or a list");
            return null;
        }
        return out;
    }

    /** Actions of a rule; null (with problems) when one is invalid. Records variable types as it goes. */
    private List<Action> actions(RuleDef def, Map<String, Compiler.VarType> variables) {
        YamlNode a = def.node().entries().get("actions");
        List<Action> out = new ArrayList<>();
        if (a == null) return out;
        String src = def.source(), id = def.id();
        if (!(a instanceof YamlNode.Sequence seq)) {
            error("action", src, a.line(), a.column(), id, "'actions' must be a list");
            return null;
        }
        for (YamlNode item : seq.items()) {
            if (!(item instanceof YamlNode.Mapping am) || am.entries().size() != 1) {
                error("action", src, item.line(), item.column(), id, "an action is a mapping with one key: set or kill");
                return null;
            }
            String kind = am.entries().keySet().iterator().next();
            YamlNode body = am.entries().get(kind);
            if (!(body instanceof YamlNode.Mapping bm)) {
                error("action", src, body.line(), body.column(), id, "'" + kind + "' takes a mapping");
                return null;
            }
            switch (kind) {
                case "set" -> {
                    if (!knownKeys(bm, SET_KEYS, src, id, "set action")) return null;
                    String name = string(bm, "name");
                    if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                        error("action", src, bm.line(), bm.column(), id, "'set' needs a 'name' (letters, digits, '_')");
                        return null;
                    }
                    String scopeName = orEmpty(string(bm, "scope"));
                    Variables.Scope scope = Variables.scope(scopeName);
                    if (scope == null) {
                        error("action", src, bm.line(), bm.column(), id, "unknown scope '" + scopeName + "' (process, container, global)");
                        return null;
                    }
                    boolean append = bool(bm, "append", src, id, false);
                    YamlNode value = bm.entries().get("value");
                    String field = string(bm, "field");
                    if ((value == null) == (field == null)) {
                        error("action", src, bm.line(), bm.column(), id, "'set' needs either 'value' or 'field'");
                        return null;
                    }
                    Object v = null;
                    Compiler.VarType type;
                    if (field != null) {
                        Field f = Fields.get(field);
                        if (f == null || f.isArray() && !append) {
                            error("action", src, bm.line(), bm.column(), id, f == null ? "unknown field '" + field + "'"
                                    : "array field " + field + " can only be appended");
                            return null;
                        }
                        boolean text = f instanceof Field.StringField || f instanceof Field.StringsField;
                        type = text ? (append ? Compiler.VarType.STRINGS : Compiler.VarType.STRING)
                                : (append ? Compiler.VarType.INTS : Compiler.VarType.INT);
                        if (f instanceof Field.BoolField) type = Compiler.VarType.BOOL;
                    } else if (value instanceof YamlNode.Scalar s) {
                        switch (s.kind()) {
                            case BOOL -> {
                                v = Boolean.parseBoolean(s.text());
                                type = Compiler.VarType.BOOL;
                            }
                            case INT -> {
                                v = Long.parseLong(s.text());
                                type = append ? Compiler.VarType.INTS : Compiler.VarType.INT;
                            }
                            default -> {
                                v = s.text();
                                type = append ? Compiler.VarType.STRINGS : Compiler.VarType.STRING;
                            }
                        }
                        if (append && type == Compiler.VarType.BOOL) {
                            error("action", src, bm.line(), bm.column(), id, "booleans cannot be appended");
                            return null;
                        }
                    } else {
                        error("action", src, value.line(), value.column(), id, "'value' must be a boolean, a number or a string");
                        return null;
                    }
                    long ttl = 0;
                    String ttlText = string(bm, "ttl");
                    if (ttlText != null) {
                        ttl = duration(ttlText);
                        if (ttl <= 0) {
                            error("action", src, bm.line(), bm.column(), id, "'ttl' must be a duration such as 10m, got '" + ttlText + "'");
                            return null;
                        }
                    }
                    String ref = scope == Variables.Scope.GLOBAL ? name : scopeName.replace("cgroup", "container") + "." + name;
                    Compiler.VarType known = variables.get(ref);
                    if (known != null && known != type) {
                        error("action", src, bm.line(), bm.column(), id, "variable " + ref + " is set as " + known.name().toLowerCase()
                                + " elsewhere, here as " + type.name().toLowerCase());
                        return null;
                    }
                    variables.put(ref, type);
                    out.add(new Action.SetVariable(name, scope, v, field, append, ttl));
                }
                case "kill" -> {
                    if (!knownKeys(bm, KILL_KEYS, src, id, "kill action")) return null;
                    String sig = orEmpty(string(bm, "signal"));
                    Long n = sig.isEmpty() ? Long.valueOf(9) : dev.vigil.model.LinuxConstants.family(
                            dev.vigil.model.LinuxConstants.Family.SIGNAL).get(sig.toUpperCase(Locale.ROOT));
                    String scope = string(bm, "scope");
                    if (n == null || scope != null && !scope.equals("process") && !scope.equals("container")) {
                        error("action", src, bm.line(), bm.column(), id, n == null ? "unknown signal '" + sig + "' (SIGKILL, SIGTERM...)"
                                : "kill scope is process or container, got '" + scope + "'");
                        return null;
                    }
                    out.add(new Action.Kill(n.intValue(), scope == null ? "process" : scope));
                }
                default -> {
                    error("action", src, item.line(), item.column(), id, "unknown action '" + kind + "' (set, kill)");
                    return null;
                }
            }
        }
        return out;
    }

    // --------------------------------------------------------------------------------- filters

    /** {@code filters} and {@code agent_version}: a definition that does not apply here is skipped (info). */
    private boolean passesFilters(YamlNode.Mapping m, String src, String id) {
        String version = string(m, "agent_version");
        if (version != null && !Versions.satisfies(DATADOG_COMPATIBLE_VERSION, version)) {
            problem(Problem.Level.INFO, "agent-version", src, m.line(), m.column(), id,
                    "skipped: needs agent_version " + version + " (Vigil implements the SECL of Datadog agent " + DATADOG_COMPATIBLE_VERSION + ")");
            return false;
        }
        YamlNode f = m.entries().get("filters");
        if (f == null) return true;
        for (YamlNode item : items(f, src, "filters")) {
            if (!(item instanceof YamlNode.Scalar s)) {
                error("filter", src, item.line(), item.column(), id, "a filter is a string such as os == \"linux\"");
                return false;
            }
            Boolean ok = Filters.evaluate(s.text(), facts);
            if (ok == null) {
                error("filter", src, item.line(), item.column(), id, "cannot evaluate filter '" + s.text()
                        + "' (known: os, arch, kernel.version.major, kernel.version.minor)");
                return false;
            }
            if (!ok) {
                problem(Problem.Level.INFO, "filtered", src, item.line(), item.column(), id, "skipped: filter '" + s.text() + "' is false here");
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------- helpers

    private boolean knownKeys(YamlNode.Mapping m, Set<String> known, String src, String id, String what) {
        boolean ok = true;
        for (var key : m.keys().entrySet()) {
            if (!known.contains(key.getKey())) {
                List<String> sorted = new ArrayList<>(known);
                java.util.Collections.sort(sorted);
                error("unknown-key", src, key.getValue()[0], key.getValue()[1], id, "unknown " + what + " key '" + key.getKey()
                        + "'; the " + what + " is skipped (known keys: " + String.join(", ", sorted) + ")");
                ok = false;
            }
        }
        return ok;
    }

    private List<YamlNode> items(YamlNode n, String src, String what) {
        if (n == null || n instanceof YamlNode.Scalar s && s.kind() == YamlNode.Scalar.Kind.NULL) return List.of();
        if (n instanceof YamlNode.Sequence seq) return seq.items();
        error("structure", src, n.line(), n.column(), "", "'" + what + "' must be a list");
        return List.of();
    }

    private static String string(YamlNode.Mapping m, String key) {
        YamlNode n = m.entries().get(key);
        return n instanceof YamlNode.Scalar s && s.kind() != YamlNode.Scalar.Kind.NULL ? s.text() : null;
    }

    private boolean bool(YamlNode.Mapping m, String key, String src, String id, boolean dflt) {
        YamlNode n = m.entries().get(key);
        if (n == null) return dflt;
        if (n instanceof YamlNode.Scalar s && s.kind() == YamlNode.Scalar.Kind.BOOL) return Boolean.parseBoolean(s.text());
        error("type", src, n.line(), n.column(), id, "'" + key + "' must be true or false");
        return dflt;
    }

    private static String orEmpty(String s) { return s == null ? "" : s; }

    /** "10s", "5m", "1h", "500ms", or ISO-8601 "PT10S"; -1 when invalid. */
    static long duration(String text) {
        String s = text.trim();
        try {
            if (s.startsWith("P") || s.startsWith("p")) return java.time.Duration.parse(s).toNanos();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ns|us|ms|s|m|h|d)").matcher(s);
            if (!m.matches()) return -1;
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ns" -> n;
                case "us" -> n * 1_000L;
                case "ms" -> n * 1_000_000L;
                case "s" -> n * 1_000_000_000L;
                case "m" -> n * 60_000_000_000L;
                case "h" -> n * 3_600_000_000_000L;
                default -> n * 86_400_000_000_000L;
            };
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private void error(String code, String src, int line, int col, String id, String message) {
        problem(Problem.Level.ERROR, code, src, line, col, id, message);
    }

    private void problem(Problem.Level level, String code, String src, int line, int col, String id, String message) {
        problems.add(new Problem(level, code, src, line, col, id, message));
    }

    static Set<String> copy(Set<String> s) { return new LinkedHashSet<>(s); }
}
