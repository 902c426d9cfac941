package dev.vigil.sensor;

import dev.vigil.model.ContainerInfo;
import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.Payload;
import dev.vigil.sensor.testing.EventCollector;
import dev.vigil.sensor.testing.Podman;
import dev.vigil.sensor.testing.SensorMachine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events from a real podman container carry the container's id, image and tag, resolved from the
 * process's cgroup and the engine's Docker-compatible API; host events carry none.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SensorContainerTest {

    private static final String IMAGE = "acme/web:1.0";
    private final EventCollector events = new EventCollector();
    private Podman.Service engine;
    private Sensor sensor;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        SensorMachine.require();
        Podman.requireAvailable();
        Podman.ensureImage(IMAGE);
        dir = Files.createTempDirectory("vigil-engine");
        engine = Podman.startService(dir.resolve("podman.sock"));
        sensor = Sensor.start(SensorConfig.defaults().withEngineSockets(List.of(engine.socket())), events);
    }

    @AfterAll
    void stop() {
        if (sensor != null) sensor.close();
        if (engine != null) engine.close();
    }

    @Test
    void execInsideAContainerCarriesContainerIdImageAndTag() {
        String id = Podman.runDetached(IMAGE, "/bin/sh", "-c", "cat /etc/passwd; sleep 2");
        try {
            Event cat = events.await("exec of cat in container " + id, e -> e.type() == EventType.EXEC
                    && e.container().id().equals(id) && e.process().file().name().equals("cat"));
            ContainerInfo c = cat.container();
            assertThat(c.imageName()).isEqualTo("acme/web");
            assertThat(c.imageTag()).isEqualTo("1.0");
            assertThat(c.runtime()).isEqualTo("podman");
            assertThat(c.name()).isNotEmpty();
            // paths are those the container sees, not the host's overlay paths
            assertThat(cat.process().file().path()).isEqualTo("/bin/cat");
            assertThat(cat.process().argv()).containsExactly("cat", "/etc/passwd");
            assertThat(cat.process().parent().file().path()).isEqualTo("/bin/sh");

            Event open = events.await("open of /etc/passwd in the container", e -> e.payload() instanceof Payload.Open o
                    && e.container().id().equals(id) && o.file().path().equals("/etc/passwd"));
            assertThat(open.container().imageName()).isEqualTo("acme/web");
        } finally {
            Podman.remove(id);
        }
    }

    @Test
    void hostProcessesCarryNoContainer() {
        dev.vigil.sensor.testing.Commands.sh("true vigil-host-check");
        Event exec = events.await("host exec", e -> e.type() == EventType.EXEC && e.process().args().contains("true vigil-host-check"));
        assertThat(exec.container().isNone()).isTrue();
        assertThat(exec.process().container().id()).isEmpty();
    }
}
