package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttributePathTest {

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) LogEventJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static final ObjectNode EXEC = json("""
            {"process":{"file":{"path":"/usr/bin/curl"},
                        "ancestors":[{"file":{"path":"/bin/sh"}},{"file":{"path":"/usr/bin/python3"}}],
                        "argv":[]},
             "usr.name":"root",
             "container":{"id":null,"image.name":"acme/web"}}
            """);

    @Test
    void nestedObjectsAndArrayFanOut() {
        assertThat(AttributePath.of("process.file.path").firstText(EXEC)).isEqualTo("/usr/bin/curl");
        assertThat(AttributePath.of("process.ancestors.file.path").anyMatch(EXEC, n -> n.asText().equals("/usr/bin/python3"))).isTrue();
        assertThat(AttributePath.of("process.ancestors.file.path").firstText(EXEC)).isEqualTo("/bin/sh");
    }

    @Test
    void literalDottedKeysAtAnyLevel() {
        assertThat(AttributePath.of("usr.name").firstText(EXEC)).isEqualTo("root");
        assertThat(AttributePath.of("container.image.name").firstText(EXEC)).isEqualTo("acme/web");
    }

    @Test
    void existsCountsObjectsAndArraysButNotNullOrEmptyArrays() {
        assertThat(AttributePath.of("process").exists(EXEC)).isTrue();
        assertThat(AttributePath.of("process.ancestors").exists(EXEC)).isTrue();
        assertThat(AttributePath.of("process.ancestors.file").exists(EXEC)).isTrue();
        assertThat(AttributePath.of("process.argv").exists(EXEC)).isFalse();
        assertThat(AttributePath.of("container.id").exists(EXEC)).isFalse();
        assertThat(AttributePath.of("container.image.name").exists(EXEC)).isTrue();
        assertThat(AttributePath.of("process.file.path.deeper").exists(EXEC)).isFalse();
    }

    @Test
    void anyMatchSeesLeavesOnly() {
        assertThat(AttributePath.of("process.file").anyMatch(EXEC, n -> true)).isFalse();
        assertThat(AttributePath.of("process.file").first(EXEC)).isNull();
    }

    @Test
    void rejectsAnEmptyPath() {
        assertThatThrownBy(() -> AttributePath.of("")).isInstanceOf(IllegalArgumentException.class);
    }
}
