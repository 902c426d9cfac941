package dev.vigil.server.it;

import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A server in a process of its own, for tests that kill it: args are the data dir and a rules dir. */
public final class ServerProcess {

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        VigilServer server = VigilServer.start(ServerConfig.defaults(data).withPort(0).withRuleDirs(List.of(Path.of(args[1])))
                .withBuiltinRules(false));
        Path port = data.resolve("port");
        Files.writeString(data.resolve("port.tmp"), Integer.toString(server.port()));
        Files.move(data.resolve("port.tmp"), port, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Thread.currentThread().join();
    }
}
