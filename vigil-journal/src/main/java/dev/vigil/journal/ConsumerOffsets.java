package dev.vigil.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Named consumer offsets, one small text file per consumer ({@code <name>.offset}, the offset in
 * decimal), replaced atomically: written to a temporary file, forced, renamed over the old one, and
 * the directory forced (with {@link Durability#NONE}, nothing is forced).
 */
final class ConsumerOffsets {

    static final String SUFFIX = ".offset";
    private static final String TMP = ".tmp";
    /** Consumer names become file names, so they are kept to a safe alphabet. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Path dir;
    private final Durability durability;
    private final Map<String, Long> offsets = new ConcurrentHashMap<>();

    private ConsumerOffsets(Path dir, Durability durability) {
        this.dir = dir;
        this.durability = durability;
    }

    static ConsumerOffsets load(Path dir, Durability durability) throws IOException {
        ConsumerOffsets c = new ConsumerOffsets(dir, durability);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(SUFFIX + TMP)) {
                    Files.deleteIfExists(f); // a commit interrupted before its rename: the old file still holds the offset
                } else if (name.endsWith(SUFFIX)) {
                    String text = Files.readString(f, StandardCharsets.US_ASCII).trim();
                    try {
                        c.offsets.put(name.substring(0, name.length() - SUFFIX.length()), Long.parseLong(text));
                    } catch (NumberFormatException e) {
                        throw new IOException("consumer offset file " + f + " holds '" + text + "', not an offset: delete it to start that consumer over");
                    }
                }
            }
        }
        return c;
    }

    static void checkName(String consumer) {
        if (consumer == null || !NAME.matcher(consumer).matches()) {
            throw new IllegalArgumentException("consumer name '" + consumer + "' is not allowed: use 1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
    }

    OptionalLong get(String consumer) {
        checkName(consumer);
        Long v = offsets.get(consumer);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    synchronized void put(String consumer, long offset) throws IOException {
        Path target = dir.resolve(consumer + SUFFIX);
        Path tmp = dir.resolve(consumer + SUFFIX + TMP);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap((offset + "\n").getBytes(StandardCharsets.US_ASCII));
            while (b.hasRemaining()) ch.write(b);
            if (durability == Durability.FSYNC) ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (durability == Durability.FSYNC) Journal.forceDirectory(dir);
        offsets.put(consumer, offset);
    }
}
