package dev.vigil.secl.policy;

import dev.vigil.secl.ast.Pos;

/**
 * Maps a position inside an expression to a line and column of the policy file, so errors point at
 * the file. Handles plain and quoted scalars on the key's line, literal blocks ({@code |}) and folded
 * blocks ({@code >}, where YAML joins the lines with spaces).
 */
final class ExprLocator {
    private ExprLocator() {}

    static int[] locate(String fileText, YamlNode.Scalar scalar, Pos pos) {
        String[] lines = fileText.split("\n", -1);
        int l = scalar.line() - 1;
        if (l < 0 || l >= lines.length) return new int[] {scalar.line(), scalar.column()};
        String line = lines[l];
        int c = Math.min(Math.max(scalar.column() - 1, 0), Math.max(line.length() - 1, 0));
        char indicator = line.isEmpty() ? ' ' : line.charAt(c);
        if (indicator == '|' || indicator == '>') {
            return block(lines, l, indicator == '>', pos, scalar);
        }
        boolean quoted = indicator == '"' || indicator == '\'';
        if (pos.line() == 1) {
            return new int[] {scalar.line(), scalar.column() + (quoted ? 1 : 0) + pos.column() - 1};
        }
        return new int[] {scalar.line() + pos.line() - 1, pos.column()};
    }

    private static int[] block(String[] lines, int indicatorLine, boolean folded, Pos pos, YamlNode.Scalar scalar) {
        int first = indicatorLine + 1;
        while (first < lines.length && lines[first].isBlank()) first++;
        if (first >= lines.length) return new int[] {scalar.line(), scalar.column()};
        int indent = 0;
        while (indent < lines[first].length() && lines[first].charAt(indent) == ' ') indent++;
        if (!folded) {
            int fileLine = first + pos.line(); // 0-based first content line + 1-based expression line
            return new int[] {fileLine, indent + pos.column()};
        }
        // folded: content lines joined with single spaces; find the line holding the offset
        int offset = pos.column() - 1;
        int start = 0;
        for (int i = first; i < lines.length; i++) {
            String raw = lines[i];
            if (raw.isBlank() || leading(raw) < indent) break;
            String content = raw.substring(indent);
            if (offset <= start + content.length()) {
                return new int[] {i + 1, indent + (offset - start) + 1};
            }
            start += content.length() + 1;
        }
        return new int[] {first + 1, indent + 1};
    }

    private static int leading(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(n) == ' ') n++;
        return n;
    }
}
