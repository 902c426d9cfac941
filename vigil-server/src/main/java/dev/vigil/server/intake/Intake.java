package dev.vigil.server.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.detect.normalize.Normalizer.Defaults;
import dev.vigil.detect.normalize.NormalizeException;
import dev.vigil.detect.normalize.Normalizer;
import dev.vigil.journal.AppendResult;
import dev.vigil.journal.Journal;
import dev.vigil.journal.JournalReader;
import dev.vigil.journal.JournalRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Accepts batches into the event log: every line parsed and normalised first (a bad line
 * refuses the whole batch with its number, so a sender never has to guess what was kept), then
 * the batch's events and its commit marker appended in one write, forced to disk before the
 * answer. A batch id seen before is acknowledged again without being stored twice (agents
 * re-send after a timeout or a crash with the same id).
 */
public final class Intake {

    /** What a batch's lines are. */
    public enum Kind { AGENT, JSON, SYSLOG }

    public record Result(int accepted, boolean duplicate) {}

    private static final ObjectMapper JSON = LogEventJson.mapper();
    private static final int MAX_REMEMBERED_BATCHES = 1_000_000;

    private final Journal log;
    private final Normalizer normalizer;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final LinkedHashMap<String, Integer> batches = new LinkedHashMap<>(16_384, 0.75f, false) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > MAX_REMEMBERED_BATCHES;
        }
    };
    private final SecureRandom random = new SecureRandom();

    public final LongAdder acceptedEvents = new LongAdder();
    public final LongAdder acceptedBatches = new LongAdder();
    public final LongAdder duplicateBatches = new LongAdder();
    public final LongAdder rejectedBatches = new LongAdder();
    /** Events accepted per 10 s over the last hour (the console's dashboard draws it). */
    public final RateHistory acceptedRate = RateHistory.lastHour();

    public Intake(Journal log, Normalizer normalizer) throws IOException {
        this.log = log;
        this.normalizer = normalizer;
        rememberBatches();
    }

    /** Rebuilds the set of batch ids already in the log, so a re-send after a restart is still recognised. */
    private void rememberBatches() throws IOException {
        try (JournalReader r = log.reader(log.startOffset())) {
            while (true) {
                JournalReader.Poll p = r.poll(10_000, 64L << 20, Duration.ZERO);
                if (p.records().isEmpty()) break;
                for (JournalRecord rec : p.records()) {
                    if (rec.payload().length > 0 && rec.payload()[0] == EventLogRecord.BATCH
                            && EventLogRecord.decode(rec.payload()) instanceof EventLogRecord.BatchCommit c) {
                        batches.put(c.batchId(), c.count());
                    }
                }
            }
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the event log", x);
        }
    }

    /**
     * Normalises and stores one batch.
     *
     * @param batchId the sender's id for the batch (idempotency), or null for none
     */
    public Result accept(Kind kind, String batchId, List<BatchReader.Line> lines, Defaults defaults)
            throws IntakeException, IOException {
        if (batchId != null) {
            if (batchId.length() > 200 || batchId.isBlank())
                throw new IntakeException(400, 0, "batch id must be 1 to 200 characters");
            appendLock.lock();
            try {
                Integer seen = batches.get(batchId);
                if (seen != null) {
                    duplicateBatches.increment();
                    return new Result(seen, true);
                }
            } finally {
                appendLock.unlock();
            }
        }
        String idPrefix = idPrefix(batchId);
        List<byte[]> records = new ArrayList<>(lines.size() + 1);
        for (int i = 0; i < lines.size(); i++) {
            BatchReader.Line line = lines.get(i);
            try {
                List<LogEvent> events = normalize(kind, line, defaults);
                if (records.size() + events.size() > MAX_EVENTS_PER_BATCH) {
                    throw new IntakeException(413, line.number(), "line " + line.number() + ": the batch holds more than "
                            + MAX_EVENTS_PER_BATCH + " events (CloudTrail Records included); send smaller batches");
                }
                for (int j = 0; j < events.size(); j++) {
                    // one event per line keeps the id it always had; a Records file numbers its records
                    String eid = events.size() == 1 ? idPrefix + i : idPrefix + i + "." + j;
                    records.add(EventLogRecord.event(LogEventJson.toBytes(events.get(j).withId(eid))));
                }
            } catch (IntakeException x) {
                rejectedBatches.increment();
                throw x;
            }
        }
        int events = records.size();
        String id = batchId != null ? batchId : "intake:" + idPrefix;
        records.add(EventLogRecord.batchCommit(id, events));
        appendLock.lock();
        try {
            Integer seen = batchId == null ? null : batches.get(batchId);
            if (seen != null) {
                duplicateBatches.increment();
                return new Result(seen, true);
            }
            AppendResult r = log.append(records);
            batches.put(id, events);
            acceptedBatches.increment();
            acceptedEvents.add(events);
            acceptedRate.add(System.currentTimeMillis(), events);
            return new Result(r.records() - 1, false);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * The events of one line: one, or for a CloudTrail log file's {@code {"Records":[...]}} (as
     * S3 delivers them) one per record, each normalised as a CloudTrail event.
     */
    private List<LogEvent> normalize(Kind kind, BatchReader.Line line, Defaults defaults) throws IntakeException {
        try {
            return switch (kind) {
                case SYSLOG -> List.of(normalizer.syslogLine(line.text(), defaults));
                case AGENT, JSON -> {
                    JsonNode n;
                    try {
                        n = JSON.readTree(line.bytes());
                    } catch (JsonProcessingException x) {
                        throw new IntakeException(400, line.number(), "line " + line.number() + " is not valid JSON: " + x.getOriginalMessage());
                    }
                    if (n == null || !n.isObject())
                        throw new IntakeException(400, line.number(), "line " + line.number() + " is not a JSON object");
                    if (kind == Kind.AGENT) yield List.of(normalizer.agentLine(n));
                    JsonNode recs = n.get("Records");
                    if (n.size() == 1 && recs != null && recs.isArray()) {
                        List<LogEvent> out = new ArrayList<>(recs.size());
                        int k = 0;
                        for (JsonNode r : recs) {
                            k++;
                            if (!r.isObject())
                                throw new IntakeException(400, line.number(), "line " + line.number() + ": Records[" + (k - 1) + "] is not a JSON object");
                            out.add(normalizer.jsonLine(r, defaults));
                        }
                        yield out;
                    }
                    yield List.of(normalizer.jsonLine(n, defaults));
                }
            };
        } catch (NormalizeException x) {
            throw new IntakeException(400, line.number(), "line " + line.number() + ": " + x.getMessage());
        } catch (IOException x) {
            throw new IntakeException(400, line.number(), "line " + line.number() + " is not valid JSON: " + x.getMessage());
        }
    }

    /** Event ids of a batch: derived from its id when it has one, so a re-sent batch's events keep their ids. */
    /** Events one batch may expand to: lines are bounded by the reader, CloudTrail Records by this. */
    static final int MAX_EVENTS_PER_BATCH = 200_000;

    private String idPrefix(String batchId) {
        byte[] seed;
        if (batchId != null) {
            try {
                seed = MessageDigest.getInstance("SHA-256").digest(batchId.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException x) {
                throw new IllegalStateException(x);
            }
        } else {
            seed = new byte[12];
            random.nextBytes(seed);
        }
        return HexFormat.of().formatHex(seed, 0, 12) + ".";
    }
}
