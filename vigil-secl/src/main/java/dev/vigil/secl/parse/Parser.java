package dev.vigil.secl.parse;

import dev.vigil.secl.ast.Expr;
import dev.vigil.secl.ast.Pos;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for SECL expressions. Precedence, loosest first:
 * <pre>
 *   or      :=  and (("||" | "or") and)*
 *   and     :=  unary (("&&" | "and") unary)*
 *   unary   :=  ("!" | "not") unary | compare
 *   compare :=  bitwise [ ("==" | "!=" | "<" | "<=" | ">" | ">=" | "=~" | "!~") bitwise
 *                         | ("in" | "not" "in" | "allin") bitwise ]
 *   bitwise :=  additive (("&" | "|" | "^") additive)*
 *   additive:=  sign (("+" | "-") sign)*
 *   sign    :=  ("-" | "^") sign | primary
 *   primary :=  "(" or ")" | "[" [operand ("," operand)*] "]" | literal | name | variable
 * </pre>
 * As in Datadog's SECL, {@code open.flags & O_CREAT > 0} reads as {@code (open.flags & O_CREAT) > 0}.
 */
public final class Parser {

    private final List<Token> tokens;
    private int at;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /**
     * Parses a whole expression.
     *
     * @throws SeclSyntaxException with the line and column of the first problem
     */
    public static Expr parse(String expression) {
        Parser p = new Parser(Lexer.tokenize(expression));
        if (p.peek().kind() == Token.Kind.EOF) {
            throw new SeclSyntaxException("the expression is empty", p.peek().pos());
        }
        Expr e = p.or();
        Token t = p.peek();
        if (t.kind() != Token.Kind.EOF) {
            throw new SeclSyntaxException("expected an operator such as '&&' or '||', found " + t.describe(), t.pos());
        }
        return e;
    }

    private Token peek() { return tokens.get(at); }

    private Token peek(int ahead) { return tokens.get(Math.min(at + ahead, tokens.size() - 1)); }

    private Token take() { return tokens.get(at++); }

    private boolean accept(Token.Kind k) {
        if (peek().kind() == k) {
            at++;
            return true;
        }
        return false;
    }

    private Token expect(Token.Kind k, String what) {
        Token t = peek();
        if (t.kind() != k) {
            throw new SeclSyntaxException("expected " + what + ", found " + t.describe(), t.pos());
        }
        return take();
    }

    private Expr or() {
        Expr left = and();
        while (peek().kind() == Token.Kind.OR) {
            Token op = take();
            Expr right = operandAfter(op, this::and);
            left = new Expr.Logical(Expr.LogicalOp.OR, left, right, op.pos());
        }
        return left;
    }

    private Expr and() {
        Expr left = unary();
        while (peek().kind() == Token.Kind.AND) {
            Token op = take();
            Expr right = operandAfter(op, this::unary);
            left = new Expr.Logical(Expr.LogicalOp.AND, left, right, op.pos());
        }
        return left;
    }

    private Expr unary() {
        Token t = peek();
        // "not in" is a membership operator, handled in compare(); here "not" starts a negation
        if (t.kind() == Token.Kind.NOT && peek(1).kind() != Token.Kind.IN) {
            take();
            return new Expr.Not(operandAfter(t, this::unary), t.pos());
        }
        return compare();
    }

    private Expr compare() {
        Expr left = bitwise();
        Token t = peek();
        Expr.CompareOp op = switch (t.kind()) {
            case EQ -> Expr.CompareOp.EQ;
            case NE -> Expr.CompareOp.NE;
            case LT -> Expr.CompareOp.LT;
            case LE -> Expr.CompareOp.LE;
            case GT -> Expr.CompareOp.GT;
            case GE -> Expr.CompareOp.GE;
            case MATCH -> Expr.CompareOp.MATCH;
            case NOT_MATCH -> Expr.CompareOp.NOT_MATCH;
            default -> null;
        };
        if (op != null) {
            take();
            return new Expr.Compare(op, left, operandAfter(t, this::bitwise), t.pos());
        }
        Expr.MemberOp member = null;
        if (t.kind() == Token.Kind.IN) {
            member = Expr.MemberOp.IN;
            take();
        } else if (t.kind() == Token.Kind.ALLIN) {
            member = Expr.MemberOp.ALLIN;
            take();
        } else if (t.kind() == Token.Kind.NOT && peek(1).kind() == Token.Kind.IN) {
            member = Expr.MemberOp.NOT_IN;
            take();
            take();
        }
        if (member != null) {
            return new Expr.Member(member, left, operandAfter(t, this::bitwise), t.pos());
        }
        return left;
    }

