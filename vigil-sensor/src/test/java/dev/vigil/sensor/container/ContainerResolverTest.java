package dev.vigil.sensor.container;

import static dev.vigil.sensor.container.EngineResponses.PODMAN_ID;
import static dev.vigil.sensor.container.EngineResponses.PODMAN_INSPECT_JSON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.model.ContainerInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerResolverTest {

    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final String OTHER_ID = "0123456789abcdef".repeat(4);

    @TempDir
    Path dir;

    final AtomicLong clock = new AtomicLong(-5_000_000_000L); // nanoTime may be negative; expiry must still work

    ContainerResolver resolver(List<Path> sockets) {
        return new ContainerResolver(sockets, TIMEOUT, 4096, Duration.ofSeconds(10), clock::get);
    }

    /** Answers the podman fixture for {@link EngineResponses#PODMAN_ID} and 404 for anything else. */
    static FakeEngine podman(Path socket) throws IOException {
        return FakeEngine.start(socket, request -> request.contains(PODMAN_ID)
                ? EngineResponses.podman200(PODMAN_INSPECT_JSON)
                : EngineResponses.podman404("other"));
    }

    @Test
    void hostProcessesAreNone() {
        try (var resolver = resolver(List.of(dir.resolve("absent.sock")))) {
            assertThat(resolver.resolve(null)).isSameAs(ContainerInfo.NONE);
            assertThat(resolver.fromProcCgroup("0::/user.slice/user-0.slice/session-1.scope\n")).isSameAs(ContainerInfo.NONE);
            assertThat(resolver.fromCgroupNames("init.scope")).isSameAs(ContainerInfo.NONE);
            assertThat(resolver.lookups()).isZero();
        }
    }

    @Test
    void resolvesFromProcCgroupAndCachesById() throws IOException {
        try (FakeEngine engine = podman(dir.resolve("podman.sock"));
                var resolver = resolver(List.of(engine.socket()))) {
            ContainerInfo info = resolver.fromProcCgroup("4:memory:/libpod_parent/libpod-" + PODMAN_ID + "\n0::/\n");

            assertThat(info).isEqualTo(DockerEngineClientTest.PODMAN_INFO);
            assertThat(info.tags()).contains("image_name:acme/web", "image_tag:1.0", "container_name:nervous_carver");
            assertThat(resolver.fromCgroupNames("container", "libpod-" + PODMAN_ID + ".scope")).isEqualTo(info);
            assertThat(resolver.resolve(new ContainerRef(PODMAN_ID, "podman"))).isEqualTo(info);
            assertThat(engine.requests()).hasSize(1);
            assertThat(resolver.lookups()).isEqualTo(1);
            assertThat(resolver.lookupFailures()).isZero();
            assertThat(resolver.cacheSize()).isEqualTo(1);
        }
    }

    @Test
    void asksSocketsInOrderSkippingMissingOnesUntilOneKnowsTheContainer() throws IOException {
        try (FakeEngine docker = FakeEngine.start(dir.resolve("docker.sock"), request -> EngineResponses.podman404("x"));
                FakeEngine podman = podman(dir.resolve("podman.sock"));
                var resolver = resolver(List.of(dir.resolve("absent.sock"), docker.socket(), podman.socket()))) {
            assertThat(resolver.resolve(new ContainerRef(PODMAN_ID, "podman")).imageName()).isEqualTo("acme/web");
            assertThat(docker.requests()).hasSize(1);
            assertThat(podman.requests()).hasSize(1);
        }
    }

    @Test
    void failingEngineDoesNotHideAWorkingOne() throws IOException {
        try (FakeEngine broken = FakeEngine.start(dir.resolve("docker.sock"), request -> EngineResponses.docker500("boom"));
                FakeEngine podman = podman(dir.resolve("podman.sock"));
                var resolver = resolver(List.of(broken.socket(), podman.socket()))) {
            assertThat(resolver.resolve(new ContainerRef(PODMAN_ID, "podman")).imageTag()).isEqualTo("1.0");
            assertThat(resolver.lookupFailures()).isZero();
        }
    }

    /**
     * A container's first exec can come before the engine has written its metadata. The partial
     * answer must say "container" (id and runtime) and must be retried after the negative TTL, not
     * on every event.
     */
    @Test
    void unknownContainerGetsIdAndRuntimeAndIsRetriedAfterTheNegativeTtl() throws IOException {
        AtomicInteger known = new AtomicInteger();
        try (FakeEngine engine = FakeEngine.start(dir.resolve("podman.sock"), request -> known.get() > 0
                        ? EngineResponses.podman200(PODMAN_INSPECT_JSON)
                        : EngineResponses.podman404(PODMAN_ID));
                var resolver = resolver(List.of(engine.socket()))) {
            ContainerRef ref = new ContainerRef(PODMAN_ID, "podman");

            assertThat(resolver.resolve(ref)).isEqualTo(new ContainerInfo(PODMAN_ID, "", "", "", "podman", 0));
            known.set(1);
            clock.addAndGet(Duration.ofSeconds(9).toNanos());
            assertThat(resolver.resolve(ref).imageName()).isEmpty();
            assertThat(engine.requests()).hasSize(1);

            clock.addAndGet(Duration.ofSeconds(2).toNanos());
            assertThat(resolver.resolve(ref)).isEqualTo(DockerEngineClientTest.PODMAN_INFO);
            assertThat(engine.requests()).hasSize(2);
            assertThat(resolver.lookups()).isEqualTo(2);
            assertThat(resolver.lookupFailures()).isEqualTo(1);

            clock.addAndGet(Duration.ofDays(1).toNanos());
            assertThat(resolver.resolve(ref)).isEqualTo(DockerEngineClientTest.PODMAN_INFO);
            assertThat(engine.requests()).as("positive answers do not expire").hasSize(2);
        }
    }

    @Test
    void noEngineAtAllStillTellsContainersApart() {
        try (var resolver = resolver(ContainerResolver.defaultSockets().stream()
                .map(p -> dir.resolve(p.getFileName())).toList())) {
            ContainerInfo info = resolver.fromCgroupNames("docker-" + OTHER_ID + ".scope");

            assertThat(info.isNone()).isFalse();
            assertThat(info).isEqualTo(new ContainerInfo(OTHER_ID, "", "", "", "docker", 0));
            assertThat(resolver.lookupFailures()).isEqualTo(1);
        }
    }

    @Test
    void hungEngineCostsOneTimeoutPerTtlNotPerEvent() throws IOException {
        try (FakeEngine engine = FakeEngine.start(dir.resolve("hung.sock"), request -> null);
                var resolver = new ContainerResolver(List.of(engine.socket()), Duration.ofMillis(200), 16,
                        Duration.ofSeconds(10), clock::get)) {
            ContainerRef ref = new ContainerRef(PODMAN_ID, "podman");
            for (int i = 0; i < 50; i++) {
                assertThat(resolver.resolve(ref).runtime()).isEqualTo("podman");
            }
            assertThat(engine.requests()).hasSize(1);
            assertThat(resolver.lookupFailures()).isEqualTo(1);
        }
    }

    @Test
    void cacheEvictsTheLeastRecentlyUsed() throws IOException {
        try (FakeEngine engine = FakeEngine.start(dir.resolve("podman.sock"), request -> EngineResponses.podman404("x"));
                var resolver = new ContainerResolver(List.of(engine.socket()), TIMEOUT, 2, Duration.ofSeconds(10), clock::get)) {
            ContainerRef a = new ContainerRef("a".repeat(64), "docker");
            ContainerRef b = new ContainerRef("b".repeat(64), "docker");
            ContainerRef c = new ContainerRef("c".repeat(64), "docker");
            resolver.resolve(a);
            resolver.resolve(b);
            resolver.resolve(a); // a is now the most recent
            resolver.resolve(c); // evicts b

            assertThat(resolver.cacheSize()).isEqualTo(2);
            assertThat(resolver.lookups()).isEqualTo(3);
            resolver.resolve(a);
            assertThat(resolver.lookups()).isEqualTo(3);
            resolver.resolve(b);
            assertThat(resolver.lookups()).isEqualTo(4);
        }
    }

    @Test
    void closeDropsTheCache() throws IOException {
        try (FakeEngine engine = podman(dir.resolve("podman.sock"))) {
            var resolver = resolver(List.of(engine.socket()));
            resolver.resolve(new ContainerRef(PODMAN_ID, "podman"));
            resolver.close();
            assertThat(resolver.cacheSize()).isZero();
        }
    }

    @Test
    void concurrentCallersAllGetTheAnswer() throws Exception {
        try (FakeEngine engine = podman(dir.resolve("podman.sock"));
                var resolver = resolver(List.of(engine.socket()));
                ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Callable<ContainerInfo>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(() -> resolver.fromCgroupNames("libpod-" + PODMAN_ID));
            }
            for (Future<ContainerInfo> f : pool.invokeAll(calls)) {
                assertThat(f.get()).isEqualTo(DockerEngineClientTest.PODMAN_INFO);
            }
            assertThat(resolver.cacheSize()).isEqualTo(1);
            assertThat(resolver.lookupFailures()).isZero();
            assertThat(resolver.lookups()).isBetween(1L, 8L).isEqualTo(engine.requests().size());
        }
    }

    @Test
    void defaultSocketsArePodmanThenDocker() {
        assertThat(ContainerResolver.defaultSockets()).containsExactly(
                Path.of("/run/podman/podman.sock"), Path.of("/var/run/docker.sock"), Path.of("/run/docker.sock"));
    }
}
