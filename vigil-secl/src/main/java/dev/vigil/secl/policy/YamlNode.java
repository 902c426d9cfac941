package dev.vigil.secl.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where each node stands in the file (1-based line and
 * column), so that policy errors can point at the exact key or value. Scalars keep their text and
 * the JSON type Jackson inferred (string, integer, float, boolean, null).
 */
public sealed interface YamlNode {

    int line();
    int column();

    record Scalar(String text, Kind kind, int line, int column) implements YamlNode {
        public enum Kind { STRING, INT, FLOAT, BOOL, NULL }
    }

    /** A mapping; {@code keys} holds each key's own position for messages about the key itself. */
    record Mapping(Map<String, YamlNode> entries, Map<String, int[]> keys, int line, int column) implements YamlNode {}

    record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {}

    /** Where YAML itself is malformed. */
    final class YamlSyntaxException extends Exception {
        private final int line;
        private final int column;

        YamlSyntaxException(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }

        public int line() { return line; }
        public int column() { return column; }
    }

    YAMLFactory FACTORY = YAMLFactory.builder().build();

    /** Parses one YAML document. */
    static YamlNode parse(String text) throws YamlSyntaxException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new Mapping(Map.of(), Map.of(), 1, 1);
            }
            return read(p, t);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new YamlSyntaxException("invalid YAML: " + firstLine(e.getOriginalMessage()),
                    loc == null ? 1 : Math.max(1, loc.getLineNr()), loc == null ? 1 : Math.max(1, loc.getColumnNr()));
        } catch (IOException e) {
            throw new YamlSyntaxException("cannot read YAML: " + e.getMessage(), 1, 1);
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "syntax error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static YamlNode read(JsonParser p, JsonToken t) throws IOException, YamlSyntaxException {
        JsonLocation loc = p.currentTokenLocation();
        int line = loc.getLineNr(), col = loc.getColumnNr();
        return switch (t) {
            case START_OBJECT -> {
                Map<String, YamlNode> entries = new LinkedHashMap<>();
                Map<String, int[]> keys = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation kl = p.currentTokenLocation();
                    if (entries.containsKey(key)) {
                        throw new YamlSyntaxException("duplicate key '" + key + "'", kl.getLineNr(), kl.getColumnNr());
                    }
                    keys.put(key, new int[] {kl.getLineNr(), kl.getColumnNr()});
                    entries.put(key, read(p, p.nextToken()));
                }
                yield new Mapping(entries, keys, line, col);
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(read(p, e));
                }
                yield new Sequence(items, line, col);
            }
            case VALUE_STRING -> new Scalar(p.getText(), Scalar.Kind.STRING, line, col);
            case VALUE_NUMBER_INT -> new Scalar(p.getText(), Scalar.Kind.INT, line, col);
            case VALUE_NUMBER_FLOAT -> new Scalar(p.getText(), Scalar.Kind.FLOAT, line, col);
            case VALUE_TRUE, VALUE_FALSE -> new Scalar(p.getText(), Scalar.Kind.BOOL, line, col);
            case VALUE_NULL -> new Scalar("", Scalar.Kind.NULL, line, col);
            default -> throw new YamlSyntaxException("unexpected YAML token " + t, line, col);
        };
    }
}