    private Expr bitwise() {
        Expr left = additive();
        while (true) {
            Token t = peek();
            Expr.BitOp op = switch (t.kind()) {
                case AMP -> Expr.BitOp.AND;
                case PIPE -> Expr.BitOp.OR;
                case CARET -> Expr.BitOp.XOR;
                default -> null;
            };
            if (op == null) return left;
            take();
            left = new Expr.Bitwise(op, left, operandAfter(t, this::additive), t.pos());
        }
    }

    private Expr additive() {
        Expr left = sign();
        while (true) {
            Token t = peek();
            Expr.ArithOp op = t.kind() == Token.Kind.PLUS ? Expr.ArithOp.PLUS : t.kind() == Token.Kind.MINUS ? Expr.ArithOp.MINUS : null;
            if (op == null) return left;
            take();
            left = new Expr.Arith(op, left, operandAfter(t, this::sign), t.pos());
        }
    }

    private Expr sign() {
        Token t = peek();
        if (t.kind() == Token.Kind.MINUS) {
            take();
            return new Expr.Negate(operandAfter(t, this::sign), t.pos());
        }
        if (t.kind() == Token.Kind.CARET) {
            take();
            return new Expr.Complement(operandAfter(t, this::sign), t.pos());
        }
        return primary();
    }

    private Expr primary() {
        Token t = peek();
        return switch (t.kind()) {
            case LPAREN -> {
                take();
                Expr inner = operandAfter(t, this::or);
                expect(Token.Kind.RPAREN, "')' to close the '(' at " + t.pos());
                yield inner;
            }
            case LBRACKET -> array();
            case STRING -> new Expr.StringLit(take().text(), t.pos());
            case PATTERN -> new Expr.PatternLit(take().text(), t.pos());
            case REGEX -> new Expr.RegexLit(take().text(), t.pos());
            case INT -> new Expr.IntLit(integer(take()), t.pos());
            case DURATION -> new Expr.DurationLit(duration(take()), t.text(), t.pos());
            case TRUE -> { take(); yield new Expr.BoolLit(true, t.pos()); }
            case FALSE -> { take(); yield new Expr.BoolLit(false, t.pos()); }
            case IP -> new Expr.IpLit(take().text(), t.pos());
            case IDENT -> new Expr.Ident(take().text(), t.pos());
            case VAR -> new Expr.VarRef(take().text(), t.pos());
            default -> throw new SeclSyntaxException("expected a field, a value or '(', found " + t.describe(), t.pos());
        };
    }

    private Expr array() {
        Token open = take();
        List<Expr> elements = new ArrayList<>();
        if (!accept(Token.Kind.RBRACKET)) {
            do {
                Token t = peek();
                if (t.kind() == Token.Kind.RBRACKET) {
                    throw new SeclSyntaxException("expected a value after ',', found ']'", t.pos());
                }
                elements.add(sign());
            } while (accept(Token.Kind.COMMA));
            expect(Token.Kind.RBRACKET, "',' or ']' to close the list opened at " + open.pos());
        }
        return new Expr.ArrayLit(List.copyOf(elements), open.pos());
    }

    /** Parses the operand an operator needs, with an error naming the operator when it is missing. */
    private Expr operandAfter(Token op, java.util.function.Supplier<Expr> rule) {
        Token t = peek();
        if (t.kind() == Token.Kind.EOF || t.kind() == Token.Kind.RPAREN || t.kind() == Token.Kind.RBRACKET
                || t.kind() == Token.Kind.COMMA) {
            throw new SeclSyntaxException("expected an operand after '" + op.text() + "', found " + t.describe(), t.pos());
        }
        return rule.get();
    }

    static long integer(Token t) {
        String s = t.text().replace("_", "");
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) return Long.parseLong(s.substring(2), 16);
            if (s.startsWith("0o") || s.startsWith("0O")) return Long.parseLong(s.substring(2), 8);
            if (s.startsWith("0b") || s.startsWith("0B")) return Long.parseLong(s.substring(2), 2);
            if (s.length() > 1 && s.startsWith("0")) return Long.parseLong(s.substring(1), 8); // 04000, as in C
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new SeclSyntaxException("'" + t.text() + "' is not a number (decimal, 0x hex, 0o or leading-0 octal)", t.pos());
        }
    }

    static long duration(Token t) {
        String s = t.text();
        int u = 0;
        while (u < s.length() && Character.isDigit(s.charAt(u))) u++;
        long n = Long.parseLong(s.substring(0, u));
        long unit = switch (s.substring(u)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> throw new SeclSyntaxException("unknown duration unit in '" + s + "'", t.pos());
        };
        return Math.multiplyExact(n, unit);
    }

    static Pos posOf(Expr e) { return e.pos(); }
}
