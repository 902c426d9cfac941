package dev.vigil.server.pipeline;

import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.engine.StateSnapshot;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file that holds the detection engine's {@link StateSnapshot}. It is replaced whole: the new
 * state goes to a temporary file, which is forced to disk, renamed over the old one (atomic on a
 * POSIX file system), and the directory is forced so the rename survives a power cut. A crash at
 * any point leaves either the old snapshot or the new one, never half of one; a file damaged
 * anyway is told by its checksum when read.
 */
final class StateSnapshotFile {

    private final Path file;
    private final Path temp;

    StateSnapshotFile(Path file) {
        this.file = file;
        this.temp = file.resolveSibling(file.getFileName() + ".tmp");
    }

    Path path() { return file; }

    boolean exists() { return Files.exists(file); }

    /** Writes the engine's state as reflecting event log offset {@code position}, replacing the file. */
    StateSnapshot.Written write(DetectionEngine engine, long position) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        StateSnapshot.Written w;
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
             OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
            w = engine.writeSnapshot(out, position);
            ch.force(true);
        } catch (IOException | RuntimeException x) {
            Files.deleteIfExists(temp);
            throw x;
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
        return w;
    }

    /** Reads and checks the snapshot into the engine without applying it ({@link StateSnapshot.Staged#apply}). */
    StateSnapshot.Staged read(DetectionEngine engine) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return engine.readSnapshot(in);
        }
    }
}
