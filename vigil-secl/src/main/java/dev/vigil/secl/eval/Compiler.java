package dev.vigil.secl.eval;

import dev.vigil.model.EventType;
import dev.vigil.model.LinuxConstants;
import dev.vigil.model.ProcessInfo;
import dev.vigil.model.field.Field;
import dev.vigil.model.field.Fields;
import dev.vigil.model.field.ValueType;
import dev.vigil.secl.ast.Expr;
import dev.vigil.secl.ast.Pos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a parsed SECL expression into a {@link BoolEval}: closures over the field registry's
 * typed getters, so evaluating an event walks no tree, reflects nothing and looks nothing up by name.
 *
 * <h2>Stages</h2>
 * Names resolve in this order: field, field with {@code .length}, macro, constant (O_CREAT...).
 * Every operator is type-checked here, at load time; a rule that compiles cannot fail at run time.
 * The event type is inferred from the fields used (each rule targets exactly one type).
 *
 * <h2>Costs</h2>
 * Operands of {@code &&} and {@code ||} are reordered cheapest first (integer checks before string
 * checks before patterns, regexes and ancestor iteration), which is safe because SECL expressions have
 * no side effects.
 *
 * <h2>Ancestors</h2>
 * Conditions on {@code process.ancestors.*} fields joined by {@code &&} refer to the same ancestor
 * (SECL iterator semantics): such conjuncts are compiled against one ancestor at a time and wrapped in
 * a single loop over the ancestry, evaluated last.
 *
 * <h2>Approvers</h2>
 * Top-level conjuncts such as {@code exec.file.name in ["sh", "bash"]} or
 * {@code open.file.path =~ "/etc/**"} are reported as {@link Approver}s: a rule index can then skip
 * the rule for every event whose value is not among them.
 */
public final class Compiler {

    /** The type of a policy variable, from the actions that set it. */
    public enum VarType { BOOL, INT, STRING, STRINGS, INTS }

    /**
     * What names resolve against besides fields and constants.
     *
     * @param expressionMacros macro id to its parsed expression
     * @param valueMacros      macro id to its list of values (parsed literals)
     * @param variables        variable name as written without ${} ("process.seen", "container.x", "x") to type
     */
    public record Definitions(Map<String, Expr> expressionMacros, Map<String, List<Expr>> valueMacros,
                              Map<String, VarType> variables) {
        public static final Definitions NONE = new Definitions(Map.of(), Map.of(), Map.of());
    }

    /**
     * A value set that, when an event's {@code field} is not in it, makes the rule impossible.
     *
     * @param prefix  the values are path prefixes rather than exact values
     * @param numbers for an integer field, its approved values ({@code values} is then empty)
     */
    public record Approver(String field, Set<String> values, boolean prefix, Set<Long> numbers) {
        public Approver(String field, Set<String> values, boolean prefix) {
            this(field, values, prefix, Set.of());
        }

        public boolean numeric() { return !numbers.isEmpty(); }

        public int size() { return numeric() ? numbers.size() : values.size(); }
    }

    /** The result: the evaluator, the event type it applies to, and what an index can use. */
    public record Compiled(EventType eventType, BoolEval eval, Set<String> fields, List<Approver> approvers, int cost) {}

    private static final int COST_REGEX = 50;
    private static final int COST_VARIABLE = 8;

    private final Definitions defs;
    private final Map<EventType, String> typeEvidence = new LinkedHashMap<>();
    private final Set<String> fields = new LinkedHashSet<>();
    private final Set<String> expanding = new HashSet<>();

    private Compiler(Definitions defs) {
        this.defs = defs;
    }

    /**
     * Compiles {@code expr}.
     *
     * @throws SeclCompileException naming the position and the problem
     */
    public static Compiled compile(Expr expr, Definitions defs) {
        Compiler c = new Compiler(defs);
        Bool b = c.bool(expr, false);
        EventType type = c.eventType(expr.pos());
        List<Approver> approvers = new ArrayList<>();
        c.approvers(expr, approvers);
        return new Compiled(type, b.eval(), Set.copyOf(c.fields), List.copyOf(approvers), b.cost());
    }

    // ------------------------------------------------------------------------------- operands

    /** A typed, compiled operand. Constants carry their value for folding and for approvers. */
    private sealed interface Op permits Str, Strs, Int, Ints, Bool, Glb, Rgx, Ip, Arr {
        int cost();
    }

    private interface StrEval { String eval(EvalContext c); }
    private interface StrsEval { Collection<String> eval(EvalContext c); }
    private interface LongEval { long eval(EvalContext c); }
    private interface LongsEval { long[] eval(EvalContext c); }

    /** A string; {@code constant} non-null for literals; {@code field} for field reads. */
    private record Str(StrEval eval, String constant, Field field, int cost) implements Op {
        boolean path() { return field != null && field.name().endsWith(".path"); }
        boolean ip() { return field != null && field.type() == ValueType.IP; }
    }

    private record Strs(StrsEval eval, Field field, int cost) implements Op {
        boolean path() { return field != null && field.name().endsWith(".path"); }
    }

    /** An integer; {@code time}: Unix ns of a time field; {@code duration}: a duration literal. */
    private record Int(LongEval eval, Long constant, boolean time, boolean duration, int cost) implements Op {}

    private record Ints(LongsEval eval, int cost) implements Op {}

    private record Bool(BoolEval eval, Boolean constant, int cost) implements Op {}

    private record Glb(String text, Pos pos) implements Op {
        public int cost() { return 0; }
    }

    private record Rgx(Pattern pattern, Pos pos) implements Op {
        public int cost() { return 0; }
    }

    private record Ip(Cidr cidr, String text, Pos pos) implements Op {
        public int cost() { return 0; }
    }

