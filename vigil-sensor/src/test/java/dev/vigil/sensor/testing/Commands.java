package dev.vigil.sensor.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs real programs as children of the test JVM, with a timeout, returning exit code and output. */
public final class Commands {
    private Commands() {}

    public record Result(int exit, String out, long pid) {}

    public static Result run(List<String> cmd) {
        return run(cmd, null, Map.of());
    }

    public static Result sh(String script) {
        return run(List.of("/bin/sh", "-c", script), null, Map.of());
    }

    public static Result run(List<String> cmd, Path cwd, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (cwd != null) pb.directory(cwd.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), p.pid());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
