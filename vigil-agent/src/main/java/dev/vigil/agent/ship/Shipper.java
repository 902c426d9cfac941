package dev.vigil.agent.ship;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.journal.CorruptJournalException;
import dev.vigil.journal.FullPolicy;
import dev.vigil.journal.Journal;
import dev.vigil.journal.JournalConfig;
import dev.vigil.journal.JournalReader;
import dev.vigil.journal.JournalRecord;
import dev.vigil.journal.JournalStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Ships NDJSON lines (alerts, or all events) to the Vigil server through an on-disk buffer.
 *
 * <h2>Threads</h2>
 * <ul>
 * <li>The agent's thread calls {@link #offer(byte[])}: a put into a bounded in-memory queue, nothing
 *     else. If the queue is full the line is dropped and counted: the agent's thread never waits.</li>
 * <li>The <em>writer</em> (a platform thread: its work is file I/O) drains the queue in batches and
 *     appends each batch to the buffer, a {@link Journal} forced to disk once per batch.</li>
 * <li>The <em>sender</em> (a virtual thread) reads the buffer from the last acknowledged offset,
 *     builds a batch (at most {@link ShipperConfig.Tuning#batchMaxLines()} lines or
 *     {@link ShipperConfig.Tuning#batchMaxBytes()} raw bytes, waiting at most
 *     {@link ShipperConfig.Tuning#linger()} for more once it has one line), gzips it and POSTs it.
 *     One batch is in flight at a time, so batches arrive in order.</li>
 * <li>The <em>heartbeat</em> (a virtual thread) posts the agent's status every
 *     {@link ShipperConfig.Tuning#heartbeatInterval()}.</li>
 * </ul>
 *
 * <h2>The buffer and exactly-once delivery</h2>
 * Two consumer offsets live in the buffer: {@value #ACKED} (everything below it was acknowledged)
 * and {@value #INFLIGHT} (the end of the batch being sent, written before its first attempt). A
 * batch's id is {@code <agentId>:<start>-<end>}, its first line's offset and the offset after its
 * last line, so it is the same on every attempt. After a crash or restart the first batch is rebuilt
 * to end exactly at {@value #INFLIGHT}: a batch that reached the server but whose acknowledgement was
 * lost is re-sent with the same id, and the server drops the duplicate. Acknowledged segments are
 * deleted. When the buffer is full the oldest segments are dropped and counted (by the journal, and
 * logged here at most every {@link #LOG_INTERVAL}); a batch whose lines were dropped while it waited
 * is cut down to what is left.
 *
 * <h2>HTTP contract</h2>
 * {@code POST <server>/api/v1/intake/agent} with {@code Authorization: Bearer <key>},
 * {@code Content-Type: application/x-ndjson}, {@code Content-Encoding: gzip},
 * {@code Vigil-Batch-Id} and {@code Vigil-Agent-Id}. Answers:
 * <ul>
 * <li>2xx (202 {@code {"accepted":N,"duplicate":bool}}): the batch is acknowledged; the offset is committed.</li>
 * <li>400/422 {@code {"error":"...","line":N}}: the batch is malformed; it is logged with the line,
 *     counted as rejected and skipped (committed past). It is never retried.</li>
 * <li>401/403: the API key is rejected; logged, data kept, retried every {@link ShipperConfig.Tuning#authRetry()}.</li>
 * <li>413: the batch is split in halves, each sent on its own; a single line that is still too large is rejected.</li>
 * <li>429, 5xx, other answers, connection errors and timeouts: retried with exponential backoff from
 *     {@link ShipperConfig.Tuning#backoffMin()} doubling to {@link ShipperConfig.Tuning#backoffMax()},
 *     jittered ({@code Retry-After} is honoured up to the maximum); data stays on disk.</li>
 * </ul>
 * Heartbeats: {@code POST <server>/api/v1/agents/heartbeat}, JSON: the agent's id, hostname,
 * version, {@code interval_ms} (the heartbeat interval, so the server can tell when heartbeats
 * stop), its policy digest and rule count, the sensor's counters and the shipper's. Never the API
 * key, configuration or environment. A 404 (a server without the endpoint) is tolerated.
 *
 * <h2>Shutdown</h2>
 * {@link #close()} stops taking lines, writes the queue to the buffer, then lets the sender send what
 * is left (one more attempt if it was backing off) until {@link ShipperConfig.Tuning#closeDeadline()};
 * whatever is not acknowledged by then stays in the buffer for the next start.
 */
public final class Shipper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);

    /** Buffer consumer: everything below it was acknowledged by the server. */
    static final String ACKED = "shipper";
    /** Buffer consumer: the end of the batch being sent, written before its first attempt. */
    static final String INFLIGHT = "shipper-inflight";
    /** Most lines the writer appends to the buffer in one batch (one fsync). */
    static final int WRITE_BATCH = 4096;
    /** How long an idle thread waits before looking at the shutdown flags again. */
    static final Duration IDLE_POLL = Duration.ofMillis(100);
    /** Repeated conditions (drops, failed attempts, rejected key) are logged at most once per interval. */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    /** Most characters of a rejected line shown in the log. */
    static final int SHOWN_LINE_CHARS = 200;
    /** Buffer segments: the bound divided by this, so dropping the oldest segment loses a small share. */
    static final int SEGMENTS_PER_BUFFER = 16;
    /** Largest buffer segment. */
    static final long MAX_SEGMENT_BYTES = 64L << 20;
    /** How long close() waits for the writer to put the queue into the buffer. */
    static final Duration WRITER_CLOSE_WAIT = Duration.ofSeconds(10);

    private static final JsonFactory JSON = new JsonFactory();

    private final ShipperConfig config;
    private final ShipperConfig.Tuning tuning;
    private final String agentId;
    private final Supplier<AgentStatus> status;
    private final Journal journal;
    private final HttpClient http;
    private final ArrayBlockingQueue<byte[]> queue;
    /** Most bytes the writer appends at once: one buffer segment, so an append never needs more than a share of the bound. */
    private final long writeChunkBytes;

    private final Thread writer;
    private final Thread sender;
    private final Thread heartbeat;
    private final ReentrantLock wakeLock = new ReentrantLock();
    private final Condition wake = wakeLock.newCondition();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean closing;
    private volatile boolean writerDone;
    private volatile boolean stopNow;
    private volatile CompletableFuture<?> inFlight;

    // counters and state
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong sentRecords = new AtomicLong();
    private final AtomicLong sentBatches = new AtomicLong();
    private final AtomicLong duplicateBatches = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong rejectedBatches = new AtomicLong();
    private final AtomicLong rejectedRecords = new AtomicLong();
    private final AtomicLong droppedQueueFull = new AtomicLong();
    private final AtomicLong droppedWriteFailed = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private volatile long ackedOffset;
    private volatile String lastError;
    private volatile Instant lastErrorTime;
    private volatile boolean connected;
    private final Every dropLog = new Every(LOG_INTERVAL);
    private final Every failLog = new Every(LOG_INTERVAL);
    private final Every authLog = new Every(LOG_INTERVAL);
    private boolean heartbeat404Logged;

    private Shipper(ShipperConfig config, Supplier<AgentStatus> status) throws IOException {
        this.config = config;
        this.tuning = config.tuning();
        this.status = status;
        try {
            this.agentId = AgentId.loadOrCreate(config.stateDir());
        } catch (IOException e) {
            throw new IOException("cannot read or create the agent id in " + config.stateDir() + ": " + describe(e), e);
        }
        long segment = Math.clamp(config.bufferMaxBytes() / SEGMENTS_PER_BUFFER, JournalConfig.MIN_SEGMENT_BYTES, MAX_SEGMENT_BYTES);
        try {
            this.journal = Journal.open(config.bufferDir(), new JournalConfig(segment, config.bufferMaxBytes(), FullPolicy.DROP_OLDEST,
                    tuning.durability()));
        } catch (IOException e) {
            throw new IOException("cannot open the shipping buffer " + config.bufferDir() + ": " + describe(e), e);
        }
        this.writeChunkBytes = segment;
        this.queue = new ArrayBlockingQueue<>(tuning.queueCapacity());
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(tuning.requestTimeout());
        // plain http: no h2c upgrade dance; https: HTTP/2 if the server offers it (ALPN)
        if ("http".equals(config.server().getScheme())) b.version(HttpClient.Version.HTTP_1_1);
        this.http = b.build();
        this.ackedOffset = Math.max(journal.committed(ACKED).orElse(journal.startOffset()), journal.startOffset());
        this.writer = Thread.ofPlatform().name("vigil-ship-writer").daemon().unstarted(this::runWriter);
        this.sender = Thread.ofVirtual().name("vigil-ship-sender").unstarted(this::runSender);
        this.heartbeat = Thread.ofVirtual().name("vigil-ship-heartbeat").unstarted(this::runHeartbeats);
    }

    /**
     * Opens the buffer (resuming what a previous run left in it) and starts shipping.
     *
     * @param status what each heartbeat says about the agent (called on the heartbeat thread)
     * @throws IOException if the state or buffer directory cannot be used
     */
    public static Shipper start(ShipperConfig config, Supplier<AgentStatus> status) throws IOException {
        Shipper s = new Shipper(config, status);
        if ("http".equals(config.server().getScheme()) && !isLoopback(config.server().getHost())) {
            LOG.warn("shipping to {} over plain http: the API key and the data travel unencrypted; use https", config.server());
        }
        long pending = s.journal.endOffset() - s.ackedOffset;
        LOG.info("shipping to {} as agent {}; buffer {} ({} bytes waiting from a previous run)", config.server(), s.agentId,
                config.bufferDir(), pending);
        s.writer.start();
        s.sender.start();
        s.heartbeat.start();
        return s;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    /** This agent's id, as sent in every batch and heartbeat. */
    public String agentId() {
        return agentId;
    }

    /**
     * Hands over one NDJSON line (one JSON object; a trailing newline is optional). Never blocks.
     * The array must not be changed afterwards.
     *
     * @return false if the line was dropped (queue full, counted; or the shipper is closing)
     */
    public boolean offer(byte[] line) {
        if (closing) return false;
        if (queue.offer(line)) {
            queuedBytes.addAndGet(line.length);
            return true;
        }
        long n = droppedQueueFull.incrementAndGet();
        if (dropLog.tryAcquire()) {
            LOG.warn("shipping queue full ({} lines): dropped a line ({} in all); the buffer writer is falling behind",
                    tuning.queueCapacity(), n);
        }
        return false;
    }

    /**
     * Whether the in-memory queue is less than half full. Lines that can be spared (events followed
     * after an alert) are offered only then, so a flood of them cannot crowd alerts out of the queue.
     */
    public boolean hasSpareRoom() {
        return !closing && queue.size() < tuning.queueCapacity() / 2;
    }

    // ---------------------------------------------------------------------------------------- writer

    private void runWriter() {
        List<byte[]> batch = new ArrayList<>(WRITE_BATCH);
        long droppedSeen = journal.stats().recordsDropped();
        try {
            while (true) {
                byte[] first = queue.poll(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) break;
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, WRITE_BATCH - 1);
                droppedSeen = write(batch, droppedSeen);
            }
            while (queue.drainTo(batch, WRITE_BATCH) > 0) droppedSeen = write(batch, droppedSeen);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("the shipping buffer writer stopped", e);
            error("buffer writer stopped: " + e);
        } finally {
            writerDone = true;
            signal();
        }
    }

    /** Appends {@code batch} in chunks of at most {@link #writeChunkBytes} (one fsync each), then clears it. */
    private long write(List<byte[]> batch, long droppedSeen) {
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < batch.size(); i++) {
            long len = batch.get(i).length + Journal.HEADER_BYTES;
            if (i > from && bytes + len > writeChunkBytes) {
                append(batch.subList(from, i));
                from = i;
                bytes = 0;
            }
            bytes += len;
        }
        append(batch.subList(from, batch.size()));
        batch.clear();
        JournalStats js = journal.stats();
        if (js.recordsDropped() > droppedSeen && dropLog.tryAcquire()) {
            LOG.warn("shipping buffer {} is full ({} bytes): dropped the oldest {} unsent lines ({} in all); is the server {} reachable?",
                    config.bufferDir(), config.bufferMaxBytes(), js.recordsDropped() - droppedSeen, js.recordsDropped(), config.server());
            return js.recordsDropped();
        }
        return droppedSeen;
    }

    private void append(List<byte[]> chunk) {
        long bytes = 0;
        for (byte[] b : chunk) bytes += b.length;
        try {
            journal.append(chunk);
            written.addAndGet(chunk.size());
        } catch (IOException | IllegalArgumentException e) {
            droppedWriteFailed.addAndGet(chunk.size());
            error("cannot write to the buffer " + config.bufferDir() + ": " + e.getMessage());
            if (dropLog.tryAcquire()) {
                LOG.error("cannot write {} lines to the shipping buffer {}: {} (lost; {} in all)", chunk.size(), config.bufferDir(),
                        e.getMessage(), droppedWriteFailed.get());
            }
        } finally {
            queuedBytes.addAndGet(-bytes);
        }
    }

    // ---------------------------------------------------------------------------------------- sender

    private enum Outcome { ACCEPTED, REJECTED, SPLIT, RETRY, STOPPED }

    /** The answer to one attempt: what to do and, for a retry, how long to wait at least. */
    private record Attempt(Outcome outcome, Duration retryAfter, boolean auth) {
        static Attempt of(Outcome o) {
            return new Attempt(o, Duration.ZERO, false);
        }
    }

    /**
     * Sends until stopped. A failure nobody foresaw (a bug, a disk error) must not end shipping
     * for the agent's lifetime: the sender starts again from the last acknowledged line after a
     * pause, re-sending at most the batch in flight, which the server recognises by its id.
     */
    private void runSender() {
        Backoff restarts = new Backoff(tuning.backoffMin(), tuning.backoffMax());
        while (!stopNow) {
            if (sendUntilStopped()) return;
            senderRestarts.increment();
            try {
                Thread.sleep(restarts.next().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Times the sender failed and started again (also logged). */
    public final java.util.concurrent.atomic.LongAdder senderRestarts = new java.util.concurrent.atomic.LongAdder();

    /** @return true when it ended because shipping stopped, false when it failed */
    private boolean sendUntilStopped() {
        long start = Math.min(ackedOffset, journal.endOffset());
        long inflight = journal.committed(INFLIGHT).orElse(start);
        long limit = inflight > start ? Math.min(inflight, journal.endOffset()) : -1;
        long inflightCommitted = Math.max(inflight, start);
        Backoff backoff = new Backoff(tuning.backoffMin(), tuning.backoffMax());
        Deque<Batch> work = new ArrayDeque<>();
        try (JournalReader reader = journal.reader(start)) {
            while (!stopNow) {
                if (work.isEmpty()) {
                    Batch b = nextBatch(reader, limit);
                    limit = -1;
                    if (b == null) {
                        if (closing && writerDone) break;
                        continue;
                    }
                    work.add(b);
                }
                Batch b = work.removeFirst().retainFrom(journal.startOffset(), agentId);
                if (b == null) continue; // all of it was dropped from the full buffer while it waited
                work.addFirst(b);
                if (b.end() > inflightCommitted) {
                    journal.commit(INFLIGHT, b.end());
                    inflightCommitted = b.end();
                }
                Attempt a = post(b);
                switch (a.outcome()) {
                    case ACCEPTED, REJECTED -> {
                        work.removeFirst();
                        acknowledge(b.end());
                        backoff.reset();
                    }
                    case SPLIT -> {
                        work.removeFirst();
                        work.addFirst(b.half(1, agentId));
                        work.addFirst(b.half(0, agentId));
                    }
                    case RETRY -> {
                        retries.incrementAndGet();
                        if (closing) return true; // shutting down: the rest waits in the buffer for the next start
                        Duration d = a.auth() ? tuning.authRetry() : backoff.next();
                        if (a.retryAfter().compareTo(d) > 0) d = min(a.retryAfter(), tuning.backoffMax()); // Retry-After, within bounds
                        if (!a.auth() && failLog.tryAcquire()) {
                            LOG.warn("cannot ship to {}: {}; retrying in {} ms ({} bytes wait in the buffer)", config.server(), lastError,
                                    d.toMillis(), bufferedBytes());
                        }
                        pause(d);
                    }
                    case STOPPED -> {
                        return true;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (!stopNow) {
                LOG.error("the shipping sender failed; it starts again from the last acknowledged line (lines stay in the buffer {})",
                        config.bufferDir(), e);
                error("sender failed, restarting: " + e);
                return false;
            }
        }
        return true;
    }

    private void acknowledge(long end) throws IOException {
        journal.commit(ACKED, end);
        ackedOffset = end;
        journal.deleteBefore(end);
    }

    /**
     * The next batch from the buffer: waits for a first line, then up to {@link ShipperConfig.Tuning#linger()}
     * for more, until the batch is full or reaches {@code limit} (the end of the batch that was in flight
     * when the previous run stopped; -1 for none). Null if there is no line (yet; or at all when draining
     * for shutdown).
     */
    private Batch nextBatch(JournalReader reader, long limit) throws IOException, InterruptedException {
        List<JournalRecord> lines = new ArrayList<>();
        long bytes = 0;
        long lingerEnd = 0;
        while (!stopNow) {
            boolean draining = closing && writerDone;
            Duration wait = draining ? Duration.ZERO
                    : lines.isEmpty() ? IDLE_POLL : Duration.ofNanos(Math.max(0, lingerEnd - System.nanoTime()));
            JournalReader.Poll p;
            try {
                p = reader.poll(tuning.batchMaxLines() - lines.size(), Math.max(1, tuning.batchMaxBytes() - bytes), wait);
            } catch (CorruptJournalException e) {
                corrupt.incrementAndGet();
                LOG.error("shipping buffer: {}; going on at offset {}", e.getMessage(), e.resumeOffset());
                error(e.getMessage());
                reader.seek(e.resumeOffset());
                continue;
            }
            boolean wasEmpty = lines.isEmpty();
            boolean full = false;
            for (JournalRecord r : p.records()) {
                long size = lineBytes(r);
                boolean fits = lines.isEmpty() || lines.size() < tuning.batchMaxLines() && bytes + size <= tuning.batchMaxBytes();
                if (!fits || limit >= 0 && r.offset() >= limit) {
                    reader.seek(r.offset()); // it goes in the next batch
                    full = true;
                    break;
                }
                lines.add(r);
                bytes += size;
            }
            if (lines.isEmpty()) {
                if (draining) return null;
                continue;
            }
            if (wasEmpty) lingerEnd = System.nanoTime() + tuning.linger().toNanos();
            full |= lines.size() >= tuning.batchMaxLines() || bytes >= tuning.batchMaxBytes()
                    || limit >= 0 && lines.getLast().nextOffset() >= limit;
            if (full || draining && p.isEmpty() || System.nanoTime() - lingerEnd >= 0) break;
        }
        return lines.isEmpty() ? null : Batch.of(lines, agentId);
    }

    private static long lineBytes(JournalRecord r) {
        byte[] p = r.payload();
        return p.length + (p.length > 0 && p[p.length - 1] == '\n' ? 0 : 1);
    }

    private Attempt post(Batch b) throws InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(config.intakeUri())
                .timeout(tuning.requestTimeout())
                .header("Authorization", "Bearer " + config.apiKey())
                .header("Content-Type", "application/x-ndjson")
                .header("Content-Encoding", "gzip")
                .header("Vigil-Batch-Id", b.id())
                .header("Vigil-Agent-Id", agentId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(b.body()))
                .build();
        HttpResponse<String> resp;
        try {
            resp = exchange(req);
        } catch (CancellationException e) {
            return Attempt.of(Outcome.STOPPED);
        } catch (IOException e) {
            connected = false;
            error("cannot reach " + config.intakeUri() + ": " + describe(e));
            return Attempt.of(Outcome.RETRY);
        }
        int s = resp.statusCode();
        if (s >= 200 && s < 300) {
            Map<String, Object> body = parse(resp.body());
            boolean duplicate = Boolean.TRUE.equals(body.get("duplicate"));
            if (duplicate) duplicateBatches.incrementAndGet();
            sentBatches.incrementAndGet();
            sentRecords.addAndGet(b.lines().size());
            if (!connected) LOG.info("shipping to {}: connected", config.server());
            connected = true;
            return Attempt.of(Outcome.ACCEPTED);
        }
        if (s == 400 || s == 422) {
            connected = true;
            reject(b, s, parse(resp.body()));
            return Attempt.of(Outcome.REJECTED);
        }
        if (s == 401 || s == 403) {
            connected = false;
            authRejected(s, "batch " + b.id());
            return new Attempt(Outcome.RETRY, Duration.ZERO, true);
        }
        if (s == 413) {
            connected = true;
            if (b.lines().size() > 1) {
                LOG.info("server answered 413 to batch {} ({} lines, {} bytes compressed): splitting it in halves", b.id(),
                        b.lines().size(), b.body().length);
                return Attempt.of(Outcome.SPLIT);
            }
            reject(b, s, Map.of("error", "a single line of " + b.lines().getFirst().payload().length + " bytes is too large for the server"));
            return Attempt.of(Outcome.REJECTED);
        }
        connected = false;
        error("HTTP " + s + " from " + config.intakeUri() + snippet(resp.body()));
        return new Attempt(Outcome.RETRY, retryAfter(resp), false);
    }

    private HttpResponse<String> exchange(HttpRequest req) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<String>> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
        inFlight = f;
        try {
            if (stopNow) f.cancel(true);
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof CancellationException ce) throw ce;
            throw new IOException(c);
        } finally {
            inFlight = null;
        }
    }

    private void reject(Batch b, int status, Map<String, Object> body) {
        Object error = body.getOrDefault("error", "(no reason given)");
        String where = "";
        if (body.get("line") instanceof Number n && n.intValue() >= 1 && n.intValue() <= b.lines().size()) {
            String line = new String(b.lines().get(n.intValue() - 1).payload(), StandardCharsets.UTF_8).strip();
            if (line.length() > SHOWN_LINE_CHARS) line = line.substring(0, SHOWN_LINE_CHARS) + "...";
            where = " at line " + n + " of " + b.lines().size() + ": " + line;
        }
        String msg = "server rejected batch " + b.id() + " (HTTP " + status + "): " + error + where;
        error(msg); // before the counters: whoever sees the count sees the reason
        rejectedRecords.addAndGet(b.lines().size());
        long n = rejectedBatches.incrementAndGet();
        LOG.warn("{}; skipping its {} lines ({} batches rejected in all)", msg, b.lines().size(), n);
    }

    private void authRejected(int status, String what) {
        error("API key rejected by " + config.server() + " (HTTP " + status + ")");
        if (authLog.tryAcquire()) {
            LOG.error("API key rejected by {} (HTTP {}, {}): check --api-key-file / VIGIL_API_KEY; lines stay in the buffer, "
                    + "retrying every {} ms", config.server(), status, what, tuning.authRetry().toMillis());
        }
    }

    private static Duration retryAfter(HttpResponse<?> resp) {
        return resp.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim())));
            } catch (NumberFormatException e) {
                return Duration.ZERO; // an HTTP date: use our own backoff
            }
        }).orElse(Duration.ZERO);
    }

    /** Waits {@code d}, or less if the shipper starts closing (the caller then makes one last attempt). */
    private void pause(Duration d) throws InterruptedException {
        long nanos = d.toNanos();
        wakeLock.lock();
        try {
            while (nanos > 0 && !closing && !stopNow) nanos = wake.awaitNanos(nanos);
        } finally {
            wakeLock.unlock();
        }
    }

    private void signal() {
        wakeLock.lock();
        try {
            wake.signalAll();
        } finally {
            wakeLock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------- heartbeat

    private void runHeartbeats() {
        try {
            while (!closing) {
                sendHeartbeat();
                pause(tuning.heartbeatInterval());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendHeartbeat() throws InterruptedException {
        String body;
        try {
            body = heartbeatJson();
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot build the heartbeat", e);
            return;
        }
        HttpRequest req = HttpRequest.newBuilder(config.heartbeatUri())
                .timeout(tuning.requestTimeout())
                .header("Authorization", "Bearer " + config.apiKey())
                .header("Content-Type", "application/json")
                .header("Vigil-Agent-Id", agentId)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            int s = resp.statusCode();
            if (s == 404) {
                if (!heartbeat404Logged) {
                    heartbeat404Logged = true;
                    LOG.info("server {} has no heartbeat endpoint (404); shipping goes on without heartbeats", config.server());
                }
            } else if (s == 401 || s == 403) {
                connected = false;
                authRejected(s, "heartbeat");
            } else if (s >= 200 && s < 300) {
                connected = true;
            } else {
                LOG.debug("heartbeat to {}: HTTP {}", config.heartbeatUri(), s);
            }
        } catch (IOException e) {
            LOG.debug("heartbeat to {} failed: {}", config.heartbeatUri(), describe(e));
        }
    }

    String heartbeatJson() throws IOException {
        AgentStatus st = status.get();
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("agent_id", agentId);
            g.writeStringField("time", Instant.now().toString());
            g.writeStringField("hostname", st.hostname());
            g.writeStringField("version", st.version());
            // how often to expect the next one: the server shows the agent disconnected after a few missed
            g.writeNumberField("interval_ms", tuning.heartbeatInterval().toMillis());
            g.writeObjectFieldStart("policy");
            g.writeStringField("version", st.policyVersion());
            g.writeNumberField("rules", st.rules());
            g.writeEndObject();
            g.writeObjectFieldStart("counters");
            for (Map.Entry<String, Long> e : st.counters().entrySet()) g.writeNumberField(e.getKey(), e.getValue());
            g.writeEndObject();
            g.writeObjectFieldStart("shipper");
            stats().writeFields(g);
            g.writeEndObject();
            g.writeEndObject();
        }
        return w.toString();
    }

    // ---------------------------------------------------------------------------------------- state

    public ShipperStats stats() {
        JournalStats js = journal.stats();
        return new ShipperStats(queue.size(), queuedBytes.get(), bufferedBytes(), written.get(), sentRecords.get(), sentBatches.get(),
                duplicateBatches.get(), retries.get(), rejectedBatches.get(), rejectedRecords.get(),
                droppedQueueFull.get(), droppedWriteFailed.get(), js.recordsDropped(), js.bytesDropped(), corrupt.get(), lastError,
                lastErrorTime, connected);
    }

    private long bufferedBytes() {
        return Math.max(0, journal.endOffset() - Math.max(ackedOffset, journal.startOffset()));
    }

    private void error(String message) {
        lastError = message;
        lastErrorTime = Instant.now();
    }

    /**
     * Stops taking lines, writes the queue to the buffer and sends what it can until the close
     * deadline; the rest stays in the buffer for the next start. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        long deadline = System.nanoTime() + tuning.closeDeadline().toNanos();
        closing = true;
        signal();
        try {
            writer.join(WRITER_CLOSE_WAIT);
            long left = deadline - System.nanoTime();
            if (left > 0) sender.join(Duration.ofNanos(left));
            if (sender.isAlive()) {
                stopNow = true;
                CompletableFuture<?> f = inFlight;
                if (f != null) f.cancel(true);
                signal();
                sender.join(Duration.ofSeconds(2));
            }
            heartbeat.interrupt();
            heartbeat.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long lost = queue.size();
        if (lost > 0) droppedQueueFull.addAndGet(lost);
        ShipperStats s = stats();
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("closing the shipping buffer {}: {}", config.bufferDir(), e.getMessage());
        }
        LOG.info("shipping stopped: {} lines sent, {} bytes left in the buffer {} for the next start", s.sentRecords(), s.bufferedBytes(),
                config.bufferDir());
    }

    // ---------------------------------------------------------------------------------------- helpers

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) return "";
        String s = body.strip();
        return ": " + (s.length() > SHOWN_LINE_CHARS ? s.substring(0, SHOWN_LINE_CHARS) + "..." : s);
    }

    /** The top-level scalar fields of a JSON object; empty if the text is not one. */
    static Map<String, Object> parse(String body) {
        Map<String, Object> out = new HashMap<>();
        if (body == null || body.isBlank()) return out;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return out;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (v) {
                    case VALUE_STRING -> out.put(name, p.getText());
                    case VALUE_NUMBER_INT -> out.put(name, p.getLongValue());
                    case VALUE_NUMBER_FLOAT -> out.put(name, p.getDoubleValue());
                    case VALUE_TRUE, VALUE_FALSE -> out.put(name, v == JsonToken.VALUE_TRUE);
                    case START_OBJECT, START_ARRAY -> p.skipChildren();
                    default -> { }
                }
            }
            return out;
        } catch (IOException e) {
            return out;
        }
    }

    /** Exponential backoff with jitter: each delay is drawn from [d/2, d], d doubling from min to max. */
    static final class Backoff {
        private final long minNanos;
        private final long maxNanos;
        private long current;

        Backoff(Duration min, Duration max) {
            this.minNanos = min.toNanos();
            this.maxNanos = max.toNanos();
            this.current = minNanos;
        }

        Duration next() {
            long d = current;
            current = Math.min(maxNanos, current * 2);
            return Duration.ofNanos(d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1));
        }

        void reset() {
            current = minNanos;
        }
    }

    /** Lets something happen at most once per interval (for logging repeated conditions); the first time is allowed. */
    static final class Every {
        private final long intervalNanos;
        private final AtomicLong next = new AtomicLong(System.nanoTime());

        Every(Duration interval) {
            this.intervalNanos = interval.toNanos();
        }

        boolean tryAcquire() {
            long now = System.nanoTime();
            long n = next.get();
            return now - n >= 0 && next.compareAndSet(n, now + intervalNanos);
        }
    }
}
