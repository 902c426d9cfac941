package dev.vigil.detect.rule;

import java.util.List;

/**
 * A case condition over the rule's query results, Datadog style: {@code a > 10},
 * {@code failed >= 10 && success > 0}, {@code a + b > 100}. Identifiers are query names; each
 * evaluates to that query's aggregate (count, distinct count) for the group in the window.
 * Compiled once to a small tree over query indexes; evaluation allocates nothing.
 */
public sealed interface Condition {

    double eval(double[] values);

    default boolean test(double[] values) { return eval(values) != 0; }

    /** Which query indexes the condition reads. */
    default void collect(boolean[] used) {}

    /** Parses {@code text} against the rule's query names; errors carry the 1-based column. */
    static Condition parse(String text, List<String> queryNames) {
        return new Parser(text, queryNames).parse();
    }

    /** Thrown for a malformed condition; {@code column} is 1-based. */
    final class ConditionException extends IllegalArgumentException {
        private final int column;

        ConditionException(int column, String message) {
            super("column " + column + ": " + message);
            this.column = column;
        }

        public int column() { return column; }
    }

    record Constant(double value) implements Condition {
        public double eval(double[] v) { return value; }
    }

    record QueryValue(int index) implements Condition {
        public double eval(double[] v) { return v[index]; }
        public void collect(boolean[] used) { used[index] = true; }
    }

    record Binary(char op, Condition left, Condition right) implements Condition {
        public double eval(double[] v) {
            return switch (op) {
                case '+' -> left.eval(v) + right.eval(v);
                case '-' -> left.eval(v) - right.eval(v);
                case '*' -> left.eval(v) * right.eval(v);
                case '/' -> { double r = right.eval(v); yield r == 0 ? 0 : left.eval(v) / r; }
                case '>' -> left.eval(v) > right.eval(v) ? 1 : 0;
                case 'g' -> left.eval(v) >= right.eval(v) ? 1 : 0;
                case '<' -> left.eval(v) < right.eval(v) ? 1 : 0;
                case 'l' -> left.eval(v) <= right.eval(v) ? 1 : 0;
                case '=' -> left.eval(v) == right.eval(v) ? 1 : 0;
                case '!' -> left.eval(v) != right.eval(v) ? 1 : 0;
                case '&' -> left.eval(v) != 0 && right.eval(v) != 0 ? 1 : 0;
                case '|' -> left.eval(v) != 0 || right.eval(v) != 0 ? 1 : 0;
                default -> throw new IllegalStateException("operator " + op);
            };
        }

        public void collect(boolean[] used) {
            left.collect(used);
            right.collect(used);
        }
    }

    record Not(Condition operand) implements Condition {
        public double eval(double[] v) { return operand.eval(v) == 0 ? 1 : 0; }
        public void collect(boolean[] used) { operand.collect(used); }
    }

    /** Recursive descent: or := and ('||' and)*; and := cmp ('&&' cmp)*; cmp := sum (op sum)?; sum := term (+|- term)*. */
    final class Parser {
        private final String s;
        private final List<String> names;
        private int i;

        Parser(String s, List<String> names) {
            this.s = s == null ? "" : s;
            this.names = names;
        }

        Condition parse() {
            skip();
            if (i >= s.length()) throw new ConditionException(1, "the condition is empty (write e.g. a > 0)");
            Condition c = or();
            skip();
            if (i < s.length()) throw error("expected an operator or the end but found '" + rest() + "'");
            return c;
        }

        private Condition or() {
            Condition c = and();
            while (take("||") || takeWord("or")) c = new Binary('|', c, and());
            return c;
        }

        private Condition and() {
            Condition c = not();
            while (take("&&") || takeWord("and")) c = new Binary('&', c, not());
            return c;
        }

        private Condition not() {
            skip();
            if ((peek('!') && !s.startsWith("!=", i) && take("!")) || takeWord("not")) return new Not(not());
            return comparison();
        }

        private Condition comparison() {
            Condition left = sum();
            skip();
            char op;
            if (take(">=")) op = 'g';
            else if (take("<=")) op = 'l';
            else if (take("==")) op = '=';
            else if (take("!=")) op = '!';
            else if (take(">")) op = '>';
            else if (take("<")) op = '<';
            else return left;
            return new Binary(op, left, sum());
        }

        private Condition sum() {
            Condition c = product();
            while (true) {
                skip();
                if (take("+")) c = new Binary('+', c, product());
                else if (take("-")) c = new Binary('-', c, product());
                else return c;
            }
        }

        private Condition product() {
            Condition c = primary();
            while (true) {
                skip();
                if (take("*")) c = new Binary('*', c, primary());
                else if (take("/")) c = new Binary('/', c, primary());
                else return c;
            }
        }

        private Condition primary() {
            skip();
            if (i >= s.length()) throw error("expected a query name, a number or '(' but found the end");
            char ch = s.charAt(i);
            if (ch == '(') {
                i++;
                Condition c = or();
                skip();
                if (!take(")")) throw error(i >= s.length() ? "missing ')'" : "expected ')' but found '" + rest() + "'");
                return c;
            }
            if (Character.isDigit(ch) || ch == '.') {
                int start = i;
                while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
                try {
                    return new Constant(Double.parseDouble(s.substring(start, i)));
                } catch (NumberFormatException x) {
                    i = start;
                    throw error("malformed number '" + s.substring(start, i) + "'");
                }
            }
            if (Character.isLetter(ch) || ch == '_') {
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
                String name = s.substring(start, i);
                int idx = names.indexOf(name);
                if (idx < 0) {
                    i = start;
                    throw error("unknown query '" + name + "' (queries: " + String.join(", ", names) + ")");
                }
                return new QueryValue(idx);
            }
            throw error("expected a query name, a number or '(' but found '" + rest() + "'");
        }

        private String rest() {
            int end = Math.min(s.length(), i + 12);
            return s.substring(i, end);
        }

        private boolean peek(char c) { return i < s.length() && s.charAt(i) == c; }

        private boolean take(String tok) {
            skip();
            if (s.startsWith(tok, i)) {
                i += tok.length();
                return true;
            }
            return false;
        }

        private boolean takeWord(String w) {
            skip();
            int end = i + w.length();
            if (end <= s.length() && s.regionMatches(true, i, w, 0, w.length())
                    && (end == s.length() || !Character.isLetterOrDigit(s.charAt(end)))) {
                i = end;
                return true;
            }
            return false;
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private ConditionException error(String msg) { return new ConditionException(i + 1, msg); }
    }
}
