package dev.vigil.sensor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real containers for tests, through the podman CLI (no Docker engine exists on the project's
 * machines, see {@code host-recipes.md}).
 *
 * <h2>Typical use</h2>
 * <pre>{@code
 * Podman.requireAvailable();               // aborts when not root, fails when root lacks podman
 * Podman.ensureImage("acme/web:1.0");      // busybox image, built once per machine
 * String id = Podman.runDetached("acme/web:1.0", "/bin/sh", "-c", "cat /etc/passwd; sleep 30");
 * try {
 *     long pid = Podman.pid(id);           // host pid of the container's init
 *     ...
 * } finally {
 *     Podman.remove(id);
 * }
 * }</pre>
 *
 * <h2>Host quirks handled here</h2>
 * <ul>
 *   <li>{@code --runtime runc} on every command: crun fails on this machine's hybrid cgroup layout.</li>
 *   <li>Explicit {@code --ulimit nofile/nproc} on {@code run}: with the limits podman derives from
 *       the host, container init fails with "error setting rlimit type 7: operation not
 *       permitted".</li>
 *   <li>{@code --network none} on {@code run}: no network setup, faster and needs no netavark.</li>
 *   <li>{@code rm -f -t 0}: a shell or {@code sleep} as PID 1 ignores SIGTERM, so the default 10 s
 *       stop timeout would make every cleanup take 10 s.</li>
 *   <li>Output goes to files, not pipes: {@code run -d} leaves conmon running with the CLI's
 *       descriptors, so reading a pipe to EOF would hang.</li>
 * </ul>
 * Every wait is bounded by {@link #TIMEOUT}.
 */
public final class Podman {

    /** The longest any podman command or the service start may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The OCI runtime used for every container. */
    public static final String RUNTIME = "runc";

    /** Options added to every {@code run}; see the class comment for why. */
    public static final List<String> RUN_OPTIONS = List.of(
            "--network", "none", "--ulimit", "nofile=1024:20000", "--ulimit", "nproc=1024:1024");

    /** Busybox applets linked into {@link #ensureImage} images, under {@code /bin}. */
    public static final List<String> IMAGE_COMMANDS = List.of(
            "sh", "cat", "ls", "wget", "sleep", "nslookup", "id",
            "echo", "env", "rm", "mkdir", "touch", "chmod", "ps", "head", "grep", "nc", "kill", "true");

    private static final String INSTALL_HINT = "apt-get install -y podman runc busybox-static";

    private Podman() {}

    /** Whether this process is root and podman and runc are installed. */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /** What is missing to run podman tests, or {@code null} when nothing is. */
    public static String unavailableReason() {
        List<String> missing = new ArrayList<>();
        if (uid() != 0) {
            missing.add("root (running as uid " + uid() + ")");
        }
        for (String tool : List.of("podman", RUNTIME)) {
            if (which(tool) == null) {
                missing.add(tool + " on PATH or in /usr/sbin");
            }
        }
        return missing.isEmpty() ? null : "podman tests need " + String.join(", ", missing);
    }

    /**
     * Aborts the calling test when not root (a developer's machine), and fails it when root but podman
     * or runc is missing: CI runs as root with podman installed, so there a missing tool is a broken
     * setup, not a reason to skip.
     */
    public static void requireAvailable() {
        if (uid() != 0) {
            Assumptions.abort(unavailableReason());
        }
        String reason = unavailableReason();
        if (reason != null) {
            throw new AssertionError(reason + "; install with: " + INSTALL_HINT);
        }
    }

    /**
     * Makes sure a busybox image named {@code ref} (e.g. {@code acme/web:1.0}, stored as
     * {@code localhost/acme/web:1.0}) exists, importing it when absent. The image holds a static
     * busybox with links for {@link #IMAGE_COMMANDS}, {@code /etc/passwd} and {@code /etc/group}
     * with root and nobody, and a world-writable {@code /tmp}. Idempotent: an existing image of that
     * name is kept as it is, whatever its content.
     */
    public static void ensureImage(String ref) {
        if (exec(podman("image", "exists", ref), true).exitCode() == 0) {
            return;
        }
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isExecutable(busybox)) {
            throw new IllegalStateException("cannot build image " + ref + ": " + busybox + " is missing; install with: "
                    + INSTALL_HINT);
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("vigil-image-");
            Path rootfs = dir.resolve("rootfs");
            Path bin = Files.createDirectories(rootfs.resolve("bin"));
            Files.copy(busybox, bin.resolve("busybox"));
            for (String command : IMAGE_COMMANDS) {
                Files.createSymbolicLink(bin.resolve(command), Path.of("busybox"));
            }
            Path etc = Files.createDirectories(rootfs.resolve("etc"));
            Files.writeString(etc.resolve("passwd"),
                    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n");
            Files.writeString(etc.resolve("group"), "root:x:0:\nnogroup:x:65534:\n");
            Files.createDirectories(rootfs.resolve("root"));
            Path tmp = Files.createDirectories(rootfs.resolve("tmp"));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path tar = dir.resolve("rootfs.tar");
            exec(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."), false);
            exec(podman("import", tar.toString(), ref), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build image " + ref + " in " + dir + ": " + e.getMessage(), e);
        } finally {
            deleteRecursively(dir);
        }
    }

    /**
     * Runs {@code podman --runtime runc <podmanArgs>} and returns its stdout.
     *
     * @throws IllegalStateException naming the command, exit code and stderr when podman fails or
     *                               takes longer than {@link #TIMEOUT}
     */
    public static String run(String... podmanArgs) {
        return exec(podman(podmanArgs), false).stdout();
    }

    /**
     * Starts {@code cmd} in a new container of {@code image} in the background, with
     * {@link #RUN_OPTIONS}, and returns the 64-hex container id. Remove it with {@link #remove}.
     */
    public static String runDetached(String image, String... cmd) {
        List<String> args = new ArrayList<>(List.of("run", "-d"));
        args.addAll(RUN_OPTIONS);
        args.add(image);
        args.addAll(Arrays.asList(cmd));
        String out = run(args.toArray(String[]::new)).strip();
        String id = out.substring(out.lastIndexOf('\n') + 1).strip();
        if (!id.matches("[0-9a-f]{64}")) {
            throw new IllegalStateException("podman run -d " + image + " printed no container id: '" + out + "'");
        }
        return id;
    }

    /** The host pid of the container's first process; the container must be running. */
    public static long pid(String containerId) {
        String out = run("inspect", "--format", "{{.State.Pid}}", containerId).strip();
        long pid = Long.parseLong(out);
        if (pid <= 0) {
            throw new IllegalStateException("container " + containerId + " has no running process (pid " + out + ")");
        }
        return pid;
    }

    /** Kills and removes a container without the 10 s stop grace period; ignores unknown ids. */
    public static void remove(String containerId) {
        exec(podman("rm", "-f", "-t", "0", "--ignore", containerId), false);
    }

    /**
     * Starts {@code podman system service} on a unix socket (serving the Docker-compatible API and
     * podman's own) and waits until {@code GET /_ping} answers. Close the result to stop it.
     */
    public static Service startService(Path socket) {
        Objects.requireNonNull(socket, "socket");
        try {
            Files.createDirectories(socket.toAbsolutePath().getParent());
            Files.deleteIfExists(socket);
            Path log = Files.createTempFile("vigil-podman-service-", ".log");
            Process process = new ProcessBuilder(podman("system", "service", "--time=0", "unix://" + socket.toAbsolutePath()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Service service = new Service(process, socket, log);
            try {
                service.awaitReady();
            } catch (RuntimeException | Error e) {
                service.close();
                throw e;
            }
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start podman system service on " + socket + ": " + e.getMessage(), e);
        }
    }

    /** A running {@code podman system service}; {@link #close} stops it and removes the socket. */
    public static final class Service implements AutoCloseable {
        private final Process process;
        private final Path socket;
        private final Path log;

        private Service(Process process, Path socket, Path log) {
            this.process = process;
            this.socket = socket;
            this.log = log;
        }

        public Path socket() { return socket; }

        public long pid() { return process.pid(); }

        private void awaitReady() {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            String lastError = "socket not created yet";
            while (System.nanoTime() - deadline < 0) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("podman system service on " + socket + " exited with "
                            + process.exitValue() + ": " + readLog());
                }
                if (Files.exists(socket)) {
                    try {
                        if (ping(socket)) {
                            return;
                        }
                        lastError = "GET /_ping did not answer 200 OK";
                    } catch (IOException e) {
                        lastError = e.toString();
                    }
                }
                sleep(100);
            }
            throw new IllegalStateException("podman system service on " + socket + " not ready within " + TIMEOUT
                    + " (" + lastError + "): " + readLog());
        }

        private String readLog() {
            try {
                return Files.readString(log).strip();
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } finally {
                try {
                    Files.deleteIfExists(socket);
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // best effort: a leftover socket file in a temp dir is harmless
                }
            }
        }
    }

    /** Whether {@code GET /_ping} on the socket answers 200; each attempt is bounded by a 2 s read. */
    private static boolean ping(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            channel.configureBlocking(false);
            ByteBuffer in = ByteBuffer.allocate(4096);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() - deadline < 0 && in.hasRemaining()) {
                int n = channel.read(in);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    sleep(10);
                }
            }
            String answer = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
            return answer.startsWith("HTTP/1.0 200") || answer.startsWith("HTTP/1.1 200");
        }
    }

    // ---- processes ----

    private record Result(int exitCode, String stdout, String stderr) {}

    private static List<String> podman(String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        if (!Arrays.asList(args).contains("--runtime")) {
            command.addAll(List.of("--runtime", RUNTIME)); // a global option: valid before any subcommand
        }
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** Runs a command to completion within {@link #TIMEOUT}; unless {@code allowFailure}, a non-zero exit throws. */
    private static Result exec(List<String> command, boolean allowFailure) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("vigil-cmd-", ".out");
            err = Files.createTempFile("vigil-cmd-", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("'" + String.join(" ", command) + "' did not finish within " + TIMEOUT
                        + "; stderr: " + Files.readString(err).strip());
            }
            Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            if (result.exitCode() != 0 && !allowFailure) {
                throw new IllegalStateException("'" + String.join(" ", command) + "' exited with " + result.exitCode()
                        + ": " + result.stderr().strip());
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run '" + String.join(" ", command) + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running '" + String.join(" ", command) + "'", e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static long uid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    private static Path which(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(Arrays.stream(path.split(":")), Stream.of("/usr/sbin", "/usr/bin", "/sbin", "/bin"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, tool))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // temp file; the OS cleans /tmp
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(Podman::deleteQuietly);
        } catch (IOException ignored) {
            // temp dir; the OS cleans /tmp
        }
    }
}
