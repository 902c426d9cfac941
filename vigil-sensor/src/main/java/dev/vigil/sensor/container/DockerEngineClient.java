package dev.vigil.sensor.container;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.model.ContainerInfo;
import dev.vigil.model.json.EventJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Just enough of the Docker Engine API, over its unix socket, to name a container's image: one
 * {@code GET /v1.41/containers/<id>/json} per call. Podman's {@code podman system service} serves the
 * same Docker-compatible API, so one client covers both.
 *
 * <h2>Protocol</h2>
 * HTTP/1.0, one connection per request: the engine closes the connection after the response, so the
 * body runs to EOF and no keep-alive or pooling is needed for the rare lookups made here. The
 * response is capped at {@link #MAX_RESPONSE_BYTES}; {@code Content-Length} and
 * {@code Transfer-Encoding: chunked} are honoured when present (podman answers HTTP/1.0 requests
 * with neither).
 *
 * <h2>Timeouts</h2>
 * Blocking socket channels have no read timeout, so the exchange runs on a virtual thread and the
 * caller waits at most the configured timeout, then closes the channel, which fails the blocked read.
 *
 * <h2>Failure</h2>
 * 404 means the engine does not know the container ({@link Optional#empty()}); anything else that is
 * not 2xx, a refused connection, a timeout, a truncated or oversized response or a malformed body is
 * an {@link IOException} whose message names the socket, the request and what went wrong.
 */
public final class DockerEngineClient {

    /** Upper bound on a response; an inspect answer is a few KiB, even with many mounts and labels. */
    static final int MAX_RESPONSE_BYTES = 1 << 20;

    /** Engine API version spoken; 1.41 is served by Docker 20.10+ and by podman 3+. */
    static final String API_VERSION = "v1.41";

    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** Ids and names as the engine accepts them in a path; anything else would need URL escaping. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern HEX_64 = Pattern.compile("[0-9a-f]{64}");

    private final Path socket;
    private final Duration timeout;

    public DockerEngineClient(Path socket, Duration timeout) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("engine API timeout must be positive, got " + timeout);
        }
    }

    public Path socket() { return socket; }

    /**
     * The container's metadata, or empty when the engine does not know the id.
     *
     * @param id      the container id (or name)
     * @param runtime the runtime name to put in the result, e.g. {@code podman}
     * @throws IOException when the engine cannot be reached, answers too late, or answers with an error
     */
    public Optional<ContainerInfo> inspect(String id, String runtime) throws IOException {
        Objects.requireNonNull(runtime, "runtime");
        if (id == null || !SAFE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("container id '" + id + "' is not a container id or name");
        }
        String path = "/" + API_VERSION + "/containers/" + id + "/json";
        Response response = get(path);
        if (response.status() == 404) {
            return Optional.empty();
        }
        if (response.status() / 100 != 2) {
            throw new IOException("GET " + path + " on " + socket + " answered " + response.status() + " "
                    + response.reason() + ": " + snippet(response.body()));
        }
        return Optional.of(toContainerInfo(parseObject(path, response.body()), id, runtime));
    }

    private Map<String, Object> parseObject(String path, byte[] body) throws IOException {
        String where = "GET " + path + " on " + socket;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                return EventJson.readObject(p);
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(where + " answered malformed JSON: " + e.getMessage(), e);
        }
        throw new IOException(where + " answered a body that is not a JSON object: " + snippet(body));
    }

    static ContainerInfo toContainerInfo(Map<String, Object> root, String requestedId, String runtime) {
        String id = root.get("Id") instanceof String s && !s.isEmpty() ? s : requestedId;
        String name = root.get("Name") instanceof String s ? (s.startsWith("/") ? s.substring(1) : s) : "";
        String reference = imageReference(root);
        String imageName = "";
        String imageTag = "";
        if (reference != null) {
            try {
                ImageRef image = ImageRef.parse(reference);
                imageName = image.name();
                imageTag = image.tag();
            } catch (IllegalArgumentException e) {
                imageName = reference; // odd but informative; rules can still see it
            }
        }
        long created = root.get("Created") instanceof String s ? rfc3339ToNanos(s) : 0;
        return new ContainerInfo(id, name, imageName, imageTag, runtime, created);
    }

    /**
     * The reference the user ran: {@code Config.Image}, else podman's {@code ImageName}, else
     * {@code Image} unless that is only an image id ({@code sha256:...}, which docker puts there).
     */
    private static String imageReference(Map<String, Object> root) {
        if (root.get("Config") instanceof Map<?, ?> config && config.get("Image") instanceof String s && isReference(s)) {
            return s;
        }
        for (String key : new String[] {"ImageName", "Image"}) {
            if (root.get(key) instanceof String s && isReference(s)) {
                return s;
            }
        }
        return null;
    }

    private static boolean isReference(String s) {
        return !s.isBlank() && !s.startsWith("sha256:") && !HEX_64.matcher(s).matches();
    }

    /** Unix nanoseconds of an RFC 3339 timestamp; 0 when unparseable or before 1970 (docker's zero time). */
    static long rfc3339ToNanos(String timestamp) {
        try {
            var instant = OffsetDateTime.parse(timestamp).toInstant();
            if (instant.getEpochSecond() < 0) {
                return 0;
            }
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            return 0;
        }
    }

    // ---- HTTP over the unix socket ----

    record Response(int status, String reason, byte[] body) {}

    Response get(String path) throws IOException {
        byte[] request = ("GET " + path + " HTTP/1.0\r\n"
                + "Host: docker\r\n" // not required by HTTP/1.0; some proxies in front of engines want it
                + "User-Agent: vigil-sensor\r\n"
                + "Accept: application/json\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new IOException("cannot open a unix socket channel for " + socket + ": " + e.getMessage(), e);
        }
        try (channel) {
            FutureTask<byte[]> exchange = new FutureTask<>(() -> exchange(channel, request, path));
            Thread.ofVirtual().name("vigil-engine-api").start(exchange);
            byte[] raw;
            try {
                raw = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                channel.close(); // fails the blocked connect/read on the virtual thread
                exchange.cancel(true);
                throw new IOException("GET " + path + " on " + socket + " got no complete answer within " + timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                channel.close();
                exchange.cancel(true);
                var ie = new InterruptedIOException("interrupted while waiting for GET " + path + " on " + socket);
                ie.initCause(e);
                throw ie;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException("GET " + path + " on " + socket + " failed: " + e.getCause(), e.getCause());
            }
            return parseResponse(raw, path);
        }
    }

    private byte[] exchange(SocketChannel channel, byte[] request, String path) throws IOException {
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new IOException("cannot connect to engine socket " + socket + ": " + e.getMessage(), e);
        }
        ByteBuffer out = ByteBuffer.wrap(request);
        while (out.hasRemaining()) {
            channel.write(out);
        }
        ByteArrayOutputStream received = new ByteArrayOutputStream(8192);
        ByteBuffer in = ByteBuffer.allocate(16384);
        while (channel.read(in) >= 0) {
            if (received.size() + in.position() > MAX_RESPONSE_BYTES) {
                throw new IOException("GET " + path + " on " + socket + " answered more than "
                        + MAX_RESPONSE_BYTES + " bytes");
            }
            received.write(in.array(), 0, in.position());
            in.clear();
        }
        return received.toByteArray();
    }

    private Response parseResponse(byte[] raw, String path) throws IOException {
        String where = "GET " + path + " on " + socket;
        int headerEnd = indexOf(raw, new byte[] {'\r', '\n', '\r', '\n'}, 0);
        int bodyStart = headerEnd + 4;
        if (headerEnd < 0) {
            throw new IOException(where + " answered no complete HTTP header (" + raw.length + " bytes: "
                    + snippet(raw) + ")");
        }
        String[] lines = new String(raw, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        // "HTTP/1.0 404 Not Found"
        String[] statusLine = lines[0].split(" ", 3);
        int status;
        try {
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
                throw new NumberFormatException();
            }
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            throw new IOException(where + " answered a bad status line '" + lines[0] + "'");
        }
        String reason = statusLine.length > 2 ? statusLine[2] : "";
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        byte[] body;
        String encoding = headers.getOrDefault("transfer-encoding", "");
        if (encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = dechunk(raw, bodyStart, where);
        } else if (headers.containsKey("content-length")) {
            long length;
            try {
                length = Long.parseLong(headers.get("content-length"));
            } catch (NumberFormatException e) {
                throw new IOException(where + " answered a bad Content-Length '" + headers.get("content-length") + "'");
            }
            if (length > raw.length - bodyStart) {
                throw new IOException(where + " answered a truncated body: " + (raw.length - bodyStart)
                        + " of " + length + " bytes");
            }
            body = Arrays.copyOfRange(raw, bodyStart, bodyStart + (int) length);
        } else {
            body = Arrays.copyOfRange(raw, bodyStart, raw.length);
        }
        return new Response(status, reason, body);
    }

    /** Decodes a chunked body: hex size [;ext] CRLF, data CRLF, ..., 0 CRLF, trailers CRLF. */
    private static byte[] dechunk(byte[] raw, int from, String where) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(raw.length - from);
        int pos = from;
        while (true) {
            int lineEnd = indexOf(raw, new byte[] {'\r', '\n'}, pos);
            if (lineEnd < 0) {
                throw new IOException(where + " answered a truncated chunked body (no chunk size line at byte " + pos + ")");
            }
            String sizeLine = new String(raw, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException(where + " answered a bad chunk size '" + sizeLine + "'");
            }
            pos = lineEnd + 2;
            if (size == 0) {
                return body.toByteArray(); // trailers, if any, are ignored
            }
            if (size < 0 || size > raw.length - pos) {
                throw new IOException(where + " answered a truncated chunked body: chunk of " + size
                        + " bytes with " + (raw.length - pos) + " left");
            }
            body.write(raw, pos, size);
            pos += size + 2; // data, then CRLF
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The start of a body for an error message, on one line. */
    private static String snippet(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        return s.isEmpty() ? "(empty body)" : s + (body.length > 200 ? "..." : "");
    }

    @Override
    public String toString() {
        return "DockerEngineClient[" + socket + "]";
    }
}
