package dev.vigil.agent.ship;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * A snapshot of the shipper's counters (since start) and state. Every way a line can fail to reach
 * the server has a counter here.
 *
 * @param queuedRecords      lines in memory, waiting to be written to the buffer
 * @param queuedBytes        their bytes
 * @param bufferedBytes      bytes in the on-disk buffer not yet acknowledged by the server
 * @param writtenRecords     lines written to the buffer
 * @param sentRecords        lines acknowledged by the server
 * @param sentBatches        batches acknowledged by the server
 * @param duplicateBatches   of those, batches the server already had (a re-send after a lost acknowledgement)
 * @param retries            failed attempts that will be retried (connection errors, 401/403, 429, 5xx)
 * @param rejectedBatches    batches the server refused as malformed (400/422) or too large even alone (413), skipped
 * @param rejectedRecords    lines in those batches
 * @param droppedQueueFull   lines dropped because the in-memory queue was full (the buffer writer fell behind)
 * @param droppedWriteFailed lines lost because the buffer could not be written (disk error, or a line bigger than the buffer)
 * @param droppedBufferFull  unsent lines deleted from the full buffer to make room for new ones
 * @param droppedBufferBytes their bytes
 * @param corruptRecords     lines lost to corruption found in the buffer
 * @param lastError          the last error, or null
 * @param lastErrorTime      when it happened, or null
 * @param connected          whether the last exchange with the server succeeded
 */
public record ShipperStats(long queuedRecords, long queuedBytes, long bufferedBytes, long writtenRecords, long sentRecords,
                           long sentBatches, long duplicateBatches, long retries, long rejectedBatches, long rejectedRecords,
                           long droppedQueueFull, long droppedWriteFailed, long droppedBufferFull, long droppedBufferBytes, long corruptRecords,
                           String lastError, Instant lastErrorTime, boolean connected) {

    private static final JsonFactory JSON = new JsonFactory();

    /** Lines lost before reaching the server: queue full, buffer write failed, or deleted from the full buffer. */
    public long dropped() {
        return droppedQueueFull + droppedWriteFailed + droppedBufferFull;
    }

    /** The counters as fields of the current JSON object ({@code snake_case} names). */
    public void writeFields(JsonGenerator g) throws IOException {
        g.writeBooleanField("connected", connected);
        g.writeNumberField("queued_records", queuedRecords);
        g.writeNumberField("queued_bytes", queuedBytes);
        g.writeNumberField("buffered_bytes", bufferedBytes);
        g.writeNumberField("written_records", writtenRecords);
        g.writeNumberField("sent_records", sentRecords);
        g.writeNumberField("sent_batches", sentBatches);
        g.writeNumberField("duplicate_batches", duplicateBatches);
        g.writeNumberField("retries", retries);
        g.writeNumberField("rejected_batches", rejectedBatches);
        g.writeNumberField("rejected_records", rejectedRecords);
        g.writeNumberField("dropped_queue_full", droppedQueueFull);
        g.writeNumberField("dropped_write_failed", droppedWriteFailed);
        g.writeNumberField("dropped_buffer_full", droppedBufferFull);
        g.writeNumberField("dropped_buffer_bytes", droppedBufferBytes);
        g.writeNumberField("corrupt_records", corruptRecords);
        if (lastError != null) {
            g.writeStringField("last_error", lastError);
            g.writeStringField("last_error_time", lastErrorTime.toString());
        }
    }

    /** One JSON object with {@link #writeFields}. */
    public String toJson() {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            writeFields(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
