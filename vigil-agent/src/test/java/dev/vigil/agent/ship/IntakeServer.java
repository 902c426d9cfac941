package dev.vigil.agent.ship;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for the server's intake, on a real HTTP socket: it checks the headers, gunzips the body,
 * keeps every attempt and the accepted lines, drops duplicate batch ids like the real server, and
 * can be stopped, started again on the same port, or told to answer with an error.
 */
final class IntakeServer implements AutoCloseable {

    static final String API_KEY = "test-key-0123456789";

    /** How the next requests are answered. */
    enum Mode {
        /** 202, duplicates detected by batch id. */
        OK,
        /** 500 without looking at the batch. */
        FAIL_500,
        /** 400 {"error":...,"line":2}. */
        BAD_400,
        /** 401. */
        UNAUTHORIZED,
        /** 413 if the batch has more than {@link #maxLines} lines, else as OK. */
        TOO_LARGE,
        /** Stores the batch like OK but answers 500, as if the acknowledgement were lost on the way. */
        ACK_LOST
    }

    /** One request as received. */
    record Attempt(String batchId, String agentId, List<String> lines, int status, String authorization, String contentType,
                   String contentEncoding) {}

    private HttpServer server;
    private int port;
    private volatile Mode mode = Mode.OK;
    /** Requests the mode applies to before going back to OK; -1: all. */
    private final AtomicInteger modeLeft = new AtomicInteger(-1);
    volatile int maxLines = Integer.MAX_VALUE;
    volatile boolean heartbeatEndpoint = true;

    final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    final List<String> acceptedIds = new CopyOnWriteArrayList<>();
    final List<String> accepted = new CopyOnWriteArrayList<>();
    final List<String> heartbeats = new CopyOnWriteArrayList<>();
    private final Set<String> seen = new HashSet<>();

    IntakeServer start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        port = server.getAddress().getPort();
        server.createContext("/api/v1/intake/agent", this::intake);
        server.createContext("/api/v1/agents/heartbeat", this::heartbeat);
        server.start();
        return this;
    }

    void stop() {
        server.stop(0);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Answers the next {@code requests} requests (-1: all) in {@code m}, then OK. */
    void answer(Mode m, int requests) {
        modeLeft.set(requests);
        mode = m;
    }

    private Mode currentMode() {
        Mode m = mode;
        if (m == Mode.OK) return m;
        int left = modeLeft.getAndUpdate(n -> n > 0 ? n - 1 : n);
        if (left == 0) return Mode.OK;
        return m;
    }

    private synchronized void intake(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readAllBytes();
        String enc = ex.getRequestHeaders().getFirst("Content-Encoding");
        List<String> lines = lines("gzip".equals(enc) ? gunzip(raw) : raw);
        String id = ex.getRequestHeaders().getFirst("Vigil-Batch-Id");
        String agent = ex.getRequestHeaders().getFirst("Vigil-Agent-Id");
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        int status;
        String body;
        Mode m = ("Bearer " + API_KEY).equals(auth) ? currentMode() : Mode.UNAUTHORIZED;
        switch (m) {
            case FAIL_500 -> {
                status = 500;
                body = "{\"error\":\"internal\"}";
            }
            case BAD_400 -> {
                status = 400;
                body = "{\"error\":\"unexpected end of input\",\"line\":2}";
            }
            case UNAUTHORIZED -> {
                status = 401;
                body = "{\"error\":\"invalid API key\"}";
            }
            case TOO_LARGE -> {
                if (lines.size() > maxLines) {
                    status = 413;
                    body = "";
                } else {
                    status = 202;
                    body = accept(id, lines);
                }
            }
            case ACK_LOST -> {
                accept(id, lines);
                status = 500;
                body = "";
            }
            default -> {
                status = 202;
                body = accept(id, lines);
            }
        }
        attempts.add(new Attempt(id, agent, lines, status, auth, type, enc));
        respond(ex, status, body);
    }

    private String accept(String id, List<String> lines) {
        if (!seen.add(id)) return "{\"accepted\":0,\"duplicate\":true}";
        acceptedIds.add(id);
        accepted.addAll(lines);
        return "{\"accepted\":" + lines.size() + ",\"duplicate\":false}";
    }

    private void heartbeat(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        if (!heartbeatEndpoint) {
            respond(ex, 404, "");
            return;
        }
        heartbeats.add(new String(body, StandardCharsets.UTF_8));
        respond(ex, 204, "");
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) ex.getResponseBody().write(b);
        ex.close();
    }

    private static byte[] gunzip(byte[] raw) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        if (s.isEmpty()) return List.of();
        if (!s.endsWith("\n")) throw new IllegalStateException("NDJSON body does not end with a newline: " + s);
        return new ArrayList<>(Arrays.asList(s.substring(0, s.length() - 1).split("\n", -1)));
    }

    @Override
    public void close() {
        if (server != null) server.stop(0);
    }
}
