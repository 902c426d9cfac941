package dev.vigil.agent.ship;

import dev.vigil.journal.Durability;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the agent ships.
 *
 * @param server         the server's base URL ({@code https://vigil.example.com}); the intake is {@code <server>/api/v1/intake/agent}
 * @param apiKey         the API key sent as {@code Authorization: Bearer}; never logged ({@link #toString()} hides it)
 * @param stateDir       the agent's state directory, holding its id (default {@value #DEFAULT_STATE_DIR})
 * @param bufferDir      the on-disk buffer (default {@code <stateDir>/buffer})
 * @param bufferMaxBytes bound on the buffer; past it, the oldest lines are dropped and counted (default 256 MiB)
 * @param tuning         batching, retry and timing settings
 */
public record ShipperConfig(URI server, String apiKey, Path stateDir, Path bufferDir, long bufferMaxBytes, Tuning tuning) {

    public static final String DEFAULT_STATE_DIR = "/var/lib/vigil/agent";
    public static final long DEFAULT_BUFFER_MAX_BYTES = 256L << 20;
    /** Smallest buffer bound allowed. */
    public static final long MIN_BUFFER_MAX_BYTES = 64L << 10;

    public ShipperConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(bufferDir, "bufferDir");
        Objects.requireNonNull(tuning, "tuning");
        String scheme = server.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || server.getHost() == null) {
            throw new IllegalArgumentException("server '" + server + "' is not an http:// or https:// URL with a host");
        }
        if (apiKey == null || apiKey.isBlank() || apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("apiKey is empty or has characters other than printable ASCII (a trailing newline in the key file is removed)");
        }
        if (bufferMaxBytes < MIN_BUFFER_MAX_BYTES) {
            throw new IllegalArgumentException("bufferMaxBytes is " + bufferMaxBytes + ": must be at least " + MIN_BUFFER_MAX_BYTES + " (64 KiB)");
        }
    }

    /** Ships to {@code server} with the default state and buffer directories and bound. */
    public static ShipperConfig of(URI server, String apiKey) {
        Path state = Path.of(DEFAULT_STATE_DIR);
        return new ShipperConfig(server, apiKey, state, state.resolve("buffer"), DEFAULT_BUFFER_MAX_BYTES, Tuning.defaults());
    }

    /** The state directory, and the buffer under it. */
    public ShipperConfig withStateDir(Path dir) {
        return new ShipperConfig(server, apiKey, dir, dir.resolve("buffer"), bufferMaxBytes, tuning);
    }

    public ShipperConfig withBuffer(Path dir, long maxBytes) {
        return new ShipperConfig(server, apiKey, stateDir, dir, maxBytes, tuning);
    }

    public ShipperConfig withTuning(Tuning t) {
        return new ShipperConfig(server, apiKey, stateDir, bufferDir, bufferMaxBytes, t);
    }

    public URI intakeUri() {
        return resolve("api/v1/intake/agent");
    }

    public URI heartbeatUri() {
        return resolve("api/v1/agents/heartbeat");
    }

    private URI resolve(String path) {
        String base = server.toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }

    @Override
    public String toString() {
        return "ShipperConfig[server=" + server + ", apiKey=(hidden), stateDir=" + stateDir + ", bufferDir=" + bufferDir
                + ", bufferMaxBytes=" + bufferMaxBytes + ", tuning=" + tuning + "]";
    }

    /**
     * Batching, retry and timing.
     *
     * @param queueCapacity     lines held in memory between the agent's thread and the buffer writer; past it lines are dropped and counted
     * @param batchMaxLines     most lines in one request (default 1000)
     * @param batchMaxBytes     most raw (uncompressed) bytes in one request (default 1 MiB); a single bigger line goes alone
     * @param linger            longest wait for more lines once a batch has one (default 5 ms: the end-to-end goal is p99 under 100 ms; 20 ms cost 10-15 ms at the median and more at p99, docs/benchmarks.md)
     * @param backoffMin        first retry delay after a 429, 5xx or connection error (default 100 ms), doubling...
     * @param backoffMax        ...up to this (default 30 s); each delay is jittered down by up to half
     * @param authRetry         delay between attempts while the server rejects the API key (default 30 s)
     * @param heartbeatInterval time between heartbeats (default 10 s)
     * @param requestTimeout    longest wait for one HTTP response (default 10 s)
     * @param closeDeadline     longest a clean shutdown spends sending what is left (default 3 s); the rest stays on disk
     * @param durability        whether buffer appends and offsets are forced to disk (default FSYNC)
     */
    public record Tuning(int queueCapacity, int batchMaxLines, int batchMaxBytes, Duration linger, Duration backoffMin,
                         Duration backoffMax, Duration authRetry, Duration heartbeatInterval, Duration requestTimeout,
                         Duration closeDeadline, Durability durability) {

        public Tuning {
            positive("queueCapacity", queueCapacity);
            positive("batchMaxLines", batchMaxLines);
            positive("batchMaxBytes", batchMaxBytes);
            for (Duration d : new Duration[] {linger, backoffMin, backoffMax, authRetry, heartbeatInterval, requestTimeout, closeDeadline}) {
                Objects.requireNonNull(d, "a Tuning duration");
            }
            notNegative("linger", linger);
            notNegative("closeDeadline", closeDeadline);
            atLeastOneMilli("backoffMin", backoffMin);
            atLeastOneMilli("authRetry", authRetry);
            atLeastOneMilli("heartbeatInterval", heartbeatInterval);
            atLeastOneMilli("requestTimeout", requestTimeout);
            if (backoffMax.compareTo(backoffMin) < 0) {
                throw new IllegalArgumentException("backoffMax " + backoffMax + " is shorter than backoffMin " + backoffMin);
            }
            Objects.requireNonNull(durability, "durability");
        }

        public static Tuning defaults() {
            return new Tuning(65_536, 1000, 1 << 20, Duration.ofMillis(5), Duration.ofMillis(100), Duration.ofSeconds(30),
                    Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(3), Durability.FSYNC);
        }

        private static void positive(String name, int v) {
            if (v < 1) throw new IllegalArgumentException(name + " is " + v + ": must be at least 1");
        }

        private static void notNegative(String name, Duration d) {
            if (d.isNegative()) throw new IllegalArgumentException(name + " is " + d + ": must not be negative");
        }

        private static void atLeastOneMilli(String name, Duration d) {
            if (d.toMillis() < 1) throw new IllegalArgumentException(name + " is " + d + ": must be at least 1 ms");
        }
    }
}
