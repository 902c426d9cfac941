package dev.vigil.detect.normalize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.event.AttributePath;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test helpers: JSON parsing, resources, attribute reads. */
final class Json {

    private Json() {}

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) LogEventJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String resource(String name) {
        try (InputStream in = Json.class.getResourceAsStream("/normalize/" + name)) {
            if (in == null) throw new IllegalArgumentException("no test resource normalize/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> resourceLines(String name) {
        return resource(name).lines().filter(l -> !l.isBlank()).toList();
    }

    /** The first value at a dotted path of the event's attributes, as text; null when absent. */
    static String attr(LogEvent e, String path) {
        return AttributePath.of(path).firstText(e.attributes());
    }

    static JsonNode node(LogEvent e, String path) {
        return AttributePath.of(path).first(e.attributes());
    }
}
