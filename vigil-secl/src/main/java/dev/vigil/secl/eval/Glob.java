package dev.vigil.secl.eval;

/**
 * A SECL pattern ({@code ~"/etc/*"}). On path fields {@code *} matches within one path segment and
 * {@code **} across segments; elsewhere {@code *} matches anything. Common shapes (exact, prefix*,
 * *suffix, *infix*) are plain string tests; the rest use an allocation-free wildcard matcher.
 */
final class Glob {

    private enum Shape { EXACT, PREFIX, SUFFIX, INFIX, WILD }

    private final String text;
    private final Shape shape;
    private final String literal;
    private final boolean path;
    private final String literalPrefix;

    private Glob(String text, Shape shape, String literal, boolean path) {
        this.text = text;
        this.shape = shape;
        this.literal = literal;
        this.path = path;
        int star = text.indexOf('*');
        this.literalPrefix = star < 0 ? text : text.substring(0, star);
    }

    static Glob compile(String glob, boolean pathField) {
        int stars = count(glob, '*');
        if (stars == 0) {
            return new Glob(glob, Shape.EXACT, glob, pathField);
        }
        if (pathField) {
            // "/etc/**" is a prefix; "/etc/*" stops at the next '/', so it needs the regex
            if (glob.endsWith("**") && stars == 2) {
                return new Glob(glob, Shape.PREFIX, glob.substring(0, glob.length() - 2), pathField);
            }
        } else {
            String core = glob.replace("**", "*");
            int n = count(core, '*');
            if (n == 1 && core.endsWith("*")) return new Glob(glob, Shape.PREFIX, core.substring(0, core.length() - 1), pathField);
            if (n == 1 && core.startsWith("*")) return new Glob(glob, Shape.SUFFIX, core.substring(1), pathField);
            if (n == 2 && core.length() > 2 && core.startsWith("*") && core.endsWith("*")) {
                return new Glob(glob, Shape.INFIX, core.substring(1, core.length() - 1), pathField);
            }
        }
        return new Glob(glob, Shape.WILD, null, pathField);
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == c) n++;
        return n;
    }

    boolean matches(String s) {
        return switch (shape) {
            case EXACT -> s.equals(literal);
            case PREFIX -> s.startsWith(literal);
            case SUFFIX -> s.endsWith(literal);
            case INFIX -> s.contains(literal);
            case WILD -> s.startsWith(literalPrefix) && wild(text, 0, s, 0, path);
        };
    }

    /** The literal text before the first wildcard (for prefix indexes). */
    String literalPrefix() {
        int star = text.indexOf('*');
        return star < 0 ? text : text.substring(0, star);
    }

    int cost() { return shape == Shape.WILD ? 10 : 3; }

    /**
     * Wildcard matching without regexes or allocation: {@code *} matches within a path segment on
     * path fields (anything elsewhere), {@code **} matches anything. Backtracks only over stars;
     * policy patterns are short.
     */
    static boolean wild(String p, int pi, String s, int si, boolean path) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                boolean doubleStar = pi + 1 < p.length() && p.charAt(pi + 1) == '*';
                int next = pi + (doubleStar ? 2 : 1);
                boolean crossesSlash = doubleStar || !path;
                if (next == p.length()) {
                    return crossesSlash || s.indexOf('/', si) < 0;
                }
                for (int k = si; k <= s.length(); k++) {
                    if (wild(p, next, s, k, path)) return true;
                    if (k < s.length() && !crossesSlash && s.charAt(k) == '/') return false;
                }
                return false;
            }
            if (si >= s.length() || s.charAt(si) != c) return false;
            pi++;
            si++;
        }
        return si == s.length();
    }

    @Override
    public String toString() { return "~\"" + text + "\""; }
}
