package dev.vigil.sensor;

import dev.vigil.model.HostInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** This host's identity: name and kernel from /proc, tags from configuration. */
public final class HostInfos {
    private HostInfos() {}

    public static HostInfo local(List<String> tags) {
        return new HostInfo(read("/proc/sys/kernel/hostname"), read("/proc/sys/kernel/osrelease"), tags);
    }

    /** Boot time in Unix nanoseconds (from /proc/stat's btime), to date processes read from /proc. */
    public static long bootTimeUnixNanos() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("btime ")) {
                    return Long.parseLong(line.substring(6).trim()) * 1_000_000_000L;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return 0;
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
