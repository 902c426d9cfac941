package dev.vigil.sensor.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.model.ContainerInfo;
import dev.vigil.sensor.testing.Podman;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against real podman: a container started from {@code acme/web:1.0} is found from its
 * process's {@code /proc/<pid>/cgroup} and named through podman's Docker-compatible API.
 * Needs root and podman (CI installs it); aborted when not root, failed when root lacks podman.
 */
@Tag("privileged")
class ContainerResolverPodmanTest {

    static final String IMAGE = "acme/web:1.0";

    @TempDir
    static Path dir;

    static Podman.Service service;
    static String containerId;

    @BeforeAll
    static void startPodman() {
        Podman.requireAvailable();
        Podman.ensureImage(IMAGE);
        service = Podman.startService(dir.resolve("podman.sock"));
        containerId = Podman.runDetached(IMAGE, "/bin/sleep", "30");
    }

    @AfterAll
    static void stopPodman() {
        try {
            if (containerId != null) {
                Podman.remove(containerId);
            }
        } finally {
            if (service != null) {
                service.close();
            }
        }
    }

    @Test
    void resolvesAProcessInsideAContainerToItsImage() throws IOException {
        long pid = Podman.pid(containerId);
        String cgroup = Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"));

        try (var resolver = new ContainerResolver(List.of(dir.resolve("absent.sock"), service.socket()), Duration.ofSeconds(5))) {
            ContainerInfo info = resolver.fromProcCgroup(cgroup);

            assertThat(info.id()).as("id from %s", cgroup).isEqualTo(containerId);
            assertThat(info.runtime()).isEqualTo("podman");
            assertThat(info.imageName()).isEqualTo("acme/web");
            assertThat(info.imageTag()).isEqualTo("1.0");
            assertThat(info.name()).isNotEmpty().doesNotStartWith("/");
            assertThat(info.createdAt()).isPositive();
            assertThat(info.tags()).contains("image_name:acme/web", "short_image:web", "image_tag:1.0");
            assertThat(resolver.lookupFailures()).isZero();
        }
    }

    @Test
    void engineClientSeesTheSameContainerAndNotAnUnknownOne() throws IOException {
        var client = new DockerEngineClient(service.socket(), Duration.ofSeconds(5));

        assertThat(client.inspect(containerId, "podman")).hasValueSatisfying(info -> {
            assertThat(info.id()).isEqualTo(containerId);
            assertThat(info.imageName()).isEqualTo("acme/web");
        });
        assertThat(client.inspect("0".repeat(64), "podman")).isEmpty();
    }

    @Test
    void theHostProcessIsNotInAContainer() throws IOException {
        try (var resolver = new ContainerResolver(List.of(service.socket()), Duration.ofSeconds(5))) {
            assertThat(resolver.fromProcCgroup(Files.readString(Path.of("/proc/self/cgroup")))).isSameAs(ContainerInfo.NONE);
        }
    }
}