    /** A list literal or a values macro, elements compiled. */
    private record Arr(List<Op> elements, Pos pos) implements Op {
        public int cost() { return 0; }
    }

    // ------------------------------------------------------------------------------ booleans

    private Bool bool(Expr e, boolean cursor) {
        return switch (e) {
            case Expr.Logical l -> l.op() == Expr.LogicalOp.AND ? and(flatten(l, Expr.LogicalOp.AND), cursor)
                    : or(flatten(l, Expr.LogicalOp.OR), cursor);
            case Expr.Not n -> {
                Bool inner = bool(n.operand(), cursor);
                if (inner.constant() != null) yield constBool(!inner.constant());
                BoolEval ev = inner.eval();
                yield new Bool(c -> !ev.eval(c), null, inner.cost());
            }
            case Expr.Ident id when defs.expressionMacros().containsKey(id.name()) && Fields.get(id.name()) == null ->
                    macro(id, cursor);
            default -> {
                if (!cursor && joinsIterator(e)) {
                    yield iterate(List.of(e));
                }
                Op op = value(e, cursor);
                if (op instanceof Bool b) yield b;
                throw new SeclCompileException("expected a condition, found " + describe(op, e)
                        + (op instanceof Str || op instanceof Int ? ": compare it with a value" : ""), e.pos());
            }
        };
    }

    private Bool macro(Expr.Ident id, boolean cursor) {
        if (!expanding.add(id.name())) {
            throw new SeclCompileException("macro '" + id.name() + "' refers to itself", id.pos());
        }
        try {
            return bool(defs.expressionMacros().get(id.name()), cursor);
        } catch (SeclCompileException inner) {
            throw new SeclCompileException("in macro '" + id.name() + "': " + inner.getMessage(), id.pos());
        } finally {
            expanding.remove(id.name());
        }
    }

    private Op macroValue(Expr.Ident id, boolean cursor) {
        if (!expanding.add(id.name())) {
            throw new SeclCompileException("macro '" + id.name() + "' refers to itself", id.pos());
        }
        try {
            return value(defs.expressionMacros().get(id.name()), cursor);
        } catch (SeclCompileException inner) {
            throw new SeclCompileException("in macro '" + id.name() + "': " + inner.getMessage(), id.pos());
        } finally {
            expanding.remove(id.name());
        }
    }

    private static List<Expr> flatten(Expr.Logical l, Expr.LogicalOp op) {
        List<Expr> out = new ArrayList<>();
        flattenInto(l, op, out);
        return out;
    }

    private static void flattenInto(Expr e, Expr.LogicalOp op, List<Expr> out) {
        if (e instanceof Expr.Logical l && l.op() == op) {
            flattenInto(l.left(), op, out);
            flattenInto(l.right(), op, out);
        } else {
            out.add(e);
        }
    }

    private Bool and(List<Expr> conjuncts, boolean cursor) {
        List<Bool> parts = new ArrayList<>();
        List<Expr> ancestral = new ArrayList<>();
        for (Expr e : conjuncts) {
            if (!cursor && joinsIterator(e)) {
                ancestral.add(e);
            } else {
                parts.add(bool(e, cursor));
            }
        }
        if (!ancestral.isEmpty()) {
            parts.add(iterate(ancestral));
        }
        parts.removeIf(b -> Boolean.TRUE.equals(b.constant()));
        if (parts.stream().anyMatch(b -> Boolean.FALSE.equals(b.constant()))) return constBool(false);
        if (parts.isEmpty()) return constBool(true);
        parts.sort(Comparator.comparingInt(Bool::cost));
        BoolEval[] evs = parts.stream().map(Bool::eval).toArray(BoolEval[]::new);
        int cost = parts.stream().mapToInt(Bool::cost).sum();
        return switch (evs.length) {
            case 1 -> parts.getFirst();
            case 2 -> {
                BoolEval a = evs[0], b = evs[1];
                yield new Bool(c -> a.eval(c) && b.eval(c), null, cost);
            }
            default -> new Bool(c -> {
                for (BoolEval ev : evs) if (!ev.eval(c)) return false;
                return true;
            }, null, cost);
        };
    }

    private Bool or(List<Expr> disjuncts, boolean cursor) {
        List<Bool> parts = new ArrayList<>();
        for (Expr e : disjuncts) parts.add(bool(e, cursor));
        if (parts.stream().anyMatch(b -> Boolean.TRUE.equals(b.constant()))) return constBool(true);
        parts.removeIf(b -> Boolean.FALSE.equals(b.constant()));
        if (parts.isEmpty()) return constBool(false);
        parts.sort(Comparator.comparingInt(Bool::cost));
        BoolEval[] evs = parts.stream().map(Bool::eval).toArray(BoolEval[]::new);
        int cost = parts.stream().mapToInt(Bool::cost).sum();
        if (evs.length == 1) return parts.getFirst();
        return new Bool(c -> {
            for (BoolEval ev : evs) if (ev.eval(c)) return true;
            return false;
        }, null, cost);
    }

    /** Conjuncts on process.ancestors.* evaluated against one ancestor at a time: true if some ancestor satisfies all. */
    private Bool iterate(List<Expr> conjuncts) {
        Bool inner = and(conjuncts, true);
        BoolEval ev = inner.eval();
        return new Bool(c -> {
            ProcessInfo saved = c.cursor;
            int n = 0;
            for (ProcessInfo p = c.event.process().parent(); p != null && n < ProcessInfo.MAX_ANCESTORS; p = p.parent(), n++) {
                c.cursor = p;
                if (ev.eval(c)) {
                    c.cursor = saved;
                    return true;
                }
            }
            c.cursor = saved;
            return false;
        }, null, inner.cost() * 4 + Field.COST_ANCESTORS);
    }

