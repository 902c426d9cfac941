package dev.vigil.sensor.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRefTest {

    static final String DIGEST = "sha256:07a9a516aaa3996ada9d55e21ab69bbf00dd541dd0ab4be013b3e29e1c70bcc7";

    @ParameterizedTest(name = "{0} => {1}:{2}")
    @CsvSource(delimiter = '|', emptyValue = "", textBlock = """
            localhost/acme/web:1.0                 | acme/web                 | 1.0
            localhost/acme/web                     | acme/web                 | latest
            acme/web:1.0                           | acme/web                 | 1.0
            quay.io/org/app:2                      | quay.io/org/app          | 2
            registry:5000/x/y                      | registry:5000/x/y        | latest
            registry:5000/x/y:3.1-alpine           | registry:5000/x/y        | 3.1-alpine
            localhost:5000/acme/web:1.0            | localhost:5000/acme/web  | 1.0
            docker.io/library/nginx:1.25           | nginx                    | 1.25
            docker.io/library/nginx                | nginx                    | latest
            docker.io/bitnami/redis:7.2            | bitnami/redis            | 7.2
            index.docker.io/library/busybox:1.36   | busybox                  | 1.36
            index.docker.io/bitnami/redis          | bitnami/redis            | latest
            nginx                                  | nginx                    | latest
            nginx:latest                           | nginx                    | latest
            library/nginx:1                        | library/nginx            | 1
            ghcr.io/owner/repo/sub/image:v1.2.3    | ghcr.io/owner/repo/sub/image | v1.2.3
            '  localhost/acme/web:1.0  '           | acme/web                 | 1.0
            """)
    void parsesNameAndTag(String reference, String name, String tag) {
        assertThat(ImageRef.parse(reference)).isEqualTo(new ImageRef(name, tag));
    }

    @Test
    void digestOnlyHasEmptyTag() {
        assertThat(ImageRef.parse("docker.io/library/nginx@" + DIGEST)).isEqualTo(new ImageRef("nginx", ""));
        assertThat(ImageRef.parse("quay.io/org/app@" + DIGEST)).isEqualTo(new ImageRef("quay.io/org/app", ""));
        assertThat(ImageRef.parse("registry:5000/x/y@" + DIGEST)).isEqualTo(new ImageRef("registry:5000/x/y", ""));
    }

    @Test
    void tagAndDigestKeepsTheTag() {
        assertThat(ImageRef.parse("localhost/acme/web:1.0@" + DIGEST)).isEqualTo(new ImageRef("acme/web", "1.0"));
        assertThat(ImageRef.parse("registry:5000/x/y:2@" + DIGEST)).isEqualTo(new ImageRef("registry:5000/x/y", "2"));
    }

    /** Only a whole default prefix is stripped: {@code localhost:5000/} is a registry, {@code docker.io.evil/} too. */
    @Test
    void onlyDefaultPrefixesAreStripped() {
        assertThat(ImageRef.parse("docker.io.example.com/acme/web").name()).isEqualTo("docker.io.example.com/acme/web");
        assertThat(ImageRef.parse("localhostx/acme/web").name()).isEqualTo("localhostx/acme/web");
    }

    @Test
    void toStringIsTheShortReference() {
        assertThat(new ImageRef("acme/web", "1.0")).hasToString("acme/web:1.0");
        assertThat(new ImageRef("nginx", "")).hasToString("nginx");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void blankReferenceIsRejected(String reference) {
        assertThatThrownBy(() -> ImageRef.parse(reference))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme/web:", "localhost/", ":1.0", "@" + DIGEST})
    void malformedReferenceIsRejectedNamingIt(String reference) {
        assertThatThrownBy(() -> ImageRef.parse(reference))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + reference + "'");
    }
}
