package dev.vigil.model.json;

import dev.vigil.model.Event;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Reads events from NDJSON, one per line, skipping blank lines. A bad line raises an error naming
 * its line number, so a recording with a bad line points straight at it.
 */
public final class NdjsonReader implements Iterable<Event>, AutoCloseable {

    private final BufferedReader in;
    private final EventJson json;
    private long line;

    public NdjsonReader(Reader in, EventJson json) {
        this.in = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
        this.json = json;
    }

    /** The next event, or {@code null} at end of input. */
    public Event next() throws IOException {
        String text;
        while ((text = in.readLine()) != null) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            try {
                return json.parse(text);
            } catch (MalformedEventException e) {
                throw new MalformedEventException("line " + line + ": " + e.getMessage(), e);
            }
        }
        return null;
    }

    /** Number of the line read last (1-based). */
    public long line() { return line; }

    @Override
    public Iterator<Event> iterator() {
        return new Iterator<>() {
            Event next = advance();

            private Event advance() {
                try {
                    return NdjsonReader.this.next();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override public boolean hasNext() { return next != null; }

            @Override public Event next() {
                if (next == null) throw new NoSuchElementException();
                Event e = next;
                next = advance();
                return e;
            }
        };
    }

    @Override
    public void close() throws IOException { in.close(); }
}