    private static Bool constBool(boolean v) {
        return new Bool(v ? c -> true : c -> false, v, 0);
    }

    /**
     * Whether a conjunct takes part in the shared ancestor iterator: it reads process.ancestors.* in
     * a positive way. Negative conditions ({@code !}, {@code !=}, {@code !~}, {@code not in}) mean
     * "no ancestor matches" and are evaluated on their own: inside the iterator they would turn into
     * "some ancestor does not match", which is true of almost any ancestry.
     */
    private boolean joinsIterator(Expr e) {
        return switch (e) {
            case Expr.Not n -> false;
            case Expr.Compare c when c.op() == Expr.CompareOp.NE || c.op() == Expr.CompareOp.NOT_MATCH -> false;
            case Expr.Member m when m.op() == Expr.MemberOp.NOT_IN -> false;
            case Expr.Logical l -> joinsIterator(l.left()) || joinsIterator(l.right());
            case Expr.Ident id when defs.expressionMacros().containsKey(id.name()) && fieldOf(id.name()) == null -> {
                if (!expanding.add(id.name())) yield false;
                try {
                    yield joinsIterator(defs.expressionMacros().get(id.name()));
                } finally {
                    expanding.remove(id.name());
                }
            }
            default -> usesAncestors(e);
        };
    }

    /** Whether {@code e} reads a process.ancestors.* field (macros included). */
    private boolean usesAncestors(Expr e) {
        return switch (e) {
            case Expr.Logical l -> usesAncestors(l.left()) || usesAncestors(l.right());
            case Expr.Not n -> usesAncestors(n.operand());
            case Expr.Compare c -> usesAncestors(c.left()) || usesAncestors(c.right());
            case Expr.Member m -> usesAncestors(m.left()) || usesAncestors(m.right());
            case Expr.Bitwise b -> usesAncestors(b.left()) || usesAncestors(b.right());
            case Expr.Arith a -> usesAncestors(a.left()) || usesAncestors(a.right());
            case Expr.Negate n -> usesAncestors(n.operand());
            case Expr.Complement n -> usesAncestors(n.operand());
            case Expr.Ident id -> {
                Field f = fieldOf(id.name());
                if (f != null) yield f.scope() == Field.ProcessScope.ANCESTORS;
                Expr macro = defs.expressionMacros().get(id.name());
                if (macro != null && expanding.add(id.name())) {
                    try {
                        yield usesAncestors(macro);
                    } finally {
                        expanding.remove(id.name());
                    }
                }
                yield false;
            }
            default -> false;
        };
    }

    private static Field fieldOf(String name) {
        Field f = Fields.get(name);
        if (f == null && name.endsWith(".length")) f = Fields.get(name.substring(0, name.length() - ".length".length()));
        return f;
    }

    // ------------------------------------------------------------------------------- values

    private Op value(Expr e, boolean cursor) {
        return switch (e) {
            case Expr.StringLit s -> new Str(c -> s.value(), s.value(), null, 0);
            case Expr.IntLit i -> intConst(i.value());
            case Expr.BoolLit b -> constBool(b.value());
            case Expr.DurationLit d -> new Int(c -> d.nanos(), d.nanos(), false, true, 0);
            case Expr.PatternLit p -> new Glb(p.pattern(), p.pos());
            case Expr.RegexLit r -> {
                try {
                    yield new Rgx(Pattern.compile(r.regex()), r.pos());
                } catch (PatternSyntaxException ex) {
                    throw new SeclCompileException("invalid regular expression r\"" + r.regex() + "\": "
                            + ex.getDescription(), r.pos());
                }
            }
            case Expr.IpLit ip -> {
                Cidr cidr = Cidr.parse(ip.text());
                if (cidr == null) throw new SeclCompileException("'" + ip.text() + "' is not a valid IP or CIDR", ip.pos());
                yield new Ip(cidr, ip.text(), ip.pos());
            }
            case Expr.ArrayLit a -> {
                List<Op> ops = new ArrayList<>();
                for (Expr el : a.elements()) {
                    if (el instanceof Expr.Ident bare && fieldOf(bare.name()) == null
                            && !defs.expressionMacros().containsKey(bare.name()) && !defs.valueMacros().containsKey(bare.name())
                            && !LinuxConstants.all().containsKey(bare.name())) {
                        throw new SeclCompileException("'" + bare.name() + "' in a list is not a field, macro or constant: "
                                + "quote it to make it a string (\"" + bare.name() + "\")", bare.pos());
                    }
                    Op op = value(el, cursor);
                    if (!isConstant(op)) {
                        throw new SeclCompileException("list elements must be values, found " + describe(op, el), el.pos());
                    }
                    ops.add(op);
                }
                yield new Arr(ops, a.pos());
            }
            case Expr.Ident id -> ident(id, cursor);
            case Expr.VarRef v -> variable(v);
            case Expr.Bitwise b -> {
                Int l = integer(value(b.left(), cursor), b.left(), "'" + b.op().symbol + "'");
                Int r = integer(value(b.right(), cursor), b.right(), "'" + b.op().symbol + "'");
                yield switch (b.op()) {
                    case AND -> fold(l, r, (x, y) -> x & y);
                    case OR -> fold(l, r, (x, y) -> x | y);
                    case XOR -> fold(l, r, (x, y) -> x ^ y);
                };
            }
            case Expr.Arith a -> {
                Int l = integer(value(a.left(), cursor), a.left(), "'" + a.op().symbol + "'");
                Int r = integer(value(a.right(), cursor), a.right(), "'" + a.op().symbol + "'");
                Int out = a.op() == Expr.ArithOp.PLUS ? fold(l, r, Long::sum) : fold(l, r, (x, y) -> x - y);
                yield new Int(out.eval(), out.constant(), l.time() || r.time(), l.duration() && r.duration(), out.cost());
            }
            case Expr.Negate n -> {
                Int v = integer(value(n.operand(), cursor), n.operand(), "'-'");
                yield v.constant() != null ? new Int(c -> -v.constant(), -v.constant(), false, v.duration(), 0)
                        : new Int(c -> -v.eval().eval(c), null, false, false, v.cost());
            }
            case Expr.Complement n -> {
                Int v = integer(value(n.operand(), cursor), n.operand(), "'^'");
                yield v.constant() != null ? intConst(~v.constant()) : new Int(c -> ~v.eval().eval(c), null, false, false, v.cost());
            }
            case Expr.Compare cmp -> compare(cmp, cursor);
            case Expr.Member m -> member(m, cursor);
            case Expr.Logical l -> bool(l, cursor);
            case Expr.Not n -> bool(n, cursor);
        };
    }

