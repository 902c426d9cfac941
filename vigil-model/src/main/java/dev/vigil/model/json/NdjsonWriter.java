package dev.vigil.model.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.vigil.model.Event;

import java.io.IOException;
import java.io.OutputStream;

/** Writes events as NDJSON (one JSON object per line, UTF-8). Not thread-safe; callers serialise access. */
public final class NdjsonWriter implements AutoCloseable {

    private final JsonGenerator gen;
    private final EventJson json;

    public NdjsonWriter(OutputStream out, EventJson json) throws IOException {
        this.json = json;
        this.gen = json.factory().createGenerator(out, JsonEncoding.UTF8);
        this.gen.setRootValueSeparator(new SerializedString(""));
        this.gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /** Writes one event and its line end (buffered; see {@link #flush()}). */
    public void write(Event e) throws IOException {
        json.write(e, gen);
        gen.writeRaw('\n');
    }

    public void flush() throws IOException {
        gen.flush();
    }

    @Override
    public void close() throws IOException {
        gen.close();
    }
}
