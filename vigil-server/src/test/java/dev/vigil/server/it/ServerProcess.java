package dev.vigil.server.it;

import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A server in a process of its own, for tests that kill it: args are the data dir, a rules dir and,
 * optionally, the detection snapshot interval in milliseconds.
 */
public final class ServerProcess {

    /** Starts a server process on {@code data} with the rules in {@code rules}; waits until it listens. */
    static Process start(Path data, Path rules) throws Exception {
        return start(data, rules, ServerConfig.SNAPSHOT_INTERVAL);
    }

    /** As {@link #start(Path, Path)}, writing detection state snapshots every {@code snapshotInterval}. */
    static Process start(Path data, Path rules, java.time.Duration snapshotInterval) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), ServerProcess.class.getName(),
                data.toString(), rules.toString(), Long.toString(snapshotInterval.toMillis()))
                .redirectErrorStream(true).redirectOutput(data.resolve("server-" + System.nanoTime() + ".log").toFile()).start();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> Files.exists(data.resolve("port")) || !p.isAlive());
        if (!p.isAlive()) throw new AssertionError("the server process exited at start (see " + data + "/server-*.log)");
        return p;
    }

    /** The port the server process on {@code data} listens on. */
    static int port(Path data) throws Exception {
        return Integer.parseInt(Files.readString(data.resolve("port")).trim());
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        java.time.Duration snapshots = args.length > 2 ? java.time.Duration.ofMillis(Long.parseLong(args[2])) : ServerConfig.SNAPSHOT_INTERVAL;
        VigilServer server = VigilServer.start(ServerConfig.defaults(data).withPort(0).withRuleDirs(List.of(Path.of(args[1])))
                .withBuiltinRules(false).withSnapshotInterval(snapshots));
        Path port = data.resolve("port");
        Files.writeString(data.resolve("port.tmp"), Integer.toString(server.port()));
        Files.move(data.resolve("port.tmp"), port, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Thread.currentThread().join();
    }
}
