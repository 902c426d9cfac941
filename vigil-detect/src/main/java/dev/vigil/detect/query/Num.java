package dev.vigil.detect.query;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A number written in a query ({@code 22}, {@code -1.5}, {@code 1e6}), parsed once, and the
 * comparisons of event values against it. Integers that fit a {@code long} compare exactly (nanosecond
 * timestamps need all 64 bits); everything else compares as {@code double}.
 *
 * @param text     as written, for {@code toString}
 * @param value    the value as a double
 * @param exact    the value as a long, when {@code integral}
 * @param integral whether the number is an integer that fits a long
 */
record Num(String text, double value, long exact, boolean integral) {

    /** Returned by the comparisons when the event value is not a number. */
    static final int NOT_A_NUMBER = Integer.MIN_VALUE;

    /** The number {@code text} denotes, or {@code null} when it is not a plain decimal number. */
    static Num parse(String text) {
        int end = numberEnd(text, 0);
        if (end != text.length()) return null;
        long l = parseLong(text, 0);
        if (l != NO_LONG) return new Num(text, l, l, true);
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) return null;
        return new Num(text, d, 0, false);
    }

    /** Compares a JSON value with this number: its sign, or {@link #NOT_A_NUMBER}. */
    int compare(JsonNode n) {
        if (n.isIntegralNumber() && n.canConvertToLong()) return compare(n.longValue());
        if (n.isNumber()) return compare(n.doubleValue());
        if (n.isTextual()) return compare(n.textValue(), 0);
        return NOT_A_NUMBER;
    }

    /**
     * Compares the number {@code s} spells from {@code from} to its end with this one: its sign,
     * or {@link #NOT_A_NUMBER}. Integers allocate nothing; decimals go through
     * {@link Double#parseDouble}.
     */
    int compare(String s, int from) {
        if (numberEnd(s, from) != s.length()) return NOT_A_NUMBER;
        long l = parseLong(s, from);
        if (l != NO_LONG) return compare(l);
        return compare(Double.parseDouble(s.substring(from)));
    }

    int compare(long v) {
        return integral ? Long.compare(v, exact) : compare((double) v);
    }

    int compare(double v) {
        if (Double.isNaN(v)) return NOT_A_NUMBER;
        return v < value ? -1 : v > value ? 1 : 0;
    }

    /** The end of the number syntax {@code [+-]? (d+ [. d*] | . d+) ([eE] [+-]? d+)?} starting at {@code from}; -1 when none. */
    private static int numberEnd(String s, int from) {
        int i = from, n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) { i++; digits++; }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) { i++; digits++; }
        }
        if (digits == 0) return -1;
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            int e = i + 1;
            if (e < n && (s.charAt(e) == '+' || s.charAt(e) == '-')) e++;
            int expDigits = 0;
            while (e < n && isDigit(s.charAt(e))) { e++; expDigits++; }
            if (expDigits == 0) return -1;
            i = e;
        }
        return i;
    }

    private static final long NO_LONG = Long.MIN_VALUE; // never produced: "-9223372036854775808" goes the double way

    /** {@code s} from {@code from} as a long when it is an integer that fits, else {@link #NO_LONG}. Syntax already checked. */
    private static long parseLong(String s, int from) {
        int i = from, n = s.length();
        boolean negative = false;
        if (s.charAt(i) == '+' || s.charAt(i) == '-') negative = s.charAt(i++) == '-';
        long v = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) return NO_LONG;
            int d = c - '0';
            if (v > (Long.MAX_VALUE - d) / 10) return NO_LONG;
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }
}
