package dev.vigil.model.json;

import dev.vigil.model.ContainerInfo;
import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.FileRef;
import dev.vigil.model.HostInfo;
import dev.vigil.model.NetAddr;
import dev.vigil.model.Payload;
import dev.vigil.model.ProcessInfo;
import dev.vigil.model.SampleEvents;
import dev.vigil.model.field.Field;
import dev.vigil.model.field.FieldValues;
import dev.vigil.model.field.Fields;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON form loses nothing a rule can see: for every event type, every SECL field reads the same
 * on the parsed event as on the original, and the parsed event serialises to the same bytes.
 */
class EventJsonRoundTripTest {

    private final EventJson json = new EventJson();

    @Test
    void everyEventTypeHasASample() {
        Set<EventType> missing = EnumSet.allOf(EventType.class);
        missing.removeAll(SampleEvents.byType().keySet());
        assertThat(missing)
                .as("event types without a sample in SampleEvents (add one so the JSON form is tested for it)")
                .isEmpty();
    }

    @Test
    void everyFieldReadsTheSameAfterARoundTripForEveryEventType() {
        Map<EventType, List<Event>> samples = SampleEvents.byType();
        SoftAssertions soft = new SoftAssertions();
        for (EventType type : EventType.values()) {
            soft.assertThat(samples).as("sample for %s", type.id()).containsKey(type);
            for (Event original : samples.getOrDefault(type, List.of())) {
                String text = json.toJson(original);
                Event parsed = json.parse(text);
                soft.assertThat(parsed.type()).as("type of %s", text).isEqualTo(type);
                for (Field f : Fields.all()) {
                    if (f.appliesTo(type)) {
                        soft.assertThat(FieldValues.read(f, parsed))
                                .as("%s on a %s event after a round trip of %s", f.name(), type.id(), text)
                                .isEqualTo(FieldValues.read(f, original));
                    }
                }
            }
        }
        soft.assertAll();
    }

    @Test
    void parsedEventsSerialiseToTheSameJson() {
        for (Event original : SampleEvents.all()) {
            String text = json.toJson(original);
            assertThat(json.toJson(json.parse(text))).as("re-serialised %s", original.type().id()).isEqualTo(text);
        }
    }

    /**
     * Guards the round-trip test itself: a field that reads the same whether or not the writer wrote it
     * would compare equal even if the writer dropped it. So, for every field, some sample must read
     * differently from the same sample with every scalar and string array removed from its JSON (the
     * objects and the ancestors array kept), which reads each field's default.
     */
    @Test
    void samplesGiveEveryFieldAValueThatDiffersFromItsDefault() throws IOException {
        Set<String> neverSet = new TreeSet<>(Fields.all().stream().map(Field::name).toList());
        neverSet.remove("event.type"); // kept in the bare form: it says which payload to read
        for (Event sample : SampleEvents.all()) {
            Event bare = bare(sample);
            for (Field f : Fields.all()) {
                if (f.appliesTo(sample.type()) && !FieldValues.read(f, sample).equals(FieldValues.read(f, bare))) {
                    neverSet.remove(f.name());
                }
            }
        }
        assertThat(neverSet).as("fields that read their default on every sample: give a sample a real value").isEmpty();
    }

    private Event bare(Event e) throws IOException {
        try (var p = json.factory().createParser(json.toJson(e))) {
            p.nextToken();
            Map<String, Object> tree = EventJson.readObject(p);
            strip(tree);
            tree.put("event", Map.of("type", e.type().id()));
            return EventJson.fromTree(tree);
        }
    }

    @SuppressWarnings("unchecked")
    private static void strip(Map<String, Object> m) {
        m.entrySet().removeIf(en -> !(en.getValue() instanceof Map) && !(en.getValue() instanceof List<?> l
                && !l.isEmpty() && l.getFirst() instanceof Map));
        for (Object v : m.values()) {
            if (v instanceof Map<?, ?> child) {
                strip((Map<String, Object>) child);
            } else {
                ((List<Object>) v).forEach(o -> strip((Map<String, Object>) o));
            }
        }
    }

    @Test
    void trickyArgumentsSurviveExactly() {
        Event parsed = json.parse(json.toJson(SampleEvents.of(EventType.OPEN)));
        assertThat(parsed.process().args()).containsExactlyElementsOf(SampleEvents.TRICKY_ARGS);
        assertThat(parsed.process().argv0()).isEqualTo("curl");
        assertThat(parsed.process().envs()).containsExactlyElementsOf(SampleEvents.ENVS);
    }