    private static Int intConst(long v) {
        return new Int(c -> v, v, false, false, 0);
    }

    private interface LongOp { long apply(long a, long b); }

    private static Int fold(Int l, Int r, LongOp op) {
        if (l.constant() != null && r.constant() != null) {
            return intConst(op.apply(l.constant(), r.constant()));
        }
        LongEval a = l.eval(), b = r.eval();
        return new Int(c -> op.apply(a.eval(c), b.eval(c)), null, false, false, l.cost() + r.cost());
    }

    private Int integer(Op op, Expr e, String context) {
        if (op instanceof Int i) return i;
        throw new SeclCompileException(context + " needs integers, found " + describe(op, e), e.pos());
    }

    private Op ident(Expr.Ident id, boolean cursor) {
        String name = id.name();
        Field f = Fields.get(name);
        boolean length = false;
        if (f == null && name.endsWith(".length")) {
            f = Fields.get(name.substring(0, name.length() - ".length".length()));
            length = f != null;
        }
        if (f != null) {
            noteField(f);
            Op op = field(f, cursor);
            return length ? length(op, id) : op;
        }
        if (defs.expressionMacros().containsKey(name)) {
            return macroValue(id, cursor); // a condition, or a list when the macro's expression is one
        }
        List<Expr> values = defs.valueMacros().get(name);
        if (values != null) {
            return value(new Expr.ArrayLit(values, id.pos()), cursor);
        }
        Long constant = LinuxConstants.all().get(name);
        if (constant != null) {
            return intConst(constant);
        }
        List<String> near = Fields.closest(name, 1);
        // a word without dots is far likelier a missing quote than a field typo
        String hint = !name.contains(".") ? ": quote it to make it a string (\"" + name + "\")"
                : near.isEmpty() ? "" : " (did you mean " + near.getFirst() + "?)";
        throw new SeclCompileException("'" + name + "' is not a field, macro or constant" + hint, id.pos());
    }

    private void noteField(Field f) {
        fields.add(f.name());
        for (EventType t : f.eventTypes()) {
            typeEvidence.putIfAbsent(t, f.name());
        }
        if (!f.eventTypes().isEmpty() && f.eventTypes().size() == 1) {
            typeEvidence.putIfAbsent(f.eventTypes().iterator().next(), f.name());
        }
    }

    private Op field(Field f, boolean cursor) {
        boolean ancestors = f.scope() == Field.ProcessScope.ANCESTORS;
        return switch (f) {
            case Field.StringField s -> {
                var g = s.getter();
                yield new Str(c -> g.get(c.event), null, f, f.cost());
            }
            case Field.LongField l -> {
                var g = l.getter();
                yield new Int(c -> g.get(c.event), null, f.type() == ValueType.TIME, false, f.cost());
            }
            case Field.BoolField b -> {
                var g = b.getter();
                yield new Bool(c -> g.get(c.event), null, f.cost());
            }
            case Field.StringsField s -> {
                if (ancestors && cursor) {
                    if (s.elementOfProcess() != null) {
                        var g = s.elementOfProcess();
                        yield new Str(c -> g.get(c.cursor), null, f, Field.COST_STRING);
                    }
                    var g = s.ofProcess();
                    yield new Strs(c -> g.get(c.cursor), f, Field.COST_ARRAY);
                }
                var g = s.getter();
                yield new Strs(c -> g.get(c.event), f, f.cost());
            }
            case Field.LongsField l -> {
                if (ancestors && cursor) {
                    var g = l.elementOfProcess();
                    yield new Int(c -> g.get(c.cursor), null, f.type() == ValueType.TIME, false, Field.COST_SCALAR);
                }
                var g = l.getter();
                yield new Ints(c -> g.apply(c.event), f.cost());
            }
        };
    }

    private Op length(Op op, Expr at) {
        return switch (op) {
            case Str s -> new Int(c -> s.eval().eval(c).length(), null, false, false, s.cost());
            case Strs s -> new Int(c -> s.eval().eval(c).size(), null, false, false, s.cost());
            case Ints s -> new Int(c -> s.eval().eval(c).length, null, false, false, s.cost());
            default -> throw new SeclCompileException(".length applies to strings and arrays, not to " + describe(op, at), at.pos());
        };
    }

