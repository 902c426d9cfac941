package dev.vigil.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;

/** A plain HTTP client for the server's API, as an agent or a script would use it. */
final class TestClient {

    record Response(int status, JsonNode body) {}

    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final String key;

    TestClient(int port, String key) {
        this.base = "http://127.0.0.1:" + port;
        this.key = key;
    }

    Response post(String path, byte[] body, String batchId, boolean gzip) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-ndjson");
        if (key != null) b.header("Authorization", "Bearer " + key);
        if (batchId != null) b.header("Vigil-Batch-Id", batchId);
        if (gzip) {
            b.header("Content-Encoding", "gzip");
            body = gzip(body);
        }
        return send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    Response postJson(String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key);
        return send(b.POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Response get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return send(b.GET().build());
    }

    private Response send(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<byte[]> res = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body = res.body().length == 0 ? JSON.nullNode() : JSON.readTree(res.body());
        return new Response(res.statusCode(), body);
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }
}
