package dev.vigil.agent.ship;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The agent's identity towards the server: a random id made once and kept in the state directory
 * ({@code agent-id}), so it survives restarts and upgrades and names this host's stream of batches.
 */
public final class AgentId {

    /** The file in the state directory. */
    public static final String FILE = "agent-id";
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9._-]{8,128}");

    private AgentId() {}

    /** Reads the id from {@code stateDir}, or makes one and writes it there (atomically) if there is none. */
    public static String loadOrCreate(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!FORMAT.matcher(id).matches()) {
                throw new IOException("agent id file " + file + " holds '" + id + "', not an id (8 to 128 of A-Z a-z 0-9 . _ -): "
                        + "delete it to make a new id (the server will see a new agent)");
            }
            return id;
        }
        Files.createDirectories(stateDir);
        String id = UUID.randomUUID().toString();
        Path tmp = stateDir.resolve(FILE + ".tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return id;
    }
}
