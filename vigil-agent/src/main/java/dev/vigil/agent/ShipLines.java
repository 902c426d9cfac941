package dev.vigil.agent;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.vigil.model.Event;
import dev.vigil.model.json.EventJson;
import dev.vigil.secl.engine.RuleEngine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Encodes alerts and events as NDJSON lines for the shipper, in the same form as the agent's alert
 * output ({@link AlertJson}) and {@code vigil events} ({@link EventJson}). One generator and buffer
 * reused for every line; the only allocation per line is the array handed to the shipper. Used by
 * the sensor's poll thread only.
 */
final class ShipLines {

    private final EventJson events = new EventJson();
    private final AlertJson alerts = new AlertJson(events);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    private JsonGenerator g;

    ShipLines() throws IOException {
        g = newGenerator();
    }

    private JsonGenerator newGenerator() throws IOException {
        JsonGenerator gen = events.factory().createGenerator(out, JsonEncoding.UTF8);
        gen.setRootValueSeparator(new SerializedString(""));
        return gen;
    }

    byte[] alert(RuleEngine.Match m, String version) throws IOException {
        out.reset();
        try {
            alerts.write(m, version, g);
            return finish();
        } catch (IOException | RuntimeException e) {
            g = newGenerator(); // the old one is mid-object
            throw e;
        }
    }

    byte[] event(Event e) throws IOException {
        out.reset();
        try {
            events.write(e, g);
            return finish();
        } catch (IOException | RuntimeException ex) {
            g = newGenerator();
            throw ex;
        }
    }

    private byte[] finish() throws IOException {
        g.writeRaw('\n');
        g.flush();
        return out.toByteArray();
    }
}
