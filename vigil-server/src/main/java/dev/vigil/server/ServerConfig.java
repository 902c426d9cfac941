package dev.vigil.server;

import dev.vigil.server.store.StoreConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a server runs.
 *
 * @param dataDir          event log, SQLite database, the first API key file
 * @param host             address to listen on (loopback by default: expose on purpose)
 * @param port             0 picks a free port
 * @param store            SQLite under dataDir, or PostgreSQL
 * @param ruleDirs         detection rules as code (YAML/JSON files), besides the built-in ones and those managed through the API
 * @param maxBodyBytes     largest intake body, after gzip
 * @param maxLineBytes     largest line in a batch
 * @param eventRetention   how long accepted events stay in the event log
 * @param signalRetention  how long signals stay after they were last seen (15 months by default)
 * @param commitInterval   the longest detection waits to store changed signals
 * @param snapshotInterval how often (wall time) detection writes its state to {@code <data>/detection/state.snap},
 *                         right after a commit, so a restart restores it and re-reads only the events since
 *                         (60 s by default; zero turns snapshots off: a restart then rebuilds from the rules' look-back)
 * @param builtinRules     whether to load the shipped default detection rules
 * @param secureCookies    mark console session cookies Secure: set it when the console is reached over HTTPS (a TLS proxy)
 */
public record ServerConfig(Path dataDir, String host, int port, StoreConfig store, List<Path> ruleDirs, long maxBodyBytes,
                           int maxLineBytes, Duration eventRetention, Duration signalRetention, Duration commitInterval,
                           Duration snapshotInterval, boolean builtinRules, boolean secureCookies) {

    public static final Duration FIFTEEN_MONTHS = Duration.ofDays(456);

    public ServerConfig {
        ruleDirs = List.copyOf(ruleDirs);
        if (snapshotInterval.isNegative()) throw new IllegalArgumentException("snapshotInterval must not be negative, got " + snapshotInterval);
    }

    /** The default {@link #snapshotInterval}. */
    public static final Duration SNAPSHOT_INTERVAL = Duration.ofSeconds(60);

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig(dataDir, "127.0.0.1", 8650, StoreConfig.sqlite(dataDir), List.of(), 16L << 20, 1 << 20,
                Duration.ofDays(7), FIFTEEN_MONTHS, Duration.ofMillis(10), SNAPSHOT_INTERVAL, true, false);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(dataDir, host, p, store, ruleDirs, maxBodyBytes, maxLineBytes, eventRetention, signalRetention, commitInterval, snapshotInterval, builtinRules, secureCookies);
    }

    public ServerConfig withHost(String h) {
        return new ServerConfig(dataDir, h, port, store, ruleDirs, maxBodyBytes, maxLineBytes, eventRetention, signalRetention, commitInterval, snapshotInterval, builtinRules, secureCookies);
    }

    public ServerConfig withStore(StoreConfig s) {
        return new ServerConfig(dataDir, host, port, s, ruleDirs, maxBodyBytes, maxLineBytes, eventRetention, signalRetention, commitInterval, snapshotInterval, builtinRules, secureCookies);
    }

    public ServerConfig withRuleDirs(List<Path> dirs) {
        return new ServerConfig(dataDir, host, port, store, dirs, maxBodyBytes, maxLineBytes, eventRetention, signalRetention, commitInterval, snapshotInterval, builtinRules, secureCookies);
    }

    public ServerConfig withLimits(long body, int line) {
        return new ServerConfig(dataDir, host, port, store, ruleDirs, body, line, eventRetention, signalRetention, commitInterval, snapshotInterval, builtinRules, secureCookies);
    }

    public ServerConfig withRetention(Duration events, Duration signals) {
        return new ServerConfig(dataDir, host, port, store, ruleDirs, maxBodyBytes, maxLineBytes, events, signals, commitInterval, snapshotInterval, builtinRules, secureCookies);
    }

    public ServerConfig withBuiltinRules(boolean on) {
        return new ServerConfig(dataDir, host, port, store, ruleDirs, maxBodyBytes, maxLineBytes, eventRetention, signalRetention, commitInterval, snapshotInterval, on, secureCookies);
    }

    public ServerConfig withSnapshotInterval(Duration interval) {
        return new ServerConfig(dataDir, host, port, store, ruleDirs, maxBodyBytes, maxLineBytes, eventRetention, signalRetention, commitInterval, interval, builtinRules, secureCookies);
    }

    public ServerConfig withSecureCookies(boolean on) {
        return new ServerConfig(dataDir, host, port, store, ruleDirs, maxBodyBytes, maxLineBytes, eventRetention, signalRetention, commitInterval, snapshotInterval, builtinRules, on);
    }
}
