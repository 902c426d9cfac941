package dev.vigil.secl.ast;

import java.util.List;

/**
 * The syntax tree of a SECL expression, as parsed: names are not yet resolved (an {@link Ident} may
 * be a field, a macro or a constant) and nothing is typed. Every node knows where it came from.
 */
public sealed interface Expr {

    Pos pos();

    enum LogicalOp { AND, OR }

    enum CompareOp {
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), MATCH("=~"), NOT_MATCH("!~");
        public final String symbol;
        CompareOp(String s) { symbol = s; }
    }

    enum MemberOp {
        IN("in"), NOT_IN("not in"), ALLIN("allin");
        public final String symbol;
        MemberOp(String s) { symbol = s; }
    }

    enum BitOp {
        AND("&"), OR("|"), XOR("^");
        public final String symbol;
        BitOp(String s) { symbol = s; }
    }

    enum ArithOp {
        PLUS("+"), MINUS("-");
        public final String symbol;
        ArithOp(String s) { symbol = s; }
    }

    record Logical(LogicalOp op, Expr left, Expr right, Pos pos) implements Expr {}

    record Not(Expr operand, Pos pos) implements Expr {}

    record Compare(CompareOp op, Expr left, Expr right, Pos pos) implements Expr {}

    /** {@code left in right}: right is an array literal, a values macro, or an array variable. */
    record Member(MemberOp op, Expr left, Expr right, Pos pos) implements Expr {}

    record Bitwise(BitOp op, Expr left, Expr right, Pos pos) implements Expr {}

    record Arith(ArithOp op, Expr left, Expr right, Pos pos) implements Expr {}

    /** Unary minus. */
    record Negate(Expr operand, Pos pos) implements Expr {}

    /** Unary {@code ^}: bitwise complement. */
    record Complement(Expr operand, Pos pos) implements Expr {}

    /** A dotted name: a field (with an optional {@code .length} suffix), a macro, or a constant. */
    record Ident(String name, Pos pos) implements Expr {}

    /** {@code ${scope.name}} or {@code ${name}}, optionally with {@code .length}. */
    record VarRef(String name, Pos pos) implements Expr {}

    record StringLit(String value, Pos pos) implements Expr {}

    /** {@code ~"..."}: a glob pattern. */
    record PatternLit(String pattern, Pos pos) implements Expr {}

    /** {@code r"..."}: a regular expression. */
    record RegexLit(String regex, Pos pos) implements Expr {}

    record IntLit(long value, Pos pos) implements Expr {}

    record BoolLit(boolean value, Pos pos) implements Expr {}

    /** {@code 30s}, {@code 5m}: nanoseconds. */
    record DurationLit(long nanos, String text, Pos pos) implements Expr {}

    /** An IP address or a CIDR block, as written ({@code 10.0.0.0/8}, {@code ::1}). */
    record IpLit(String text, Pos pos) implements Expr {}

    record ArrayLit(List<Expr> elements, Pos pos) implements Expr {}
}
