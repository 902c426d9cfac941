package dev.vigil.model.json;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.SampleEvents;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input fails loudly with a message that names what is wrong and where; odd but valid input reads intact. */
class EventJsonErrorsTest {

    private static final String EXEC_HEAD = "{\"v\":1,\"event\":{\"type\":\"exec\",\"timestamp\":1}";

    private final EventJson json = new EventJson();

    // ---- EventJson.parse ----------------------------------------------------------------------

    @Test
    void textThatIsNotJsonNamesTheColumn() {
        assertThatThrownBy(() -> json.parse("{\"v\":1, event: {}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("invalid JSON: ")
                .hasMessageContaining("at column 9");
        assertThatThrownBy(() -> json.parse("hello"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'hello'")
                .hasMessageContaining("column");
    }

    @Test
    void truncatedJsonIsAnError() {
        assertThatThrownBy(() -> json.parse(EXEC_HEAD))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("end-of-input")
                .hasMessageContaining("column");
    }

    @Test
    void somethingOtherThanAnObjectIsAnError() {
        assertThatThrownBy(() -> json.parse("[1,2]"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> json.parse(""))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("expected a JSON object");
    }

    /**
     * Two objects glued on one line (a writer that lost a newline) used to parse as the first object
     * alone, silently dropping the second event.
     */
    @Test
    void contentAfterTheEventObjectIsAnError() {
        String one = json.toJson(SampleEvents.of(EventType.FORK));
        assertThatThrownBy(() -> json.parse(one + one))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("after the event object")
                .hasMessageContaining("column " + (one.length() + 1));
        assertThat(json.parse(one + "  \t").type()).isEqualTo(EventType.FORK);
    }

    @Test
    void missingEventTypeIsAnError() {
        assertThatThrownBy(() -> json.parse("{\"v\":1,\"event\":{\"timestamp\":1}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("missing event.type");
        assertThatThrownBy(() -> json.parse("{}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("missing event.type");
    }

    @Test
    void unknownEventTypeIsNamed() {
        assertThatThrownBy(() -> json.parse("{\"event\":{\"type\":\"nope\"}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("unknown event.type 'nope'");
    }

    @Test
    void wrongTypeForEventTypeIsNamed() {
        assertThatThrownBy(() -> json.parse("{\"event\":{\"type\":7}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("'type' must be a string, found an integer");
    }

    @Test
    void aStringWhereAnIntegerIsExpectedNamesTheKey() {
        assertThatThrownBy(() -> json.parse(EXEC_HEAD + ",\"process\":{\"pid\":\"4242\"}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("'pid' must be an integer, found a string");
        assertThatThrownBy(() -> json.parse("{\"event\":{\"type\":\"open\"},\"open\":{\"flags\":1.5}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("'flags' must be an integer, found a number");
    }

    @Test
    void anObjectWhereAnObjectIsExpectedNamesTheKey() {
        assertThatThrownBy(() -> json.parse("{\"event\":{\"type\":\"open\"},\"open\":{\"file\":\"/etc/shadow\"}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("'file' must be an object, found a string");
    }

    @Test
    void anArrayElementOfTheWrongTypeIsNamed() {
        assertThatThrownBy(() -> json.parse(EXEC_HEAD + ",\"process\":{\"pid\":1,\"argv\":[\"-c\",7]}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'argv' must be an array of strings")
                .hasMessageContaining("an integer");
        assertThatThrownBy(() -> json.parse(EXEC_HEAD + ",\"host\":{\"tags\":\"env:prod\"}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("'tags' must be an array, found a string");
    }

    @Test
    void anIntegerTooLargeForALongIsAnError() {
        assertThatThrownBy(() -> json.parse("{\"event\":{\"type\":\"exec\",\"timestamp\":99999999999999999999}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'timestamp'")
                .hasMessageContaining("out of range")
                .hasMessageContaining("99999999999999999999");
    }

    @Test
    void anIntegerTooLargeForAnIntFieldIsAnError() {
        assertThatThrownBy(() -> json.parse(EXEC_HEAD + ",\"process\":{\"pid\":4294967296}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("'pid' is out of range: 4294967296");
        assertThatThrownBy(() -> json.parse("{\"event\":{\"type\":\"open\"},\"open\":{\"flags\":-2147483649}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("'flags' is out of range: -2147483649");
    }

    /** uid/gid/tid and other int fields with a default used to be cast without a check: 2^32 read as 0 (root). */
    @Test
    void anIdTooLargeForAnIntIsAnErrorNotAWrappedValue() {
        assertThatThrownBy(() -> json.parse(EXEC_HEAD + ",\"process\":{\"pid\":1,\"uid\":4294967296}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("'uid' is out of range: 4294967296");
        assertThatThrownBy(() -> json.parse(EXEC_HEAD + ",\"process\":{\"pid\":1,\"tid\":8589934593}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("'tid' is out of range: 8589934593");
        assertThatThrownBy(() -> json.parse("{\"event\":{\"type\":\"chown\"},\"chown\":{\"file\":{\"destination\":{\"gid\":-4294967296}}}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("'gid' is out of range: -4294967296");
    }

    @Test
    void unsignedThirtyTwoBitValuesAreAcceptedAsTheirSignedForm() {
        // (uid_t)-1 as printed by tools that treat ids as unsigned.
        Event e = json.parse(EXEC_HEAD + ",\"process\":{\"pid\":1,\"uid\":4294967295}}");
        assertThat(e.process().uid()).isEqualTo(-1);
    }

    @Test
    void unknownKeysAndNullsAreIgnored() {
        Event e = json.parse("{\"v\":1,\"future\":{\"x\":[1,2.5,null]},\"event\":{\"type\":\"exit\",\"timestamp\":5},"
                + "\"exit\":{\"cause\":null,\"code\":3,\"extra\":true}}");
        assertThat(e.type()).isEqualTo(EventType.EXIT);
        assertThat(e.timestamp()).isEqualTo(5);
        assertThat(e.payload()).isEqualTo(new dev.vigil.model.Payload.Exit("", 3));
    }

    // ---- NdjsonReader -------------------------------------------------------------------------

    @Test
    void readerNamesTheLineNumberOfABadLineCountingBlankLines() throws IOException {
        String good = json.toJson(SampleEvents.of(EventType.FORK));
        String text = good + "\n\n{\"event\":{\"type\":\"nope\"}}\n" + good + "\n";
        try (NdjsonReader r = new NdjsonReader(new StringReader(text), json)) {
            assertThat(r.next()).isNotNull();
            assertThat(r.line()).isEqualTo(1);
            assertThatThrownBy(r::next)
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessage("line 3: unknown event.type 'nope'");
            assertThat(r.next()).as("reading goes on after a bad line").isNotNull();
            assertThat(r.line()).isEqualTo(4);
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void readerNamesTheLineAndColumnOfInvalidJson() {
        String good = json.toJson(SampleEvents.of(EventType.FORK));
        NdjsonReader r = new NdjsonReader(new StringReader(good + "\n" + good + "\n{\"event\":}\n"), json);
        assertThatThrownBy(() -> {
            for (Event ignored : r) {
                // consume
            }
        }).isInstanceOf(MalformedEventException.class).hasMessageStartingWith("line 3: invalid JSON: ")
                .hasMessageContaining("column 10");
    }

    @Test
    void readerSkipsBlankLinesAndAcceptsCrLf() throws IOException {
        String a = json.toJson(SampleEvents.of(EventType.FORK));
        String b = json.toJson(SampleEvents.of(EventType.OPEN));
        String text = "\n   \n" + a + "\r\n\t\r\n" + b + "\r\n\n";
        List<Event> read = readAll(new StringReader(text));
        assertThat(read).extracting(Event::type).containsExactly(EventType.FORK, EventType.OPEN);
        assertThat(json.toJson(read.get(1))).isEqualTo(b);
    }

    @Test
    void readerReadsAnEmptyInputAsNoEvents() throws IOException {
        assertThat(readAll(new StringReader(""))).isEmpty();
        assertThat(readAll(new StringReader("\n\n  \n"))).isEmpty();
    }

    @Test
    void readerKeepsUnicodeEdgeCasesIntact() throws IOException {
        // In the JSON text: a raw emoji, an escaped emoji (surrogate pair), a raw U+2028 (a line
        // separator to JavaScript, not to NDJSON), an escaped NUL, and lone surrogates (valid JSON escapes
        // that are not valid UTF-16 on their own; Linux paths are bytes, so such names can be reported).
        String line = EXEC_HEAD + ",\"process\":{\"pid\":1,\"argv0\":\"sh\",\"argv\":["
                + "\"🚀\",\"\\ud83d\\ude80\",\"a\u2028b\",\"nul\\u0000byte\",\"lone \\ud800 high\",\"lone \\udfff low\","
                + "\"\\u2029\\u0085\\ufeff\"]}}";
        List<String> expected = List.of("🚀", "🚀", "a\u2028b", "nul\u0000byte", "lone \ud800 high", "lone \udfff low",
                "\u2029\u0085\ufeff");
        byte[] utf8 = ("\n" + line + "\n" + line + "\n").getBytes(StandardCharsets.UTF_8);

        List<Event> read = readAll(new InputStreamReader(new ByteArrayInputStream(utf8), StandardCharsets.UTF_8));
        assertThat(read).hasSize(2);
        assertThat(read.getFirst().process().args()).containsExactlyElementsOf(expected);

        // and through the NDJSON writer (UTF-8 bytes) and back again
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (NdjsonWriter w = new NdjsonWriter(out, json)) {
            w.write(read.getFirst());
            w.write(read.getLast());
        }
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(2);
        List<Event> again = readAll(new InputStreamReader(new ByteArrayInputStream(out.toByteArray()), StandardCharsets.UTF_8));
        assertThat(again).hasSize(2);
        assertThat(again.getLast().process().args()).containsExactlyElementsOf(expected);
    }

    private List<Event> readAll(java.io.Reader in) throws IOException {
        List<Event> out = new ArrayList<>();
        try (NdjsonReader r = new NdjsonReader(in, json)) {
            for (Event e; (e = r.next()) != null; ) {
                out.add(e);
            }
        }
        return out;
    }
}
