package dev.vigil.secl.policy;

import dev.vigil.secl.ast.Expr;
import dev.vigil.secl.parse.Parser;
import dev.vigil.secl.parse.SeclSyntaxException;

/**
 * Rule {@code filters} ({@code os == "linux"}, {@code kernel.version.major >= 5}): SECL comparisons
 * over facts about the agent's machine, joined with {@code &&}, {@code ||} and {@code !}.
 */
final class Filters {
    private Filters() {}

    /** True or false, or {@code null} when the filter names an unknown fact or is not a comparison. */
    static Boolean evaluate(String filter, PolicyLoader.Facts facts) {
        try {
            return eval(Parser.parse(filter), facts);
        } catch (SeclSyntaxException e) {
            return null;
        }
    }

    private static Boolean eval(Expr e, PolicyLoader.Facts facts) {
        return switch (e) {
            case Expr.Logical l -> {
                Boolean a = eval(l.left(), facts), b = eval(l.right(), facts);
                if (a == null || b == null) yield null;
                yield l.op() == Expr.LogicalOp.AND ? a && b : a || b;
            }
            case Expr.Not n -> {
                Boolean a = eval(n.operand(), facts);
                yield a == null ? null : !a;
            }
            case Expr.Compare c when c.left() instanceof Expr.Ident id -> {
                Object fact = facts.values().get(id.name());
                if (fact == null) yield null;
                Object lit = switch (c.right()) {
                    case Expr.StringLit s -> s.value();
                    case Expr.IntLit i -> i.value();
                    default -> null;
                };
                if (lit == null) yield null;
                if (fact instanceof Long f && lit instanceof Long v) {
                    yield switch (c.op()) {
                        case EQ -> f.longValue() == v;
                        case NE -> f.longValue() != v;
                        case LT -> f < v;
                        case LE -> f <= v;
                        case GT -> f > v;
                        case GE -> f >= v;
                        default -> null;
                    };
                }
                yield switch (c.op()) {
                    case EQ -> fact.toString().equals(lit.toString());
                    case NE -> !fact.toString().equals(lit.toString());
                    default -> null;
                };
            }
            default -> null;
        };
    }
}
