package dev.vigil.server.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the console writes times and numbers: UTC, to the second; ages as "3 min ago". */
public final class Format {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Format() {}

    public static String time(long epochMs) {
        return TIME.format(Instant.ofEpochMilli(epochMs));
    }

    public static String iso(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    public static String ago(long epochMs) {
        long s = Math.max(0, (System.currentTimeMillis() - epochMs) / 1000);
        if (s < 60) return s + " s ago";
        if (s < 3600) return s / 60 + " min ago";
        if (s < 86_400) return s / 3600 + " h ago";
        return s / 86_400 + " d ago";
    }

    /** The entity page of {@code value}: a path segment, so percent-encoded (spaces as %20, not +). */
    public static String entityUrl(String kind, String value) {
        return "/entities/" + kind + "/" + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Entity kinds in the order pages list them. */
    public static final java.util.List<String> ENTITY_KINDS = java.util.List.of("host", "container", "image", "service", "user", "ip", "binary");

    /** MITRE ATT&CK's page of a tactic (TA0002) or technique (T1059, T1059.004) id; "#" for anything else. */
    public static String mitreUrl(String id) {
        if (id.matches("TA\\d{4}")) return "https://attack.mitre.org/tactics/" + id + "/";
        if (id.matches("T\\d{4}")) return "https://attack.mitre.org/techniques/" + id + "/";
        if (id.matches("T\\d{4}\\.\\d{3}")) return "https://attack.mitre.org/techniques/" + id.replace('.', '/') + "/";
        return "#";
    }

    /** An argv array as one line, each argument quoted when it has spaces. */
    public static String argv(com.fasterxml.jackson.databind.JsonNode argv) {
        if (argv == null || !argv.isArray()) return "";
        StringBuilder b = new StringBuilder();
        for (var a : argv) {
            String s = a.asText();
            if (!b.isEmpty()) b.append(' ');
            b.append(s.isEmpty() || s.chars().anyMatch(Character::isWhitespace) ? "'" + s.replace("'", "'\\''") + "'" : s);
        }
        return b.toString();
    }

    /** A signal's rule as a list shows it: its name, or its id when the name is a template ({{...}}). */
    public static String ruleLabel(dev.vigil.detect.signal.Signal s) {
        return s.ruleName().contains("{{") ? s.ruleId() : s.ruleName();
    }

    public static String count(long n) {
        if (n < 10_000) return Long.toString(n);
        if (n < 1_000_000) return String.format("%.1fk", n / 1000.0);
        return String.format("%.1fM", n / 1_000_000.0);
    }
}
