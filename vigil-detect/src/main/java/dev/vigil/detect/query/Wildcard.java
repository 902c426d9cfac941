package dev.vigil.detect.query;

/**
 * A value pattern with {@code *} (any run of characters, across {@code /} too) and {@code ?} (one
 * character), matched without regexes and without allocating. Which characters are wildcards is
 * given by a parallel {@code kinds} string, so an escaped {@code \*} stays a literal star.
 *
 * <p>Common shapes (exact, {@code prefix*}, {@code *suffix}, {@code *infix*}) are plain string
 * tests; the rest use the linear star-backtracking matcher in {@link #general}. Full-text terms
 * are compiled in <em>contains</em> mode (an implicit star on both sides) and case-insensitive
 * (the pattern is lower-cased once, character by character, so lengths never change).
 */
final class Wildcard {

    /** Kinds of pattern characters, as stored in the {@code kinds} strings the parser builds. */
    static final char LITERAL = 'L', STAR = '*', ONE = '?';

    private enum Shape { EXACT, PREFIX, SUFFIX, INFIX, GENERAL }

    private final String text;
    private final String kinds;
    private final boolean ignoreCase;
    private final Shape shape;
    /** The literal part for the fast shapes (lower-cased when ignoring case). */
    private final String literal;
    /** The pattern for {@link Shape#GENERAL}, contains-mode stars included (lower-cased when ignoring case). */
    private final char[] chars;
    private final char[] kindOf;

    /**
     * @param text       the pattern, unescaped
     * @param kinds      same length as {@code text}: {@link #LITERAL}, {@link #STAR} or {@link #ONE} per character
     * @param contains   match anywhere in the value (full-text search) instead of the whole value
     * @param ignoreCase compare characters case-insensitively
     */
    Wildcard(String text, String kinds, boolean contains, boolean ignoreCase) {
        if (text.length() != kinds.length()) throw new IllegalArgumentException("kinds do not match the pattern");
        this.text = text;
        this.kinds = kinds;
        this.ignoreCase = ignoreCase;
        String p = ignoreCase ? lower(text) : text;
        String k = kinds;
        if (contains) {
            p = "*" + p + "*";
            k = STAR + k + STAR;
        }
        // collapse runs of stars: "a**b" is "a*b"
        StringBuilder pc = new StringBuilder(p.length()), kc = new StringBuilder(k.length());
        for (int i = 0; i < p.length(); i++) {
            if (k.charAt(i) == STAR && !kc.isEmpty() && kc.charAt(kc.length() - 1) == STAR) continue;
            pc.append(p.charAt(i));
            kc.append(k.charAt(i));
        }
        this.chars = pc.toString().toCharArray();
        this.kindOf = kc.toString().toCharArray();
        String kk = kc.toString();
        int stars = count(kk, STAR);
        boolean ones = kk.indexOf(ONE) >= 0;
        boolean lead = kk.startsWith("*"), trail = kk.endsWith("*");
        String core = pc.substring(lead ? 1 : 0, Math.max(lead ? 1 : 0, pc.length() - (trail ? 1 : 0)));
        if (ones || stars > 2 || (stars > 0 && !lead && !trail) || (stars == 2 && !(lead && trail))) {
            shape = Shape.GENERAL;
        } else if (stars == 0) {
            shape = Shape.EXACT;
        } else if (lead && trail) {
            shape = Shape.INFIX;
        } else {
            shape = lead ? Shape.SUFFIX : Shape.PREFIX;
        }
        this.literal = shape == Shape.GENERAL ? null : core;
    }

    /** The pattern as written: unescaped text and its kinds, for rendering. */
    String text() { return text; }

    String kinds() { return kinds; }

    boolean hasWildcards() { return kinds.indexOf(STAR) >= 0 || kinds.indexOf(ONE) >= 0; }

    /** Whether the part of {@code s} from {@code from} to its end matches. */
    boolean matches(String s, int from) {
        int len = s.length() - from;
        return switch (shape) {
            case EXACT -> len == literal.length() && region(s, from, literal);
            case PREFIX -> len >= literal.length() && region(s, from, literal);
            case SUFFIX -> len >= literal.length() && region(s, s.length() - literal.length(), literal);
            case INFIX -> indexOf(s, from, literal);
            case GENERAL -> general(s, from);
        };
    }

    private boolean region(String s, int at, String lit) {
        if (!ignoreCase) return s.startsWith(lit, at);
        for (int i = 0; i < lit.length(); i++) {
            if (!same(s.charAt(at + i), lit.charAt(i))) return false;
        }
        return true;
    }

    private boolean indexOf(String s, int from, String lit) {
        if (!ignoreCase) return s.indexOf(lit, from) >= 0;
        for (int at = from, last = s.length() - lit.length(); at <= last; at++) {
            if (region(s, at, lit)) return true;
        }
        return false;
    }

    private boolean same(char c, char p) {
        return c == p || ignoreCase && Character.toLowerCase(c) == p;
    }

    /**
     * Matches the whole of {@code s} from {@code from}: walk both strings; on a star remember where
     * it was and let it match nothing; on a mismatch go back to the last star and let it swallow
     * one more character. Stars before the last one never need revisiting, so this is
     * O(pattern x value) at worst and allocates nothing. {@code ?} takes one code point.
     */
    private boolean general(String s, int from) {
        int p = 0, i = from, n = s.length(), m = chars.length;
        int starP = -1, starI = 0;
        while (i < n) {
            if (p < m && kindOf[p] == STAR) {
                starP = p++;
                starI = i;
            } else if (p < m && kindOf[p] == ONE) {
                i += Character.isHighSurrogate(s.charAt(i)) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1)) ? 2 : 1;
                p++;
            } else if (p < m && same(s.charAt(i), chars[p])) {
                p++;
                i++;
            } else if (starP >= 0) {
                p = starP + 1;
                i = ++starI;
            } else {
                return false;
            }
        }
        while (p < m && kindOf[p] == STAR) p++;
        return p == m;
    }

    private static String lower(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) c[i] = Character.toLowerCase(c[i]);
        return new String(c);
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == c) n++;
        return n;
    }
}
