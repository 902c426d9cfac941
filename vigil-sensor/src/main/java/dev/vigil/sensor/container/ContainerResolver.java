package dev.vigil.sensor.container;

import dev.vigil.model.ContainerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the container a process runs in into the metadata rules match on: its name, image and tag.
 *
 * <h2>Why two sources</h2>
 * The kernel knows which cgroup a task is in, and every runtime names the container's cgroup after
 * its 64-hex id ({@link ContainerIds}), so the id is available on every event at no cost. The image
 * name and tag exist only in the runtime: this class asks the Docker-compatible Engine API served by
 * podman and docker ({@link DockerEngineClient}) once per container and caches the answer.
 *
 * <h2>State</h2>
 * A bounded LRU cache keyed by container id ({@link #CACHE_CAPACITY} entries). Positive answers
 * stay until evicted: a container's image never changes and ids are never reused.
 *
 * <h2>Failure</h2>
 * Sockets are asked in order, skipping those that do not exist; the first that knows the id wins.
 * When none does (no engine, engine down or slow, or the container's metadata is not written yet,
 * as happens for the first exec of a starting container), the result carries only the id and the
 * runtime, so the event still says "in a container". That partial answer is cached for
 * {@link #NEGATIVE_TTL} only: long enough not to hammer a failing engine with one lookup per event,
 * short enough that the container is named soon after. Lookups never throw; each failure is counted
 * ({@link #lookupFailures()}) and the first failure per socket is logged as a warning.
 *
 * <h2>Concurrency</h2>
 * Safe for several threads. The cache is guarded by this object's lock, which is never held during
 * engine I/O, so a slow engine stalls only the threads that need that container; two threads
 * missing the same id at once may both ask the engine, which is harmless.
 */
public final class ContainerResolver implements AutoCloseable {

    /** Containers remembered; a host rarely runs more, and an evicted one costs one more lookup. */
    static final int CACHE_CAPACITY = 4096;

    /** How long a failed lookup stands before the engines are asked again. */
    static final Duration NEGATIVE_TTL = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(ContainerResolver.class);

    /** A cached answer; a negative one (engine had no metadata) expires at {@code expiresAtNanos}. */
    private record Cached(ContainerInfo info, boolean negative, long expiresAtNanos) {
        boolean fresh(long nowNanos) {
            return !negative || nowNanos - expiresAtNanos < 0; // overflow-safe, as nanoTime may be negative
        }
    }

    private final List<DockerEngineClient> engines;
    private final long negativeTtlNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Cached> cache;
    private final Set<Path> warnedSockets = new HashSet<>();
    private long lookups;
    private long lookupFailures;

    /**
     * @param engineSockets Engine API sockets to ask, in order; missing ones are skipped at each lookup,
     *                      so an engine started after the agent is found
     * @param lookupTimeout the longest one socket may take to answer
     */
    public ContainerResolver(List<Path> engineSockets, Duration lookupTimeout) {
        this(engineSockets, lookupTimeout, CACHE_CAPACITY, NEGATIVE_TTL, System::nanoTime);
    }

    ContainerResolver(List<Path> engineSockets, Duration lookupTimeout, int capacity, Duration negativeTtl,
            LongSupplier nanoClock) {
        Objects.requireNonNull(engineSockets, "engineSockets");
        this.engines = engineSockets.stream().map(socket -> new DockerEngineClient(socket, lookupTimeout)).toList();
        if (capacity < 1) {
            throw new IllegalArgumentException("container cache capacity must be at least 1, got " + capacity);
        }
        this.negativeTtlNanos = negativeTtl.toNanos();
        this.nanoClock = nanoClock;
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The sockets podman and docker listen on by default, rootful. */
    public static List<Path> defaultSockets() {
        return List.of(Path.of("/run/podman/podman.sock"), Path.of("/var/run/docker.sock"), Path.of("/run/docker.sock"));
    }

    /**
     * The container's metadata; {@link ContainerInfo#NONE} for a {@code null} ref (a host process).
     * Never throws: when no engine answers, the result has only the id and runtime.
     */
    public ContainerInfo resolve(ContainerRef ref) {
        if (ref == null) {
            return ContainerInfo.NONE;
        }
        synchronized (this) {
            Cached cached = cache.get(ref.id());
            if (cached != null && cached.fresh(nanoClock.getAsLong())) {
                return cached.info();
            }
            lookups++;
        }
        ContainerInfo found = lookup(ref);
        synchronized (this) {
            if (found != null) {
                cache.put(ref.id(), new Cached(found, false, 0));
                return found;
            }
            lookupFailures++;
            ContainerInfo partial = new ContainerInfo(ref.id(), "", "", "", ref.runtime(), 0);
            cache.put(ref.id(), new Cached(partial, true, nanoClock.getAsLong() + negativeTtlNanos));
            return partial;
        }
    }

    /** {@link #resolve} of {@link ContainerIds#fromCgroupNames}: cgroup names from the kernel, leaf first. */
    public ContainerInfo fromCgroupNames(String... names) {
        return resolve(ContainerIds.fromCgroupNames(names));
    }

    /** {@link #resolve} of {@link ContainerIds#fromProcCgroup}: the content of {@code /proc/<pid>/cgroup}. */
    public ContainerInfo fromProcCgroup(String content) {
        return resolve(ContainerIds.fromProcCgroup(content));
    }

    private ContainerInfo lookup(ContainerRef ref) {
        for (DockerEngineClient engine : engines) {
            if (!Files.exists(engine.socket())) {
                continue;
            }
            try {
                Optional<ContainerInfo> info = engine.inspect(ref.id(), ref.runtime());
                if (info.isPresent()) {
                    return info.get();
                }
            } catch (IOException | RuntimeException e) {
                boolean first;
                synchronized (this) {
                    first = warnedSockets.add(engine.socket());
                }
                if (first) {
                    log.warn("container {} ({}): engine lookup failed, further failures on this socket are logged at debug: {}",
                            ref.id(), ref.runtime(), e.getMessage());
                } else {
                    log.debug("container {} ({}): engine lookup failed: {}", ref.id(), ref.runtime(), e.getMessage());
                }
            }
        }
        return null;
    }

    /** Engine lookups made, i.e. cache misses including expired negative entries. */
    public synchronized long lookups() { return lookups; }

    /** Lookups after which no engine knew the container. */
    public synchronized long lookupFailures() { return lookupFailures; }

    public synchronized long cacheSize() { return cache.size(); }

    /** Drops the cache. Connections are per lookup, so there is nothing else to release. */
    @Override
    public synchronized void close() {
        cache.clear();
    }
}
