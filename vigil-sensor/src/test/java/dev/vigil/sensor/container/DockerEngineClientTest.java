package dev.vigil.sensor.container;

import static dev.vigil.sensor.container.EngineResponses.PODMAN_ID;
import static dev.vigil.sensor.container.EngineResponses.PODMAN_INSPECT_JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.model.ContainerInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerEngineClientTest {

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** 2026-11-22T19:07:10.787740546Z in Unix nanoseconds. */
    static final long PODMAN_CREATED = Instant.parse("2026-11-22T19:07:10.787740546Z").getEpochSecond() * 1_000_000_000L
            + 787_740_546L;

    static final ContainerInfo PODMAN_INFO =
            new ContainerInfo(PODMAN_ID, "nervous_carver", "acme/web", "1.0", "podman", PODMAN_CREATED);

    @TempDir
    Path dir;

    @Test
    void inspectsAPodmanContainer() throws IOException {
        try (FakeEngine engine = FakeEngine.start(dir.resolve("podman.sock"),
                request -> EngineResponses.podman200(PODMAN_INSPECT_JSON))) {
            DockerEngineClient client = new DockerEngineClient(engine.socket(), TIMEOUT);

            assertThat(client.inspect(PODMAN_ID, "podman")).contains(PODMAN_INFO);
            assertThat(engine.requests()).containsExactly("GET /v1.41/containers/" + PODMAN_ID + "/json HTTP/1.0");
        }
    }

    @Test
    void unknownContainerIsEmpty() throws IOException {
        try (FakeEngine engine = FakeEngine.start(dir.resolve("podman.sock"), request -> EngineResponses.podman404(PODMAN_ID))) {
            assertThat(new DockerEngineClient(engine.socket(), TIMEOUT).inspect(PODMAN_ID, "podman")).isEmpty();
        }
    }

    @Test
    void serverErrorNamesStatusSocketAndMessage() throws IOException {
        Path socket = dir.resolve("docker.sock");
        try (FakeEngine engine = FakeEngine.start(socket, request -> EngineResponses.docker500("layer store is locked"))) {
            assertThatThrownBy(() -> new DockerEngineClient(engine.socket(), TIMEOUT).inspect(PODMAN_ID, "docker"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("500 Internal Server Error")
                    .hasMessageContaining(socket.toString())
                    .hasMessageContaining("layer store is locked");
        }
    }

    @Test
    void silentEngineTimesOutNamingSocketAndTimeout() throws IOException {
        Path socket = dir.resolve("hung.sock");
        try (FakeEngine engine = FakeEngine.start(socket, request -> null)) {
            DockerEngineClient client = new DockerEngineClient(engine.socket(), Duration.ofMillis(300));
            long start = System.nanoTime();

            assertThatThrownBy(() -> client.inspect(PODMAN_ID, "podman"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(socket.toString())
                    .hasMessageContaining("PT0.3S");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void chunkedBodyIsReassembled() throws IOException {
        try (FakeEngine engine = FakeEngine.start(dir.resolve("podman.sock"),
                request -> EngineResponses.chunked200(PODMAN_INSPECT_JSON, 700))) {
            assertThat(new DockerEngineClient(engine.socket(), TIMEOUT).inspect(PODMAN_ID, "podman")).contains(PODMAN_INFO);
        }
    }

    @Test
    void truncatedChunkedBodyIsAnError() throws IOException {
        byte[] full = EngineResponses.chunked200(PODMAN_INSPECT_JSON, 700);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 300);
        try (FakeEngine engine = FakeEngine.start(dir.resolve("podman.sock"), request -> cut)) {
            assertThatThrownBy(() -> new DockerEngineClient(engine.socket(), TIMEOUT).inspect(PODMAN_ID, "podman"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("truncated chunked body");
        }
    }

    @Test
    void contentLengthBoundsTheBody() throws IOException {
        String json = "{\"Id\":\"" + PODMAN_ID + "\",\"Name\":\"/web\",\"Config\":{\"Image\":\"nginx:1.25\"}}";
        byte[] answer = EngineResponses.bytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + json.length() + "\r\n\r\n" + json + "garbage after the body");
        try (FakeEngine engine = FakeEngine.start(dir.resolve("docker.sock"), request -> answer)) {
            assertThat(new DockerEngineClient(engine.socket(), TIMEOUT).inspect(PODMAN_ID, "docker"))
                    .contains(new ContainerInfo(PODMAN_ID, "web", "nginx", "1.25", "docker", 0));
        }
    }

    @Test
    void truncatedContentLengthBodyIsAnError() throws IOException {
        byte[] answer = EngineResponses.bytes("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{\"Id\":");
        try (FakeEngine engine = FakeEngine.start(dir.resolve("docker.sock"), request -> answer)) {
            assertThatThrownBy(() -> new DockerEngineClient(engine.socket(), TIMEOUT).inspect(PODMAN_ID, "docker"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("truncated body: 6 of 5000 bytes");
        }
    }

    @Test
    void oversizedResponseIsRefused() throws IOException {
        byte[] answer = EngineResponses.podman200("{\"Id\":\"" + "x".repeat(DockerEngineClient.MAX_RESPONSE_BYTES) + "\"}");
        try (FakeEngine engine = FakeEngine.start(dir.resolve("podman.sock"), request -> answer)) {
            assertThatThrownBy(() -> new DockerEngineClient(engine.socket(), TIMEOUT).inspect(PODMAN_ID, "podman"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("more than 1048576 bytes");
        }
    }

    @Test
    void malformedJsonNamesTheSocket() throws IOException {
        Path socket = dir.resolve("podman.sock");
        try (FakeEngine engine = FakeEngine.start(socket, request -> EngineResponses.podman200("{\"Id\": [unclosed"))) {
            assertThatThrownBy(() -> new DockerEngineClient(engine.socket(), TIMEOUT).inspect(PODMAN_ID, "podman"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("malformed JSON")
                    .hasMessageContaining(socket.toString());
        }
    }

    @Test
    void nonJsonBodyIsAnError() throws IOException {
        try (FakeEngine engine = FakeEngine.start(dir.resolve("podman.sock"), request -> EngineResponses.podman200("OK"))) {
            assertThatThrownBy(() -> new DockerEngineClient(engine.socket(), TIMEOUT).inspect(PODMAN_ID, "podman"))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void garbageStatusLineIsAnError() throws IOException {
        try (FakeEngine engine = FakeEngine.start(dir.resolve("x.sock"), request -> EngineResponses.bytes("SSH-2.0-OpenSSH\r\n\r\n"))) {
            assertThatThrownBy(() -> new DockerEngineClient(engine.socket(), TIMEOUT).inspect(PODMAN_ID, "podman"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("bad status line 'SSH-2.0-OpenSSH'");
        }
    }

    @Test
    void missingSocketNamesIt() {
        Path socket = dir.resolve("absent.sock");
        assertThatThrownBy(() -> new DockerEngineClient(socket, TIMEOUT).inspect(PODMAN_ID, "podman"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot connect to engine socket " + socket);
    }

    /** Docker puts the image id in {@code Image}; only podman's {@code ImageName} or a real reference may stand in. */
    @Test
    void imageFallsBackToImageNameThenImageButNeverAnImageId() {
        var info = DockerEngineClient.toContainerInfo(
                java.util.Map.of("Id", PODMAN_ID, "ImageName", "localhost/acme/web:2", "Image", "sha256:abc"), PODMAN_ID, "podman");
        assertThat(info.imageName()).isEqualTo("acme/web");
        assertThat(info.imageTag()).isEqualTo("2");

        info = DockerEngineClient.toContainerInfo(java.util.Map.of("Image", "redis:7"), PODMAN_ID, "docker");
        assertThat(info.id()).isEqualTo(PODMAN_ID);
        assertThat(info.imageName()).isEqualTo("redis");

        info = DockerEngineClient.toContainerInfo(java.util.Map.of("Image", "sha256:" + "a".repeat(64)), PODMAN_ID, "docker");
        assertThat(info.imageName()).isEmpty();
        assertThat(info.imageTag()).isEmpty();
    }

    @Test
    void createdParsesRfc3339WithOffsetsAndZeroTime() {
        assertThat(DockerEngineClient.rfc3339ToNanos("1970-01-01T00:00:01.5Z")).isEqualTo(1_500_000_000L);
        assertThat(DockerEngineClient.rfc3339ToNanos("1970-01-01T01:00:02+01:00")).isEqualTo(2_000_000_000L);
        assertThat(DockerEngineClient.rfc3339ToNanos("0001-01-01T00:00:00Z")).isZero();
        assertThat(DockerEngineClient.rfc3339ToNanos("yesterday")).isZero();
    }

    @Test
    void rejectsIdsThatWouldEscapeThePath() {
        var client = new DockerEngineClient(dir.resolve("podman.sock"), TIMEOUT);
        assertThatThrownBy(() -> client.inspect("../../version", "podman"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'../../version'");
    }

    @Test
    void rejectsNonPositiveTimeout() {
        assertThatThrownBy(() -> new DockerEngineClient(dir.resolve("podman.sock"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    }

    @Test
    void optionalIsEmptyNotNull() throws IOException {
        try (FakeEngine engine = FakeEngine.start(dir.resolve("podman.sock"), request -> EngineResponses.podman404("x"))) {
            Optional<ContainerInfo> result = new DockerEngineClient(engine.socket(), TIMEOUT).inspect("web", "podman");
            assertThat(result).isNotNull().isEmpty();
            assertThat(engine.requests()).containsExactly("GET /v1.41/containers/web/json HTTP/1.0");
        }
    }
}
