package dev.vigil.detect.query;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.function.Predicate;

/**
 * A compiled value condition (what follows the {@code :} of {@code field:value}), tested against
 * the values a {@link Target} yields: strings (reserved attributes, tag values) through
 * {@link #matches(String, int)}, JSON leaves (attributes) through {@link #test(JsonNode)}. A
 * matcher is its own {@link Predicate}, so handing it to an attribute path allocates nothing.
 */
sealed interface Matcher extends Predicate<JsonNode> {

    /** Whether {@code s} from index {@code from} to its end (a tag's value part, or all of a reserved attribute) matches. */
    boolean matches(String s, int from);

    /** Whether a JSON leaf (a scalar or {@code null}, never missing) matches. */
    @Override
    boolean test(JsonNode leaf);

    /** A relative evaluation cost, to run cheap conditions first. */
    int cost();

    /** Appends the value in canonical query syntax. */
    void render(StringBuilder out);

    /**
     * A literal value: equal text, or for JSON numbers and booleans equal value ({@code 22}
     * matches {@code 22}, {@code 22.0} and {@code "22"}; {@code true} matches {@code true} and
     * {@code "true"}).
     */
    record Exact(String text, Num number, Boolean bool) implements Matcher {

        static Exact of(String text) {
            Boolean b = text.equals("true") ? Boolean.TRUE : text.equals("false") ? Boolean.FALSE : null;
            return new Exact(text, Num.parse(text), b);
        }

        @Override
        public boolean matches(String s, int from) {
            return s.length() - from == text.length() && s.startsWith(text, from);
        }

        @Override
        public boolean test(JsonNode n) {
            if (n.isTextual()) return text.equals(n.textValue());
            if (n.isNumber()) return number != null && number.compare(n) == 0;
            if (n.isBoolean()) return bool != null && n.booleanValue() == bool;
            return false;
        }

        @Override public int cost() { return 1; }

        @Override public void render(StringBuilder out) { Syntax.literal(text, true, out); }
    }

    /**
     * A value with {@code *} or {@code ?}. JSON numbers and booleans are matched by their text
     * (which allocates; patterns on numbers are rare).
     */
    record Pattern(Wildcard wildcard) implements Matcher {

        @Override
        public boolean matches(String s, int from) { return wildcard.matches(s, from); }

        @Override
        public boolean test(JsonNode n) {
            if (n.isTextual()) return wildcard.matches(n.textValue(), 0);
            if (n.isNumber() || n.isBoolean()) return wildcard.matches(n.asText(), 0);
            return false;
        }

        @Override public int cost() { return 3; }

        @Override public void render(StringBuilder out) { Syntax.pattern(wildcard.text(), wildcard.kinds(), true, out); }
    }

    /**
     * A numeric interval; a {@code null} bound is open. Matches JSON numbers and strings that
     * spell a number ({@code "8080"}); nothing else.
     */
    record Range(Num low, boolean lowInclusive, Num high, boolean highInclusive) implements Matcher {

        @Override
        public boolean matches(String s, int from) {
            return within(low == null ? 1 : low.compare(s, from), high == null ? -1 : high.compare(s, from));
        }

        @Override
        public boolean test(JsonNode n) {
            if (!n.isNumber() && !n.isTextual()) return false;
            return within(low == null ? 1 : low.compare(n), high == null ? -1 : high.compare(n));
        }

        /** {@code vsLow}, {@code vsHigh}: how the value compares with each bound. */
        private boolean within(int vsLow, int vsHigh) {
            if (vsLow == Num.NOT_A_NUMBER || vsHigh == Num.NOT_A_NUMBER) return false;
            return (vsLow > 0 || vsLow == 0 && lowInclusive) && (vsHigh < 0 || vsHigh == 0 && highInclusive);
        }

        @Override public int cost() { return 2; }

        @Override
        public void render(StringBuilder out) {
            if (low != null && high == null) {
                out.append(lowInclusive ? ">=" : ">").append(low.text());
            } else if (low == null && high != null) {
                out.append(highInclusive ? "<=" : "<").append(high.text());
            } else {
                out.append(lowInclusive ? '[' : '{').append(low == null ? "*" : low.text()).append(" TO ")
                        .append(high == null ? "*" : high.text()).append(highInclusive ? ']' : '}');
            }
        }
    }

    /** Textual IPv4 or IPv6 addresses inside any of the blocks. */
    record CidrSet(Cidr[] blocks) implements Matcher, Cidr.Sink {

        @Override
        public boolean matches(String s, int from) { return Cidr.parse(s, from, s.length(), this); }

        @Override
        public boolean test(JsonNode n) {
            return n.isTextual() && Cidr.parse(n.textValue(), 0, n.textValue().length(), this);
        }

        @Override
        public boolean accept(long hi, long lo) {
            for (Cidr b : blocks) if (b.contains(hi, lo)) return true;
            return false;
        }

        @Override public int cost() { return 4; }

        @Override
        public void render(StringBuilder out) {
            out.append("CIDR(");
            for (int i = 0; i < blocks.length; i++) out.append(i == 0 ? "" : ", ").append(blocks[i]);
            out.append(')');
        }
    }

    /** Any of several conditions on one field: {@code source:(sshd OR sudo)}, checked in one walk of the field. */
    record AnyOf(Matcher[] members) implements Matcher {

        @Override
        public boolean matches(String s, int from) {
            for (Matcher m : members) if (m.matches(s, from)) return true;
            return false;
        }

        @Override
        public boolean test(JsonNode n) {
            for (Matcher m : members) if (m.test(n)) return true;
            return false;
        }

        @Override
        public int cost() {
            int c = 0;
            for (Matcher m : members) c += m.cost();
            return c;
        }

        @Override
        public void render(StringBuilder out) {
            out.append('(');
            for (int i = 0; i < members.length; i++) {
                if (i > 0) out.append(" OR ");
                members[i].render(out);
            }
            out.append(')');
        }
    }
}
