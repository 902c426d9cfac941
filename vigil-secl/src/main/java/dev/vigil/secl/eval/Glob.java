package dev.vigil.secl.eval;

import java.util.regex.Pattern;

/**
 * A SECL pattern ({@code ~"/etc/*"}). On path fields {@code *} matches within one path segment and
 * {@code **} across segments; elsewhere {@code *} matches anything. Common shapes (exact, prefix*,
 * *suffix, *infix*) avoid regexes entirely.
 */
final class Glob {

    private enum Shape { EXACT, PREFIX, SUFFIX, INFIX, REGEX }

    private final String text;
    private final Shape shape;
    private final String literal;
    private final Pattern regex;

    private Glob(String text, Shape shape, String literal, Pattern regex) {
        this.text = text;
        this.shape = shape;
        this.literal = literal;
        this.regex = regex;
    }

    static Glob compile(String glob, boolean pathField) {
        int stars = count(glob, '*');
        if (stars == 0) {
            return new Glob(glob, Shape.EXACT, glob, null);
        }
        if (pathField) {
            // "/etc/**" is a prefix; "/etc/*" stops at the next '/', so it needs the regex
            if (glob.endsWith("**") && stars == 2) {
                return new Glob(glob, Shape.PREFIX, glob.substring(0, glob.length() - 2), null);
            }
        } else {
            String core = glob.replace("**", "*");
            int n = count(core, '*');
            if (n == 1 && core.endsWith("*")) return new Glob(glob, Shape.PREFIX, core.substring(0, core.length() - 1), null);
            if (n == 1 && core.startsWith("*")) return new Glob(glob, Shape.SUFFIX, core.substring(1), null);
            if (n == 2 && core.length() > 2 && core.startsWith("*") && core.endsWith("*")) {
                return new Glob(glob, Shape.INFIX, core.substring(1, core.length() - 1), null);
            }
        }
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                boolean doubleStar = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
                if (doubleStar) i++;
                re.append(!pathField || doubleStar ? ".*" : "[^/]*");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new Glob(glob, Shape.REGEX, null, Pattern.compile(re.toString(), Pattern.DOTALL));
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
            case REGEX -> regex.matcher(s).matches();
        };
    }

    /** The literal text before the first wildcard (for prefix indexes). */
    String literalPrefix() {
        int star = text.indexOf('*');
        return star < 0 ? text : text.substring(0, star);
    }

    int cost() { return shape == Shape.REGEX ? 30 : 3; }

    @Override
    public String toString() { return "~\"" + text + "\""; }
}