    @Test
    void htmlIsNotWrittenInAWayThatChangesItsMeaning() {
        String text = json.toJson(SampleEvents.of(EventType.OPEN));
        // JSON needs no HTML escaping; what matters is that the text is still exactly the argument.
        assertThat(json.parse(text).process().args()).contains("https://evil.example/?q=<script>alert(1)</script>&x=</script>");
        assertThat(text).doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void ancestryIsRebuiltNearestFirstWithTheContainerOfTheEvent() {
        Event original = SampleEvents.of(EventType.OPEN);
        Event parsed = json.parse(json.toJson(original));
        assertThat(parsed.process().ancestors()).extracting(ProcessInfo::pid).containsExactly(4242, 4100, 1);
        assertThat(parsed.process().ancestors()).extracting(p -> p.file().path())
                .containsExactly("/srv/app/start.sh", "/bin/bash", "/usr/bin/conmon");
        assertThat(parsed.container()).isEqualTo(SampleEvents.CONTAINER);
        assertThat(parsed.process().parent().container().id()).isEqualTo(SampleEvents.CONTAINER.id());
        assertThat(parsed.process().ancestors().getLast().container().isNone()).isTrue();
        assertThat(parsed.tid()).isEqualTo(original.tid());
    }

    @Test
    void ancestryDeeperThanTheBoundIsCutAtMaxAncestors() {
        ProcessInfo p = null;
        for (int pid = 1; pid <= 200; pid++) {
            p = new ProcessInfo(pid, pid - 1, 0, 0, 0, 0, "", "", "p" + pid, FileRef.of("/bin/p" + pid), null,
                    List.of("p" + pid), false, List.of(), false, "/", "", 0, 0, null, pid, p);
        }
        Event parsed = json.parse(json.toJson(new Event(1, 200, HostInfo.NONE, p, Payload.Fork.INSTANCE)));
        assertThat(parsed.process().ancestors()).hasSize(ProcessInfo.MAX_ANCESTORS);
        assertThat(parsed.process().ancestors().getFirst().pid()).isEqualTo(199);
        assertThat(parsed.process().ancestors().getLast().pid()).isEqualTo(200 - ProcessInfo.MAX_ANCESTORS);
    }

    @Test
    void ndjsonWriterOutputReadsBackAsTheSameEvents() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (NdjsonWriter w = new NdjsonWriter(bytes, json)) {
            for (Event e : SampleEvents.all()) {
                w.write(e);
            }
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(SampleEvents.all().size());
        List<Event> read = new ArrayList<>();
        try (NdjsonReader r = new NdjsonReader(new InputStreamReader(new ByteArrayInputStream(bytes.toByteArray()),
                StandardCharsets.UTF_8), json)) {
            r.forEach(read::add);
        }
        assertThat(read).hasSameSizeAs(SampleEvents.all());
        for (int i = 0; i < read.size(); i++) {
            assertThat(json.toJson(read.get(i))).as("event on line %d", i + 1).isEqualTo(json.toJson(SampleEvents.all().get(i)));
        }
    }

    /** Random events (seeded: rerun a failure with {@code -Dvigil.seed=<seed>}) round-trip like the samples. */
    @Test
    void randomEventsRoundTrip() {
        long seed = Long.getLong("vigil.seed", 0x5EED_2026L);
        Random rnd = new Random(seed);
        RandomEvents gen = new RandomEvents(rnd);
        for (int i = 0; i < 400; i++) {
            Event original = gen.event();
            String text = json.toJson(original);
            Event parsed = json.parse(text);
            for (Field f : Fields.all()) {
                if (f.appliesTo(original.type())) {
                    assertThat(FieldValues.read(f, parsed))
                            .as("seed %d, event %d: %s of %s", seed, i, f.name(), text)
                            .isEqualTo(FieldValues.read(f, original));
                }
            }
            assertThat(json.toJson(parsed)).as("seed %d, event %d re-serialised", seed, i).isEqualTo(text);
        }
    }

    /** Builds arbitrary but well-formed events, with strings drawn from awkward code points. */
    static final class RandomEvents {
        private static final String[] PIECES = {"a", "Z", "0", " ", "\"", "\\", "/", "<", ">", "&", "'", "\t", "\n",
                "\r", "\u0000", "\u001f", "\u007f", "\u0085", "\u2028", "\u2029", "é", "日", "🚀", "\ud800", "\udfff",
                "\ufeff", "\uffff", "</script>"};

        private final Random rnd;

        RandomEvents(Random rnd) { this.rnd = rnd; }

        String str() {
            int n = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(12);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) sb.append(PIECES[rnd.nextInt(PIECES.length)]);
            return sb.toString();
        }

        List<String> strs() {
            List<String> out = new ArrayList<>();
            for (int i = rnd.nextInt(5); i > 0; i--) out.add(str());
            return out;
        }

        int i() { return rnd.nextInt(3) == 0 ? rnd.nextInt(3) - 1 : rnd.nextInt(); }

        long l() { return rnd.nextInt(3) == 0 ? rnd.nextInt(3) - 1 : rnd.nextLong(); }

        FileRef file() { return rnd.nextInt(5) == 0 ? FileRef.NONE : FileRef.of("/" + str() + "/" + str()); }

        NetAddr addr() { return new NetAddr(i(), str(), i(), str()); }

        ContainerInfo container() {
            return rnd.nextBoolean() ? ContainerInfo.NONE
                    : new ContainerInfo("c" + str(), str(), str(), str(), str(), l());
        }

        ProcessInfo process(int depth, ContainerInfo c) {
            ProcessInfo parent = depth == 0 ? null : process(depth - 1, rnd.nextBoolean() ? c : container());
            return new ProcessInfo(i(), i(), i(), i(), i(), i(), str(), str(), str(), file(),
                    rnd.nextBoolean() ? FileRef.NONE : file(), strs(), rnd.nextBoolean(), strs(), rnd.nextBoolean(),
                    str(), str(), l(), l(), c, l(), parent);
        }

        Payload payload(EventType type) {
            return switch (type) {
                case EXEC -> Payload.Exec.INSTANCE;
                case FORK -> Payload.Fork.INSTANCE;
                case EXIT -> new Payload.Exit(str(), i());
                case OPEN -> new Payload.Open(file(), i(), i(), i());
                case UNLINK -> new Payload.Unlink(file(), i(), i());
                case RENAME -> new Payload.Rename(file(), file(), i(), i());
                case CHMOD -> new Payload.Chmod(file(), i(), i());
                case CHOWN -> new Payload.Chown(file(), i(), i(), i());
                case MKDIR -> new Payload.Mkdir(file(), i(), i());
                case RMDIR -> new Payload.Rmdir(file(), i());
                case LINK -> new Payload.Link(file(), file(), i());
                case SYMLINK -> new Payload.Symlink(file(), str(), i());
                case UTIMES -> new Payload.Utimes(file(), l(), l(), i());
                case SETUID -> new Payload.SetUid(i(), i(), i(), i());
                case SETGID -> new Payload.SetGid(i(), i(), i(), i());
                case CAPSET -> new Payload.Capset(l(), l(), i());
                case BPF -> new Payload.Bpf(i(), i(), str(), i(), str(), i());
                case LOAD_MODULE -> new Payload.LoadModule(str(), file(), rnd.nextBoolean(), str(), i());
                case PTRACE -> new Payload.Ptrace(i(), i(), rnd.nextBoolean() ? null : process(0, container()), i());
                case MOUNT -> new Payload.Mount(str(), str(), str(), l(), i());
                case SIGNAL -> new Payload.Signal(i(), i(), rnd.nextBoolean() ? null : process(0, container()), i());
                case SELINUX -> new Payload.Selinux(List.of("enforce", "bool", "bool_commit", "").get(rnd.nextInt(4)),
                        str(), str(), i());
                case CONNECT -> new Payload.Connect(addr(), i(), i());
                case BIND -> new Payload.Bind(addr(), i(), i());
                case ACCEPT -> new Payload.Accept(addr(), i(), i());
                case DNS -> new Payload.Dns(i(), str(), i(), i(), i(), addr());
                case LOST_EVENTS -> new Payload.LostEvents(l(), l());
            };
        }

        Event event() {
            EventType type = EventType.values()[rnd.nextInt(EventType.values().length)];
            ProcessInfo p = rnd.nextInt(8) == 0 ? ProcessInfo.NONE : process(rnd.nextInt(4), container());
            // An event without a process has no place for a tid in the JSON form (see the report).
            int tid = p == ProcessInfo.NONE ? 0 : i();
            return new Event(l(), tid, new HostInfo(str(), str(), strs()), p, payload(type));
        }
    }
}
