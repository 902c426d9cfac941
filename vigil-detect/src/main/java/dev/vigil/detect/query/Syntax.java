package dev.vigil.detect.query;

/**
 * Writing values and field names back in query syntax, for {@link Query#toString()}: whatever is
 * written here parses back to the same condition.
 */
final class Syntax {

    /** Characters a bare word may contain anywhere; anything else is quoted or escaped. */
    private static final String SAFE = "._-/+@,;=%#~'$";
    /** Characters a bare word may start with (besides letters and digits). */
    private static final String SAFE_FIRST = "_./";

    private Syntax() {}

    /**
     * A literal value or phrase: bare when that is unambiguous, else quoted with {@code \"} and
     * {@code \\}. A {@code value} (after {@code field:}) may contain {@code :}; full text may not.
     */
    static void literal(String text, boolean value, StringBuilder out) {
        if (bare(text, value)) {
            out.append(text);
            return;
        }
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') out.append('\\');
            out.append(c);
        }
        out.append('"');
    }

    /** A pattern: wildcards as written, every other special character escaped with {@code \}. */
    static void pattern(String text, String kinds, boolean value, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (kinds.charAt(i) != Wildcard.LITERAL || plain(c, i == 0) || value && c == ':' && i > 0) out.append(c);
            else out.append('\\').append(c);
        }
    }

    /** A field as it is written before {@code :}. */
    static void field(Target target, StringBuilder out) {
        String name = target.field();
        boolean special = target instanceof Target.Tag && (name.equals("_exists_") || name.equals("_missing_"));
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean at = i == 0 && c == '@' && target instanceof Target.Attribute;
            if (at || plain(c, i == 0) && !(i == 0 && special)) out.append(c);
            else out.append('\\').append(c);
        }
    }

    private static boolean bare(String text, boolean value) {
        if (text.isEmpty() || text.equals("AND") || text.equals("OR") || text.equals("NOT")) return false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!plain(c, i == 0) && !(value && c == ':' && i > 0)) return false;
        }
        return true;
    }

    private static boolean plain(char c, boolean first) {
        return Character.isLetterOrDigit(c) || Character.isSurrogate(c)
                || (first ? SAFE_FIRST : SAFE).indexOf(c) >= 0;
    }
}