    private Op variable(Expr.VarRef v) {
        String name = v.name();
        boolean length = false;
        VarType type = defs.variables().get(name);
        if (type == null && name.endsWith(".length")) {
            name = name.substring(0, name.length() - ".length".length());
            type = defs.variables().get(name);
            length = type != null;
        }
        if (type == null) {
            throw new SeclCompileException("unknown variable ${" + v.name() + "}: no rule of the policy sets it"
                    + (defs.variables().isEmpty() ? "" : " (set variables: " + String.join(", ", defs.variables().keySet()) + ")"), v.pos());
        }
        int dot = name.indexOf('.');
        Variables.Scope scope = dot < 0 ? Variables.Scope.GLOBAL : Variables.scope(name.substring(0, dot));
        if (scope == null) {
            scope = Variables.Scope.GLOBAL;
        }
        String local = dot < 0 || name.startsWith("global.") || Variables.scope(name.substring(0, dot)) == null ? name : name.substring(dot + 1);
        Variables.Scope sc = scope;
        String key = local;
        if (length) {
            return new Int(c -> {
                Object o = c.variables.get(sc, key, c.event, c.now);
                return o instanceof Collection<?> col ? col.size() : o instanceof String s ? s.length() : 0;
            }, null, false, false, COST_VARIABLE);
        }
        return switch (type) {
            case BOOL -> new Bool(c -> Boolean.TRUE.equals(c.variables.get(sc, key, c.event, c.now)), null, COST_VARIABLE);
            case INT -> new Int(c -> c.variables.get(sc, key, c.event, c.now) instanceof Long l ? l : 0L, null, false, false, COST_VARIABLE);
            case STRING -> new Str(c -> c.variables.get(sc, key, c.event, c.now) instanceof String s ? s : "", null, null, COST_VARIABLE);
            case STRINGS -> new Strs(c -> {
                Object o = c.variables.get(sc, key, c.event, c.now);
                @SuppressWarnings("unchecked")
                Collection<String> col = o instanceof Collection<?> cc ? (Collection<String>) cc : List.of();
                return col;
            }, null, COST_VARIABLE);
            case INTS -> new Ints(c -> {
                Object o = c.variables.get(sc, key, c.event, c.now);
                if (!(o instanceof Collection<?> col)) return new long[0];
                long[] out = new long[col.size()];
                int i = 0;
                for (Object x : col) out[i++] = x instanceof Long l ? l : 0;
                return out;
            }, COST_VARIABLE);
        };
    }

    // ---------------------------------------------------------------------------- comparisons

    private Bool compare(Expr.Compare cmp, boolean cursor) {
        Op l = value(cmp.left(), cursor);
        Op r = value(cmp.right(), cursor);
        Expr.CompareOp op = cmp.op();
        // a constant on the left: swap so the field is on the left
        if (isConstant(l) && !isConstant(r)) {
            Op t = l;
            l = r;
            r = t;
            op = switch (op) {
                case LT -> Expr.CompareOp.GT;
                case LE -> Expr.CompareOp.GE;
                case GT -> Expr.CompareOp.LT;
                case GE -> Expr.CompareOp.LE;
                default -> op;
            };
        }
        return switch (op) {
            case EQ -> equal(l, r, cmp);
            case NE -> negate(equal(l, r, cmp));
            case MATCH -> match(l, r, cmp);
            case NOT_MATCH -> negate(match(l, r, cmp));
            case LT, LE, GT, GE -> order(op, l, r, cmp);
        };
    }

    /** A duration compares with a time field (as an age) or another duration, never with a plain integer. */
    private void checkDuration(Int a, Int b, Expr.Compare at) {
        if (a.duration() != b.duration() && !(a.time() || b.time())) {
            boolean leftIsDuration = a.duration();
            throw new SeclCompileException("a duration compares with a time field such as process.created_at, not with "
                    + describe(leftIsDuration ? b : a, leftIsDuration ? at.right() : at.left()), at.pos());
        }
    }

    private static Bool negate(Bool b) {
        if (b.constant() != null) return constBool(!b.constant());
        BoolEval ev = b.eval();
        return new Bool(c -> !ev.eval(c), null, b.cost());
    }

    private Bool equal(Op l, Op r, Expr.Compare at) {
        if (l instanceof Str s) {
            StringMatcher m = stringMatcher(r, s.path(), at, "==");
            StrEval ev = s.eval();
            return new Bool(c -> m.matches(ev.eval(c)), null, s.cost() + m.cost());
        }
        if (l instanceof Strs s) {
            StringMatcher m = stringMatcher(r, s.path(), at, "==");
            StrsEval ev = s.eval();
            return new Bool(c -> {
                for (String v : ev.eval(c)) if (m.matches(v)) return true;
                return false;
            }, null, s.cost() + m.cost() * 2);
        }
        if (l instanceof Int i) {
            Int v = integer(r, at.right(), "'==' with " + describe(l, at.left()));
            checkDuration(i, v, at);
            if (i.constant() != null && v.constant() != null) return constBool(i.constant().longValue() == v.constant().longValue());
            LongEval a = i.eval(), b = v.eval();
            if (v.constant() != null) {
                long k = v.constant();
                return new Bool(c -> a.eval(c) == k, null, i.cost() + 1);
            }
            return new Bool(c -> a.eval(c) == b.eval(c), null, i.cost() + v.cost() + 1);
        }
        if (l instanceof Ints is) {
            Int v = integer(r, at.right(), "'==' with " + describe(l, at.left()));
            LongsEval a = is.eval();
            LongEval b = v.eval();
            return new Bool(c -> {
                long k = b.eval(c);
                for (long x : a.eval(c)) if (x == k) return true;
                return false;
            }, null, is.cost() + 2);
        }
        if (l instanceof Bool b) {
            if (!(r instanceof Bool rb)) {
                throw new SeclCompileException("'==' compares " + describe(l, at.left()) + " with " + describe(r, at.right())
                        + ": expected true or false", at.right().pos());
            }
            if (rb.constant() != null) {
                boolean k = rb.constant();
                BoolEval ev = b.eval();
                return k ? b : new Bool(c -> !ev.eval(c), null, b.cost());
            }
            BoolEval x = b.eval(), y = rb.eval();
            return new Bool(c -> x.eval(c) == y.eval(c), null, b.cost() + rb.cost());
        }
        throw new SeclCompileException("cannot compare " + describe(l, at.left()) + " with '=='", at.pos());
    }

