package dev.vigil.detect.rule;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML or JSON document read into a Jackson tree, remembering where each value starts so a
 * validation problem can name {@code line:column} as well as the field path. Jackson's tree
 * model drops locations, hence this small streaming builder.
 */
public final class LocatedTree {

    /** A position in the source text, 1-based. */
    public record Position(int line, int column) {
        @Override public String toString() { return line + ":" + column; }
    }

    private static final JsonFactory JSON = new JsonFactory();
    private static final YAMLFactory YAML = new YAMLFactory();

    private final JsonNode root;
    private final Map<String, Position> positions;
    private final String[] lines;

    private LocatedTree(JsonNode root, Map<String, Position> positions, String text) {
        this.root = root;
        this.positions = positions;
        this.lines = text.split("\n", -1);
    }

    /** The character at a position, or 0 when outside the text. */
    public char charAt(Position p) {
        if (p.line() < 1 || p.line() > lines.length) return 0;
        String l = lines[p.line() - 1];
        return p.column() >= 1 && p.column() <= l.length() ? l.charAt(p.column() - 1) : 0;
    }

    public JsonNode root() { return root; }

    private static final String KEY = "#key";

    /** Where the key of the field at {@code path} starts (the value's position when unknown). */
    public Position keyPosition(String path) {
        Position p = positions.get(path + KEY);
        return p != null ? p : position(path);
    }

    /** Where the value at {@code path} (as {@link #child} builds it) starts, or the nearest enclosing value's. */
    public Position position(String path) {
        String p = path;
        while (true) {
            Position pos = positions.get(p);
            if (pos != null) return pos;
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) return positions.getOrDefault("", new Position(1, 1));
            p = p.substring(0, cut);
        }
    }

    /** The path of a field of an object at {@code parent}. */
    public static String child(String parent, String field) { return parent.isEmpty() ? field : parent + "." + field; }

    /** The path of an element of an array at {@code parent}. */
    public static String element(String parent, int index) { return parent + "[" + index + "]"; }

    /**
     * Reads {@code text}: JSON when it starts with '{' or '[', else YAML. Syntax errors are
     * reported as {@link RuleException} with the position.
     */
    public static LocatedTree read(String text, String sourceName) {
        String t = text.stripLeading();
        boolean json = t.startsWith("{") || t.startsWith("[");
        Map<String, Position> positions = new HashMap<>();
        try (JsonParser p = (json ? JSON : YAML).createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) throw new RuleException(sourceName, new RuleProblem("", new Position(1, 1), "the document is empty"));
            JsonNode root = value(p, "", positions);
            return new LocatedTree(root, positions, text);
        } catch (IOException x) {
            JsonLocation loc = x instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getLocation() : null;
            Position pos = loc == null ? new Position(1, 1) : new Position(loc.getLineNr(), loc.getColumnNr());
            String msg = x instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage() : x.getMessage();
            throw new RuleException(sourceName, new RuleProblem("", pos, (json ? "JSON" : "YAML") + " syntax: " + firstLine(msg)));
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static JsonNode value(JsonParser p, String path, Map<String, Position> positions) throws IOException {
        JsonLocation loc = p.currentTokenLocation();
        positions.put(path, new Position(loc.getLineNr(), loc.getColumnNr()));
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonLocation nameLoc = p.currentTokenLocation();
                    p.nextToken();
                    String childPath = child(path, name);
                    JsonNode v = value(p, childPath, positions);
                    // point a field at its key when the value is a nested block (clearer in YAML)
                    Position keyPos = new Position(nameLoc.getLineNr(), nameLoc.getColumnNr());
                    positions.put(childPath + KEY, keyPos);
                    if (v.isContainerNode()) positions.put(childPath, keyPos);
                    o.set(name, v);
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) a.add(value(p, element(path, i++), positions));
                yield a;
            }
            case VALUE_STRING -> f.textNode(p.getText());
            case VALUE_NUMBER_INT -> f.numberNode(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> f.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> f.booleanNode(true);
            case VALUE_FALSE -> f.booleanNode(false);
            case VALUE_NULL -> f.nullNode();
            default -> throw new IOException("unexpected " + t);
        };
    }
}
