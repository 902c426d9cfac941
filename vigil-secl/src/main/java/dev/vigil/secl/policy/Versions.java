package dev.vigil.secl.policy;

/** Version constraints as policies write them: {@code >= 7.35}, {@code < 8.0.0}, {@code >= 7.35, < 8}. */
final class Versions {
    private Versions() {}

    static boolean satisfies(String version, String constraint) {
        for (String part : constraint.split(",")) {
            String c = part.trim();
            if (c.isEmpty()) continue;
            String op = c.startsWith(">=") || c.startsWith("<=") || c.startsWith("==") || c.startsWith("!=") ? c.substring(0, 2)
                    : c.startsWith(">") || c.startsWith("<") || c.startsWith("=") ? c.substring(0, 1) : "==";
            int cmp = compare(version, c.substring(op.equals("==") && !c.startsWith("==") ? 0 : op.length()).trim());
            boolean ok = switch (op) {
                case ">=" -> cmp >= 0;
                case "<=" -> cmp <= 0;
                case ">" -> cmp > 0;
                case "<" -> cmp < 0;
                case "!=" -> cmp != 0;
                default -> cmp == 0;
            };
            if (!ok) return false;
        }
        return true;
    }

    static int compare(String a, String b) {
        String[] x = a.replaceFirst("^v", "").split("[.-]"), y = b.replaceFirst("^v", "").split("[.-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? num(x[i]) : 0, q = i < y.length ? num(y[i]) : 0;
            if (p != q) return Long.compare(p, q);
        }
        return 0;
    }

    private static long num(String s) {
        try {
            return Long.parseLong(s.replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