    private Bool match(Op l, Op r, Expr.Compare at) {
        if (r instanceof Str rs && rs.constant() != null) {
            r = new Glb(rs.constant(), at.right().pos()); // "=~" with a plain string: a pattern, as in SECL
        }
        if (!(r instanceof Glb) && !(r instanceof Rgx)) {
            throw new SeclCompileException("'" + at.op().symbol + "' needs a pattern (~\"...\" or \"...\") or a regular expression (r\"...\"), found "
                    + describe(r, at.right()), at.right().pos());
        }
        if (!(l instanceof Str) && !(l instanceof Strs)) {
            throw new SeclCompileException("'" + at.op().symbol + "' matches strings, not " + describe(l, at.left()), at.left().pos());
        }
        return equal(l, r, at);
    }

    private Bool order(Expr.CompareOp op, Op l, Op r, Expr.Compare at) {
        Int a = integer(l, at.left(), "'" + op.symbol + "'");
        Int b = integer(r, at.right(), "'" + op.symbol + "'");
        LongEval x = a.eval(), y = b.eval();
        LongEval left = x;
        checkDuration(a, b, at);
        if (a.time() && b.duration()) {
            // process.created_at < 5s: the age (now - time) compared with the duration
            left = c -> {
                long t = x.eval(c);
                return t == 0 ? Long.MAX_VALUE : c.now - t;
            };
        }
        LongEval lhs = left;
        int cost = a.cost() + b.cost() + 1;
        if (b.constant() != null) {
            long k = b.constant();
            return switch (op) {
                case LT -> new Bool(c -> lhs.eval(c) < k, null, cost);
                case LE -> new Bool(c -> lhs.eval(c) <= k, null, cost);
                case GT -> new Bool(c -> lhs.eval(c) > k, null, cost);
                default -> new Bool(c -> lhs.eval(c) >= k, null, cost);
            };
        }
        return switch (op) {
            case LT -> new Bool(c -> lhs.eval(c) < y.eval(c), null, cost);
            case LE -> new Bool(c -> lhs.eval(c) <= y.eval(c), null, cost);
            case GT -> new Bool(c -> lhs.eval(c) > y.eval(c), null, cost);
            default -> new Bool(c -> lhs.eval(c) >= y.eval(c), null, cost);
        };
    }

    // ---------------------------------------------------------------------------- membership

    private Bool member(Expr.Member m, boolean cursor) {
        Op l = value(m.left(), cursor);
        Op r = value(m.right(), cursor);
        Bool in = switch (r) {
            case Arr arr -> inList(l, arr, m);
            case Strs vs when vs.field() == null -> inDynamic(l, vs, m); // an array variable
            case Ints vs -> inInts(l, vs, m);
            case Str s -> equal(l, s, new Expr.Compare(Expr.CompareOp.EQ, m.left(), m.right(), m.pos()));
            default -> throw new SeclCompileException("'" + m.op().symbol + "' needs a list [...], a values macro or an array variable, found "
                    + describe(r, m.right()), m.right().pos());
        };
        return m.op() == Expr.MemberOp.NOT_IN ? negate(in) : in;
    }

    private Bool inList(Op l, Arr arr, Expr.Member m) {
        boolean all = m.op() == Expr.MemberOp.ALLIN;
        if (l instanceof Str s) {
            if (all) throw new SeclCompileException("'allin' needs an array field on its left, found " + describe(l, m.left()), m.left().pos());
            StringMatcher matcher = StringMatcher.ofList(arr, s.path(), this);
            StrEval ev = s.eval();
            return new Bool(c -> matcher.matches(ev.eval(c)), null, s.cost() + matcher.cost());
        }
        if (l instanceof Strs s) {
            StringMatcher matcher = StringMatcher.ofList(arr, s.path(), this);
            StrsEval ev = s.eval();
            if (all) {
                return new Bool(c -> {
                    Collection<String> vs = ev.eval(c);
                    if (vs.isEmpty()) return false;
                    for (String v : vs) if (!matcher.matches(v)) return false;
                    return true;
                }, null, s.cost() + matcher.cost() * 2);
            }
            return new Bool(c -> {
                for (String v : ev.eval(c)) if (matcher.matches(v)) return true;
                return false;
            }, null, s.cost() + matcher.cost() * 2);
        }
        if (l instanceof Int i) {
            if (all) throw new SeclCompileException("'allin' needs an array field on its left", m.left().pos());
            Set<Long> set = longSet(arr);
            LongEval ev = i.eval();
            return new Bool(c -> set.contains(ev.eval(c)), null, i.cost() + 2);
        }
        if (l instanceof Ints is) {
            Set<Long> set = longSet(arr);
            LongsEval ev = is.eval();
            if (all) {
                return new Bool(c -> {
                    long[] vs = ev.eval(c);
                    if (vs.length == 0) return false;
                    for (long v : vs) if (!set.contains(v)) return false;
                    return true;
                }, null, is.cost() + 4);
            }
            return new Bool(c -> {
                for (long v : ev.eval(c)) if (set.contains(v)) return true;
                return false;
            }, null, is.cost() + 4);
        }
        throw new SeclCompileException("'" + m.op().symbol + "' cannot test " + describe(l, m.left()), m.left().pos());
    }

