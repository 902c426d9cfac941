package dev.vigil.sensor.container;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A real HTTP peer on a unix domain socket that answers each request with canned bytes, so the
 * client's socket, framing and timeout code runs for real. One connection per request, closed after
 * the answer, as podman and docker do for HTTP/1.0.
 */
final class FakeEngine implements AutoCloseable {

    /** Answers a request line such as {@code GET /v1.41/containers/abc/json HTTP/1.0}; null means never answer. */
    @FunctionalInterface
    interface Handler {
        byte[] answer(String requestLine);
    }

    private final ServerSocketChannel server;
    private final Path socket;
    private final Handler handler;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    private FakeEngine(Path socket, Handler handler) throws IOException {
        this.socket = socket;
        this.handler = handler;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofPlatform().daemon().name("fake-engine-" + socket.getFileName()).start(this::acceptLoop);
    }

    static FakeEngine start(Path socket, Handler handler) throws IOException {
        return new FakeEngine(socket, handler);
    }

    Path socket() { return socket; }

    /** Request lines received so far, in order. */
    List<String> requests() { return List.copyOf(requests); }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                open.add(client);
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            String head = readHead(client);
            String requestLine = head.substring(0, Math.max(0, head.indexOf("\r\n")));
            requests.add(requestLine);
            byte[] answer = handler.answer(requestLine);
            if (answer == null) {
                closed.await(); // a hung engine: hold the connection until the test ends
                return;
            }
            ByteBuffer out = ByteBuffer.wrap(answer);
            while (out.hasRemaining()) {
                client.write(out);
            }
        } catch (IOException | InterruptedException e) {
            // the client gave up or the engine is closing
        } finally {
            open.remove(client);
        }
    }

    private static String readHead(SocketChannel client) throws IOException {
        StringBuilder head = new StringBuilder();
        ByteBuffer in = ByteBuffer.allocate(1024);
        while (head.indexOf("\r\n\r\n") < 0 && client.read(in) >= 0) {
            head.append(new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1));
            in.clear();
        }
        return head.toString();
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        server.close();
        for (SocketChannel c : open) {
            c.close();
        }
        Files.deleteIfExists(socket);
    }
}
