package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Plain-text output of the API commands: aligned tables and times to the second. */
final class Text {

    private Text() {}

    /** Rows (under a header, if given), columns padded to their widest cell; the last column is not padded. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            if (header.length > 0) rows.add(header);
        }

        Table row(Object... cells) {
            String[] r = new String[cells.length];
            for (int i = 0; i < cells.length; i++) r[i] = cells[i] == null ? "" : safe(oneLine(String.valueOf(cells[i])));
            rows.add(r);
            return this;
        }

        boolean isEmpty() { return rows.isEmpty(); }

        void print(PrintWriter out) {
            if (rows.isEmpty()) return;
            int cols = rows.getFirst().length;
            int[] width = new int[cols];
            for (String[] r : rows) for (int i = 0; i < cols; i++) width[i] = Math.max(width[i], r[i].length());
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < cols; i++) {
                    line.append(r[i]);
                    if (i < cols - 1) line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }

    /** An ISO-8601 instant from the API, to the second ({@code 2026-11-22T21:40:53Z}); blank when absent. */
    static String time(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return "";
        try {
            return Instant.parse(n.asText()).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException x) {
            return n.asText();
        }
    }

    /** The text of a field, or {@code fallback} when it is absent, null or empty. */
    static String or(JsonNode n, String fallback) {
        return n == null || n.isNull() || n.isMissingNode() || n.asText().isEmpty() ? fallback : n.asText();
    }

    /**
     * {@code s} with control characters other than newline and tab shown as Java escapes (backslash, u, 4 hex digits).
     * Signal titles, messages and process arguments come from the monitored hosts, so an
     * attacker can put terminal escape sequences in them; printed raw, those could rewrite what
     * the responder sees.
     */
    static String safe(String s) {
        if (s == null) return "";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
            if (control && b == null) b = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (b != null) {
                if (control) b.append(String.format("\\u%04x", (int) c));
                else b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** {@code text} with each line indented, trailing blank lines dropped. */
    static void indented(PrintWriter out, String text, String indent) {
        for (String line : safe(text).stripTrailing().split("\n", -1)) out.println((indent + line).stripTrailing());
    }
}