    private Bool inDynamic(Op l, Strs values, Expr.Member m) {
        StrsEval set = values.eval();
        if (l instanceof Str s) {
            StrEval ev = s.eval();
            return new Bool(c -> set.eval(c).contains(ev.eval(c)), null, s.cost() + COST_VARIABLE);
        }
        if (l instanceof Strs s) {
            StrsEval ev = s.eval();
            boolean all = m.op() == Expr.MemberOp.ALLIN;
            return new Bool(c -> {
                Collection<String> in = set.eval(c);
                Collection<String> vs = ev.eval(c);
                if (all) {
                    if (vs.isEmpty()) return false;
                    for (String v : vs) if (!in.contains(v)) return false;
                    return true;
                }
                for (String v : vs) if (in.contains(v)) return true;
                return false;
            }, null, s.cost() + COST_VARIABLE * 2);
        }
        throw new SeclCompileException("'" + m.op().symbol + "' with an array of strings needs a string on its left, found "
                + describe(l, m.left()), m.left().pos());
    }

    private Bool inInts(Op l, Ints values, Expr.Member m) {
        Int i = integer(l, m.left(), "'" + m.op().symbol + "' with an array of integers");
        LongEval ev = i.eval();
        LongsEval set = values.eval();
        return new Bool(c -> {
            long v = ev.eval(c);
            for (long x : set.eval(c)) if (x == v) return true;
            return false;
        }, null, i.cost() + COST_VARIABLE);
    }

    private Set<Long> longSet(Arr arr) {
        Set<Long> out = new HashSet<>();
        for (Op op : arr.elements()) {
            if (!(op instanceof Int i) || i.constant() == null) {
                throw new SeclCompileException("a list tested against an integer must hold integers, found "
                        + describe(op, null), arr.pos());
            }
            out.add(i.constant());
        }
        return out;
    }

    /** Matches one string against a literal, pattern, regex, CIDR, list of those, or a dynamic string. */
    private interface StringMatcher {
        boolean matches(String s);

        default int cost() { return 2; }

        static StringMatcher ofList(Arr arr, boolean path, Compiler compiler) {
            Set<String> exact = new HashSet<>();
            List<Glob> globs = new ArrayList<>();
            List<Pattern> regexes = new ArrayList<>();
            List<Cidr> cidrs = new ArrayList<>();
            for (Op op : arr.elements()) {
                switch (op) {
                    case Str s when s.constant() != null -> exact.add(s.constant());
                    case Glb g -> {
                        Glob glob = Glob.compile(g.text(), path);
                        globs.add(glob);
                    }
                    case Rgx r -> regexes.add(r.pattern());
                    case Ip ip -> cidrs.add(ip.cidr());
                    default -> throw new SeclCompileException("a list tested against a string must hold strings, patterns, regexes or IPs, found "
                            + compiler.describe(op, null), arr.pos());
                }
            }
            Glob[] gs = globs.toArray(new Glob[0]);
            Pattern[] rs = regexes.toArray(new Pattern[0]);
            Cidr[] cs = cidrs.toArray(new Cidr[0]);
            int cost = 2 + gs.length * 3 + rs.length * COST_REGEX + cs.length * 5;
            if (gs.length == 0 && rs.length == 0 && cs.length == 0) {
                return new StringMatcher() {
                    public boolean matches(String s) { return exact.contains(s); }
                    public int cost() { return 2; }
                };
            }
            return new StringMatcher() {
                public boolean matches(String s) {
                    if (exact.contains(s)) return true;
                    for (Glob g : gs) if (g.matches(s)) return true;
                    for (Pattern p : rs) if (p.matcher(s).find()) return true;
                    for (Cidr c : cs) if (c.contains(s)) return true;
                    return false;
                }
                public int cost() { return cost; }
            };
        }
    }

    private StringMatcher stringMatcher(Op r, boolean path, Expr.Compare at, String op) {
        return switch (r) {
            case Str s when s.constant() != null -> {
                String k = s.constant();
                yield k::equals;
            }
            case Str s -> {
                StrEval ev = s.eval();
                throw new SeclCompileException("comparing two dynamic strings is not supported here: compare with a value", at.pos());
            }
            case Glb g -> {
                Glob glob = Glob.compile(g.text(), path);
                yield new StringMatcher() {
                    public boolean matches(String v) { return glob.matches(v); }
                    public int cost() { return glob.cost(); }
                };
            }
            case Rgx rx -> {
                Pattern p = rx.pattern();
                yield new StringMatcher() {
                    public boolean matches(String v) { return p.matcher(v).find(); }
                    public int cost() { return COST_REGEX; }
                };
            }
            case Ip ip -> {
                Cidr cidr = ip.cidr();
                yield new StringMatcher() {
                    public boolean matches(String v) { return cidr.contains(v); }
                    public int cost() { return 5; }
                };
            }
            case Arr arr -> StringMatcher.ofList(arr, path, this);
            default -> throw new SeclCompileException("'" + op + "' compares a string with " + describe(r, at.right())
                    + ": expected a string, a pattern or a regular expression", at.right().pos());
        };
    }

    private static boolean isConstant(Op op) {
        return switch (op) {
            case Str s -> s.constant() != null;
            case Int i -> i.constant() != null;
            case Bool b -> b.constant() != null;
            case Glb g -> true;
            case Rgx r -> true;
            case Ip i -> true;
            case Arr a -> true;
            default -> false;
        };
    }

    /** How an operand reads in an error message. */
    private String describe(Op op, Expr at) {
        String what = switch (op) {
            case Str s -> s.constant() != null ? "the string \"" + s.constant() + "\"" : s.field() != null ? "the string field " + s.field().name() : "a string";
            case Strs s -> s.field() != null ? "the array field " + s.field().name() : "an array variable";
            case Int i -> i.duration() ? "a duration" : i.constant() != null ? "the integer " + i.constant() : i.time() ? "a time field" : "an integer";
            case Ints i -> "an array of integers";
            case Bool b -> b.constant() != null ? String.valueOf(b.constant()) : "a condition";
            case Glb g -> "the pattern ~\"" + g.text() + "\"";
            case Rgx r -> "the regular expression r\"" + r.pattern().pattern() + "\"";
            case Ip ip -> "the IP " + ip.text();
            case Arr a -> "a list";
        };
        return what;
    }

