package dev.vigil.detect.query;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled query: a tree of boolean operators over leaves that are bound to their field and
 * hold their value already parsed. Evaluation walks this tree, which is the compiled form (there
 * is no separate AST); the factories {@link #and}, {@link #or} and {@link #not} simplify while
 * building: nested operators are flattened, {@code *} is folded away, and conditions of one
 * {@code OR} on the same field become one {@link Matcher.AnyOf} checked in a single pass over the
 * field ({@code source:sshd OR source:sudo} is {@code source:(sshd OR sudo)}).
 *
 * <p>{@code AND} and {@code OR} evaluate their operands cheapest first and render them in the
 * order they were written.
 */
sealed interface Node {

    /** Binding strength for rendering: parentheses go around an operand that binds looser than its context. */
    int OR = 1, AND = 2, UNARY = 3;

    /**
     * @param c the event's lookups; only nodes made by {@link #bind} read it (unbound trees are
     *          evaluated with {@code null})
     */
    boolean matches(LogEvent e, EventCache c);

    /**
     * This node reading attributes and shared term results through {@code c}'s slots: the same
     * conditions, evaluated by {@link #matches} with that cache. Every leaf is memoised per event
     * under its canonical text, so a condition written in many rules ({@code source:sshd},
     * {@code @evt.outcome:failure}) is evaluated once per event.
     */
    default Node bind(EventCache c) { return this; }

    int cost();

    int precedence();

    /** Appends this node in canonical query syntax. */
    void render(StringBuilder out);

    default void render(StringBuilder out, int context) {
        if (precedence() < context) {
            out.append('(');
            render(out);
            out.append(')');
        } else {
            render(out);
        }
    }

    /** Matches every event: {@code *}, or an empty query. */
    Node ALL = new All();

    static Node and(List<Node> operands) {
        List<Node> flat = new ArrayList<>();
        for (Node n : operands) {
            if (n instanceof And a) flat.addAll(a.operands);
            else if (n != ALL) flat.add(n);
        }
        return flat.isEmpty() ? ALL : flat.size() == 1 ? flat.getFirst() : new And(flat);
    }

    static Node or(List<Node> operands) {
        List<Node> flat = new ArrayList<>();
        for (Node n : operands) {
            if (n == ALL) return ALL;
            if (n instanceof Or o) flat.addAll(o.operands);
            else flat.add(n);
        }
        // one AnyOf per field, where the field's first condition was
        Map<Target, List<Matcher>> conditions = new LinkedHashMap<>();
        List<Object> slots = new ArrayList<>(); // operands, and for each field the Target in its place
        for (Node n : flat) {
            if (!(n instanceof Field f)) {
                slots.add(n);
                continue;
            }
            List<Matcher> matchers = conditions.get(f.target);
            if (matchers == null) {
                conditions.put(f.target, matchers = new ArrayList<>());
                slots.add(f.target);
            }
            if (f.matcher instanceof Matcher.AnyOf any) matchers.addAll(List.of(any.members()));
            else matchers.add(f.matcher);
        }
        List<Node> merged = new ArrayList<>();
        for (Object slot : slots) {
            if (!(slot instanceof Target t)) {
                merged.add((Node) slot);
                continue;
            }
            List<Matcher> m = conditions.get(t);
            merged.add(new Field(t, m.size() == 1 ? m.getFirst() : new Matcher.AnyOf(m.toArray(Matcher[]::new))));
        }
        return merged.size() == 1 ? merged.getFirst() : new Or(merged);
    }

    static Node not(Node operand) {
        return operand instanceof Not n ? n.operand : new Not(operand);
    }

    private static Node[] byCost(List<Node> operands) {
        Node[] sorted = operands.toArray(Node[]::new);
        Arrays.sort(sorted, Comparator.comparingInt(Node::cost)); // stable: ties keep the written order
        return sorted;
    }

    private static List<Node> bindAll(List<Node> operands, EventCache c) {
        List<Node> out = new ArrayList<>(operands.size());
        for (Node n : operands) out.add(n.bind(c));
        return out;
    }

    private static int sum(List<Node> operands) {
        int c = 0;
        for (Node n : operands) c += n.cost();
        return c;
    }

    final class All implements Node {
        private All() {}
        @Override public boolean matches(LogEvent e, EventCache c) { return true; }
        @Override public int cost() { return 0; }
        @Override public int precedence() { return UNARY; }
        @Override public void render(StringBuilder out) { out.append('*'); }
    }

    final class And implements Node {
        final List<Node> operands;
        private final Node[] evaluation;
        private final int cost;

        private final Memos memos;

        And(List<Node> operands) {
            this.operands = List.copyOf(operands);
            this.evaluation = byCost(this.operands);
            this.cost = sum(this.operands);
            this.memos = Memos.of(evaluation);
        }

        @Override
        public boolean matches(LogEvent e, EventCache c) {
            if (memos == null) {
                for (Node n : evaluation) if (!n.matches(e, c)) return false;
                return true;
            }
            for (int i = 0; i < evaluation.length; i++) if (!memos.matches(i, evaluation, e, c)) return false;
            return true;
        }

        @Override public Node bind(EventCache c) { return new And(bindAll(operands, c)); }

        @Override public int cost() { return cost; }
        @Override public int precedence() { return AND; }

        @Override
        public void render(StringBuilder out) {
            for (int i = 0; i < operands.size(); i++) {
                if (i > 0) out.append(" AND ");
                operands.get(i).render(out, AND);
            }
        }
    }

    final class Or implements Node {
        final List<Node> operands;
        private final Node[] evaluation;
        private final int cost;

        private final Memos memos;

        Or(List<Node> operands) {
            this.operands = List.copyOf(operands);
            this.evaluation = byCost(this.operands);
            this.cost = sum(this.operands);
            this.memos = Memos.of(evaluation);
        }

        @Override
        public boolean matches(LogEvent e, EventCache c) {
            if (memos == null) {
                for (Node n : evaluation) if (n.matches(e, c)) return true;
                return false;
            }
            for (int i = 0; i < evaluation.length; i++) if (memos.matches(i, evaluation, e, c)) return true;
            return false;
        }

        @Override public Node bind(EventCache c) { return new Or(bindAll(operands, c)); }

        @Override public int cost() { return cost; }
        @Override public int precedence() { return OR; }

        @Override
        public void render(StringBuilder out) {
            for (int i = 0; i < operands.size(); i++) {
                if (i > 0) out.append(" OR ");
                operands.get(i).render(out, OR);
            }
        }
    }

    /**
     * {@code NOT}, {@code -}, {@code !}. On a multi-valued field it negates the whole condition:
     * {@code -@process.argv:-v} matches when no element is {@code -v}.
     */
    record Not(Node operand) implements Node {
        @Override public boolean matches(LogEvent e, EventCache c) { return !operand.matches(e, c); }
        @Override public Node bind(EventCache c) { return new Not(operand.bind(c)); }
        @Override public int cost() { return operand.cost(); }
        @Override public int precedence() { return UNARY; }

        @Override
        public void render(StringBuilder out) {
            out.append("NOT ");
            operand.render(out, UNARY);
        }
    }

    /** Full-text search: case-insensitive containment in the message, wildcards allowed. */
    record Text(Wildcard term) implements Node {
        @Override public boolean matches(LogEvent e, EventCache c) { return term.matches(e.message(), 0); }
        @Override public Node bind(EventCache c) { return Memo.of(this, c); }
        @Override public int cost() { return 8; }
        @Override public int precedence() { return UNARY; }

        @Override
        public void render(StringBuilder out) {
            if (term.hasWildcards()) Syntax.pattern(term.text(), term.kinds(), false, out);
            else Syntax.literal(term.text(), false, out);
        }
    }

    /** {@code field:value}: some value of the field satisfies the matcher. */
    record Field(Target target, Matcher matcher) implements Node {
        @Override public boolean matches(LogEvent e, EventCache c) { return target.any(e, c, matcher); }

        @Override
        public Node bind(EventCache c) {
            return Memo.of(target instanceof Target.Attribute a ? new Field(a.bind(c), matcher) : this, c);
        }

        @Override public int cost() { return target.cost() + matcher.cost(); }
        @Override public int precedence() { return UNARY; }

        @Override
        public void render(StringBuilder out) {
            Syntax.field(target, out);
            out.append(':');
            matcher.render(out);
        }
    }

    /** {@code field:*} and {@code _exists_:field}. */
    record Exists(Target target) implements Node {
        @Override public boolean matches(LogEvent e, EventCache c) { return target.exists(e, c); }

        @Override
        public Node bind(EventCache c) {
            return Memo.of(target instanceof Target.Attribute a ? new Exists(a.bind(c)) : this, c);
        }

        @Override public int cost() { return target.cost(); }
        @Override public int precedence() { return UNARY; }

        @Override
        public void render(StringBuilder out) {
            Syntax.field(target, out);
            out.append(":*");
        }
    }

    /**
     * A bound leaf whose result is kept per event under a term slot: the first rule to ask
     * evaluates it, the others read the result. Renders, costs and binds as the leaf. Every leaf
     * is memoised once bound: reading a result costs less than the cheapest leaf's compare.
     */
    record Memo(int term, Node leaf) implements Node {

        static Node of(Node leaf, EventCache c) {
            StringBuilder key = new StringBuilder();
            leaf.render(key);
            return new Memo(c.term(key.toString()), leaf);
        }

        @Override
        public boolean matches(LogEvent e, EventCache c) {
            int known = c.term(term);
            return known >= 0 ? known == 1 : c.term(term, leaf.matches(e, c));
        }

        @Override public Node bind(EventCache c) { return this; }
        @Override public int cost() { return leaf.cost(); }
        @Override public int precedence() { return leaf.precedence(); }
        @Override public void render(StringBuilder out) { leaf.render(out); }
    }

    /**
     * The memoised operands of a bound {@code AND} or {@code OR} ({@link Memo}, or {@link Not} of
     * one), read in place: a result already known this event costs no call. Null for an
     * operator with no such operand (every unbound tree).
     */
    record Memos(int[] terms, boolean[] negated, Node[] leaves) {

        static Memos of(Node[] operands) {
            int[] terms = new int[operands.length];
            boolean[] negated = new boolean[operands.length];
            Node[] leaves = new Node[operands.length];
            boolean any = false;
            for (int i = 0; i < operands.length; i++) {
                Node n = operands[i];
                boolean not = n instanceof Not;
                if (not) n = ((Not) n).operand();
                if (n instanceof Memo m) {
                    terms[i] = m.term();
                    negated[i] = not;
                    leaves[i] = m.leaf();
                    any = true;
                } else {
                    terms[i] = -1;
                }
            }
            return any ? new Memos(terms, negated, leaves) : null;
        }

        /** Operand {@code i}'s result. */
        boolean matches(int i, Node[] operands, LogEvent e, EventCache c) {
            int t = terms[i];
            if (t < 0) return operands[i].matches(e, c);
            int known = c.term(t);
            return (known >= 0 ? known == 1 : c.term(t, leaves[i].matches(e, c))) != negated[i];
        }
    }
}