    // --------------------------------------------------------------------------- event type

    private EventType eventType(Pos pos) {
        Set<EventType> specific = EnumSet.noneOf(EventType.class);
        for (String name : fields) {
            Field f = Fields.get(name);
            if (f != null && !f.eventTypes().isEmpty() && f.eventTypes().size() < EventType.values().length) {
                if (specific.isEmpty()) {
                    specific.addAll(f.eventTypes());
                } else {
                    Set<EventType> before = EnumSet.copyOf(specific);
                    specific.retainAll(f.eventTypes());
                    if (specific.isEmpty()) {
                        throw new SeclCompileException("the expression mixes event types: " + name + " is a field of "
                                + ids(f.eventTypes()) + " events, but other fields are of " + ids(before)
                                + " events (a rule applies to one event type)", pos);
                    }
                }
            }
        }
        if (specific.size() == 1) {
            return specific.iterator().next();
        }
        if (specific.isEmpty()) {
            throw new SeclCompileException("the expression names no event type: use at least one field of the event, "
                    + "such as exec.file.path or open.file.path (process.* fields alone apply to every event)", pos);
        }
        throw new SeclCompileException("the expression applies to several event types (" + ids(specific)
                + "): use a field of exactly one", pos);
    }

    private static String ids(Set<EventType> types) {
        List<String> out = new ArrayList<>();
        for (EventType t : types) out.add(t.id());
        return String.join(", ", out);
    }

    // ----------------------------------------------------------------------------- approvers

    private void approvers(Expr e, List<Approver> out) {
        List<Expr> conjuncts = new ArrayList<>();
        if (e instanceof Expr.Logical l && l.op() == Expr.LogicalOp.AND) {
            conjuncts.addAll(flatten(l, Expr.LogicalOp.AND));
        } else {
            conjuncts.add(e);
        }
        for (Expr c : conjuncts) {
            Approver a = approver(c);
            if (a != null) out.add(a);
        }
    }

    private Approver approver(Expr e) {
        if (e instanceof Expr.Ident id && defs.expressionMacros().containsKey(id.name()) && Fields.get(id.name()) == null) {
            return null; // macros may be used several ways; keep approvers to literal conjuncts
        }
        Field f;
        List<Expr> values;
        boolean matchOp;
        if (e instanceof Expr.Compare cmp && (cmp.op() == Expr.CompareOp.EQ || cmp.op() == Expr.CompareOp.MATCH)
                && cmp.left() instanceof Expr.Ident id) {
            f = Fields.get(id.name());
            values = List.of(cmp.right());
            matchOp = cmp.op() == Expr.CompareOp.MATCH;
        } else if (e instanceof Expr.Member m && m.op() == Expr.MemberOp.IN && m.left() instanceof Expr.Ident id) {
            f = Fields.get(id.name());
            if (m.right() instanceof Expr.ArrayLit a) values = a.elements();
            else if (m.right() instanceof Expr.Ident mac && defs.valueMacros().containsKey(mac.name())) values = defs.valueMacros().get(mac.name());
            else if (m.right() instanceof Expr.Ident mac && defs.expressionMacros().get(mac.name()) instanceof Expr.ArrayLit a) values = a.elements();
            else return null;
            matchOp = false;
        } else {
            return null;
        }
        if (f instanceof Field.LongField && f.scope() != Field.ProcessScope.ANCESTORS && !matchOp) {
            Set<Long> numbers = new LinkedHashSet<>();
            for (Expr v : values) {
                Long n = switch (v) {
                    case Expr.IntLit i -> i.value();
                    case Expr.Ident c when Fields.get(c.name()) == null -> LinuxConstants.all().get(c.name());
                    default -> null;
                };
                if (n == null) return null;
                numbers.add(n);
            }
            return numbers.isEmpty() ? null : new Approver(f.name(), Set.of(), false, numbers);
        }
        if (!(f instanceof Field.StringField) || f.scope() == Field.ProcessScope.ANCESTORS) {
            return null;
        }
        boolean path = f.name().endsWith(".path");
        Set<String> exact = new LinkedHashSet<>();
        Set<String> prefixes = new LinkedHashSet<>();
        for (Expr v : values) {
            String glob = switch (v) {
                case Expr.StringLit s when !matchOp -> null;
                case Expr.StringLit s -> s.value();
                case Expr.PatternLit p -> p.pattern();
                default -> "\u0000"; // regexes and others: no approver
            };
            if ("\u0000".equals(glob)) return null;
            if (glob == null) {
                exact.add(((Expr.StringLit) v).value());
            } else if (glob.indexOf('*') < 0) {
                exact.add(glob);
            } else if (path && glob.indexOf('*') > 0) {
                // the index looks prefixes up at '/' boundaries: "/dev/sd*" is indexed under "/dev/"
                String literal = Glob.compile(glob, true).literalPrefix();
                int slash = literal.lastIndexOf('/');
                if (slash < 0) return null;
                prefixes.add(literal.substring(0, slash + 1));
            } else {
                return null; // a leading wildcard approves everything
            }
        }
        if (!prefixes.isEmpty()) {
            Set<String> all = new LinkedHashSet<>(prefixes);
            all.addAll(exact); // an exact path is its own prefix
            return new Approver(f.name(), all, true);
        }
        return new Approver(f.name(), exact, false);
    }

    static String describeForTests(Object o) { return Objects.toString(o); }
}
