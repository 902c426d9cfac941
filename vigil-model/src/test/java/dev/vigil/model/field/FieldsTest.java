package dev.vigil.model.field;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.HostInfo;
import dev.vigil.model.Payload;
import dev.vigil.model.ProcessInfo;
import dev.vigil.model.SampleEvents;
import dev.vigil.model.field.Field.ProcessScope;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class FieldsTest {

    private static final Pattern DOTTED_LOWER = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

    /** Fields of a payload that are not prefixed by their event type's id, by design (SECL names). */
    private static final Map<String, EventType> UNPREFIXED_PAYLOAD_FIELDS = Map.of(
            "network.destination.ip", EventType.DNS,
            "network.destination.port", EventType.DNS);

    /** Where each process scope puts its fields, and on which event types (empty: all). */
    private static final Map<ProcessScope, Prefix> PREFIXES = Map.of(
            ProcessScope.PROCESS, new Prefix("process.", Set.of()),
            ProcessScope.PARENT, new Prefix("process.parent.", Set.of()),
            ProcessScope.ANCESTORS, new Prefix("process.ancestors.", Set.of()),
            ProcessScope.EXEC, new Prefix("exec.", Set.of(EventType.EXEC)),
            ProcessScope.PTRACE_TRACEE, new Prefix("ptrace.tracee.", Set.of(EventType.PTRACE)),
            ProcessScope.SIGNAL_TARGET, new Prefix("signal.target.", Set.of(EventType.SIGNAL)));

    private record Prefix(String prefix, Set<EventType> types) {}

    @Test
    void fieldNamesAreUniqueAndDottedLowerCase() {
        List<String> names = Fields.all().stream().map(Field::name).toList();
        assertThat(names).doesNotHaveDuplicates();
        assertThat(names).allSatisfy(n -> assertThat(n).matches(DOTTED_LOWER));
        for (String n : names) {
            assertThat(Fields.get(n)).as("lookup of %s", n).isNotNull().extracting(Field::name).isEqualTo(n);
        }
        assertThat(Fields.get("no.such.field")).isNull();
    }

    @Test
    void everyFieldIsDocumentedWithAConsistentType() {
        SoftAssertions soft = new SoftAssertions();
        for (Field f : Fields.all()) {
            soft.assertThat(f.doc()).as("doc of %s", f.name()).isNotBlank();
            soft.assertThat(f.cost()).as("cost of %s", f.name()).isPositive();
            ValueType t = f.type();
            switch (f) {
                case Field.StringField s -> soft.assertThat(t).as(f.name()).isIn(ValueType.STRING, ValueType.IP);
                case Field.StringsField s -> soft.assertThat(t).as(f.name()).isIn(ValueType.STRING, ValueType.IP);
                case Field.LongField l -> soft.assertThat(t).as(f.name()).isIn(ValueType.INT, ValueType.TIME);
                case Field.LongsField l -> soft.assertThat(t).as(f.name()).isIn(ValueType.INT, ValueType.TIME, ValueType.BOOL);
                case Field.BoolField b -> soft.assertThat(t).as(f.name()).isEqualTo(ValueType.BOOL);
            }
            if (f.constants() != null) {
                soft.assertThat(f).as("%s has constants, so it must be an integer", f.name())
                        .isInstanceOfAny(Field.LongField.class, Field.LongsField.class);
            }
        }
        soft.assertAll();
    }

    @Test
    void everyPayloadFieldIsDeclaredForExactlyItsEventType() {
        SoftAssertions soft = new SoftAssertions();
        for (Field f : Fields.all()) {
            String head = f.name().substring(0, f.name().indexOf('.'));
            EventType byName = EventType.byId(head);
            if (byName != null) {
                soft.assertThat(f.eventTypes()).as("event types of %s", f.name()).containsExactly(byName);
            } else if (UNPREFIXED_PAYLOAD_FIELDS.containsKey(f.name())) {
                soft.assertThat(f.eventTypes()).as("event types of %s", f.name())
                        .containsExactly(UNPREFIXED_PAYLOAD_FIELDS.get(f.name()));
            } else {
                soft.assertThat(f.eventTypes()).as("%s is not a payload field, so it is on every event", f.name()).isEmpty();
                soft.assertThat(head).as("prefix of %s", f.name()).isIn("event", "host", "container", "process");
            }
        }
        soft.assertAll();
    }

    @Test
    void everyEventTypeHasFieldsOfItsOwnExceptTheBareProcessEvents() {
        Set<EventType> withOwnFields = EnumSet.noneOf(EventType.class);
        Fields.all().forEach(f -> withOwnFields.addAll(f.eventTypes()));
        Set<EventType> without = EnumSet.complementOf(EnumSet.copyOf(withOwnFields));
        assertThat(without).containsExactly(EventType.FORK);
    }

    @Test
    void processFieldsExistUnderEveryProcessPrefix() {
        SoftAssertions soft = new SoftAssertions();
        for (var e : PREFIXES.entrySet()) {
            ProcessScope scope = e.getKey();
            Prefix prefix = e.getValue();
            for (Fields.ProcessFieldDecl d : Fields.PROCESS_FIELDS) {
                String name = prefix.prefix() + d.suffix();
                Field f = Fields.get(name);
                soft.assertThat(f).as(name).isNotNull();
                if (f == null) continue;
                soft.assertThat(f.scope()).as("scope of %s", name).isEqualTo(scope);
                soft.assertThat(f.eventTypes()).as("event types of %s", name).isEqualTo(prefix.types());
                soft.assertThat(f.constants()).as("constants of %s", name).isEqualTo(d.constants());
                boolean array = scope == ProcessScope.ANCESTORS || d.getter() instanceof Getters.ProcStrings;
                soft.assertThat(f.isArray()).as("%s is an array", name).isEqualTo(array);
            }
        }
        List<String> scoped = Fields.all().stream().filter(f -> f.scope() != ProcessScope.NONE).map(Field::name).toList();
        soft.assertThat(scoped).as("process-scoped fields are exactly the expansions")
                .hasSize(PREFIXES.size() * Fields.PROCESS_FIELDS.size());
        soft.assertAll();
    }

    @Test
    void execFieldsExistOnlyOnExecEvents() {
        Field f = Fields.get("exec.file.path");
        assertThat(f.appliesTo(EventType.EXEC)).isTrue();
        for (EventType t : EventType.values()) {
            if (t != EventType.EXEC) {
                assertThat(f.appliesTo(t)).as("exec.file.path on %s", t.id()).isFalse();
            }
        }
        assertThat(Fields.get("process.file.path").appliesTo(EventType.LOST_EVENTS)).isTrue();
    }

    @Test
    void processScopedGettersAgreeWithTheirPerProcessReaders() {
        Event e = SampleEvents.of(EventType.PTRACE);
        ProcessInfo tracee = ((Payload.Ptrace) e.payload()).tracee();
        for (Field f : Fields.all()) {
            ProcessInfo p = switch (f.scope()) {
                case PROCESS -> e.process();
                case PARENT -> e.process().parent();
                case PTRACE_TRACEE -> tracee;
                default -> null;
            };
            if (p == null) continue;
            Object viaProcess = switch (f) {
                case Field.StringField s -> s.ofProcess().get(p);
                case Field.LongField l -> l.ofProcess().get(p);
                case Field.BoolField b -> b.ofProcess().get(p);
                case Field.StringsField s -> List.copyOf(s.ofProcess().get(p));
                case Field.LongsField l -> throw new AssertionError(f.name() + " is not an ancestors field");
            };
            assertThat(viaProcess).as(f.name()).isEqualTo(FieldValues.read(f, e));
        }
    }

    @Test
    void ancestorElementReadersMatchTheArrayGetters() {
        Event e = SampleEvents.of(EventType.OPEN);
        List<ProcessInfo> ancestors = e.process().ancestors();
        for (Field f : Fields.all()) {
            if (f.scope() != ProcessScope.ANCESTORS) continue;
            switch (f) {
                case Field.StringsField s when s.elementOfProcess() != null -> assertThat(s.getter().get(e)).as(f.name())
                        .containsExactlyElementsOf(ancestors.stream().map(a -> s.elementOfProcess().get(a)).toList());
                case Field.StringsField s -> {
                    List<String> all = new ArrayList<>();
                    ancestors.forEach(a -> all.addAll(s.ofProcess().get(a)));
                    assertThat(s.getter().get(e)).as(f.name()).containsExactlyElementsOf(all);
                }
                case Field.LongsField l -> assertThat(l.getter().apply(e)).as(f.name())
                        .containsExactly(ancestors.stream().mapToLong(a -> l.elementOfProcess().get(a)).toArray());
                default -> throw new AssertionError(f.name() + " should be an array");
            }
        }
    }

    @Test
    void ancestorFileNamesAreNearestFirst() {
        Event e = SampleEvents.of(EventType.OPEN);
        assertThat(strings("process.ancestors.file.name", e)).containsExactly("start.sh", "bash", "conmon");
        assertThat(longs("process.ancestors.pid", e)).containsExactly(4242L, 4100L, 1L);
        assertThat(bools("process.ancestors.args_truncated", e)).containsExactly(1L, 1L, 0L);
        assertThat(strings("process.ancestors.argv", e)).containsExactly("/srv/app/start.sh", "--fetch", "curl \"$URL\" | sh", "-l", "--api-version", "1");
    }

    @Test
    void ancestorFieldsAreBoundedByMaxAncestors() {
        ProcessInfo p = null;
        for (int pid = 1; pid <= 500; pid++) {
            p = new ProcessInfo(pid, pid - 1, 0, 0, 0, 0, "", "", "", dev.vigil.model.FileRef.of("/bin/p" + pid), null,
                    List.of("p" + pid, "x"), false, List.of("E"), false, "/", "", 0, 0, null, 0, p);
        }
        Event e = new Event(1, 500, HostInfo.NONE, p, Payload.Fork.INSTANCE);
        assertThat(strings("process.ancestors.file.name", e)).hasSize(ProcessInfo.MAX_ANCESTORS).startsWith("p499");
        assertThat(longs("process.ancestors.pid", e)).hasSize(ProcessInfo.MAX_ANCESTORS);
        assertThat(strings("process.ancestors.argv", e)).hasSize(ProcessInfo.MAX_ANCESTORS);
        assertThat(strings("process.ancestors.envs", e)).hasSize(ProcessInfo.MAX_ANCESTORS);
    }

    @Test
    void parentFieldsOfAProcessWithoutParentReadAsNone() {
        ProcessInfo orphan = SampleEvents.process().withParent(null);
        Event e = new Event(1, 2, HostInfo.NONE, orphan, Payload.Fork.INSTANCE);
        SoftAssertions soft = new SoftAssertions();
        for (Field f : Fields.all()) {
            if (f.scope() == ProcessScope.PARENT) {
                Object expected = switch (f) {
                    case Field.StringField s -> "";
                    case Field.StringsField s -> List.of();
                    case Field.BoolField b -> false;
                    // ProcessInfo.NONE: ids unknown (-1), numbers 0
                    case Field.LongField l -> Set.of("process.parent.uid", "process.parent.gid", "process.parent.euid",
                            "process.parent.egid").contains(f.name()) ? -1L : 0L;
                    case Field.LongsField l -> throw new AssertionError(f.name());
                };
                soft.assertThat(FieldValues.read(f, e)).as(f.name()).isEqualTo(expected);
            }
            if (f.scope() == ProcessScope.ANCESTORS) {
                soft.assertThat((List<?>) FieldValues.read(f, e)).as(f.name()).isEmpty();
            }
        }
        soft.assertAll();
    }

    @Test
    void eventsWithoutProcessReadEveryFieldWithoutThrowing() {
        Event lost = new Event(1, 0, null, null, new Payload.LostEvents(1, 1));
        for (Field f : Fields.all()) {
            if (f.appliesTo(EventType.LOST_EVENTS)) {
                assertThatCode(() -> FieldValues.read(f, lost)).as(f.name()).doesNotThrowAnyException();
            }
        }
        assertThat(FieldValues.read(Fields.get("process.pid"), lost)).isEqualTo(0L);
        assertThat(FieldValues.read(Fields.get("container.tags"), lost)).isEqualTo(List.of());
    }

    @Test
    void everyApplicableFieldReadsOnEverySampleWithoutThrowingOrNull() {
        for (Event e : SampleEvents.all()) {
            for (Field f : Fields.all()) {
                if (f.appliesTo(e.type())) {
                    assertThatCode(() -> FieldValues.read(f, e)).as("%s on %s", f.name(), e.type().id())
                            .doesNotThrowAnyException();
                    // getters never return null: an absent string is "", an absent array is empty
                    assertThat(FieldValues.read(f, e)).as("%s on %s", f.name(), e.type().id()).isNotNull();
                }
            }
        }
    }

    @Test
    void derivedFieldsReadWhatTheirDocsSay() {
        Event open = SampleEvents.of(EventType.OPEN);
        assertThat(FieldValues.read(Fields.get("process.args"), open)).isEqualTo(String.join(" ", SampleEvents.TRICKY_ARGS));
        assertThat(FieldValues.read(Fields.get("process.argv0"), open)).isEqualTo("curl");
        assertThat(FieldValues.read(Fields.get("container.tags"), open))
                .isEqualTo(List.of("image_name:acme/web", "short_image:web", "image_tag:1.4.2", "container_name:web-1"));
        assertThat(FieldValues.read(Fields.get("open.file.name"), open)).isEqualTo("shadow");
        assertThat(FieldValues.read(Fields.get("event.type"), open)).isEqualTo("open");
        Event exec = SampleEvents.of(EventType.EXEC);
        assertThat(FieldValues.read(Fields.get("exec.interpreter.file.path"), exec)).isEqualTo("/bin/sh");
        assertThat(FieldValues.read(Fields.get("exec.file.path"), exec)).isEqualTo("/opt/app/bin/deploy.sh");
        assertThat(FieldValues.read(Fields.get("exec.file.path"), exec))
                .isEqualTo(FieldValues.read(Fields.get("process.file.path"), exec));
        Event dns = SampleEvents.of(EventType.DNS);
        assertThat(FieldValues.read(Fields.get("dns.question.length"), dns)).isEqualTo((long) "pool.minexmr.com".length());
        List<Event> selinux = SampleEvents.byType().get(EventType.SELINUX);
        assertThat(selinux).extracting(e -> FieldValues.read(Fields.get("selinux.enforce.status"), e))
                .containsExactly("permissive", "", "");
        assertThat(selinux).extracting(e -> FieldValues.read(Fields.get("selinux.bool.state"), e))
                .containsExactly("", "on", "");
        assertThat(selinux).extracting(e -> FieldValues.read(Fields.get("selinux.bool_commit.state"), e))
                .containsExactly(false, false, true);
    }

    @Test
    void closestSuggestsTheIntendedFieldFirst() {
        assertThat(Fields.closest("proces.file.path", 3)).hasSize(3).first().isEqualTo("process.file.path");
        assertThat(Fields.closest("open.file.pth", 1)).containsExactly("open.file.path");
        assertThat(Fields.closest("exec.file.path", 1)).containsExactly("exec.file.path");
        assertThat(Fields.closest("x", 0)).isEmpty();
        assertThat(Fields.closest("x", Integer.MAX_VALUE)).hasSameSizeAs(Fields.all());
    }

    @Test
    void fieldsTheProductPromisesExist() {
        List<String> promised = List.of("process.file.path", "process.argv", "process.ancestors.file.name",
                "open.file.path", "open.flags", "container.id", "exec.file.path", "process.envs",
                "process.cap_effective", "connect.addr.ip", "dns.question.name", "bpf.cmd", "load_module.file.path",
                "ptrace.request", "signal.type", "mount.fs_type", "selinux.enforce.status", "setuid.uid",
                "chmod.file.destination.mode", "rename.file.destination.path");
        Set<String> known = new HashSet<>();
        Fields.all().forEach(f -> known.add(f.name()));
        assertThat(known).containsAll(promised);
        assertThat(Fields.get("process.argv").isArray()).isTrue();
        assertThat(Fields.get("process.envs").isArray()).isTrue();
        assertThat(Fields.get("process.ancestors.file.name").isArray()).isTrue();
        assertThat(Fields.get("connect.addr.ip").type()).isEqualTo(ValueType.IP);
        assertThat(Fields.get("open.flags").constants()).isEqualTo(dev.vigil.model.LinuxConstants.Family.OPEN_FLAGS);
        assertThat(Fields.get("process.cap_effective").constants()).isEqualTo(dev.vigil.model.LinuxConstants.Family.CAPABILITIES);
    }

    private static List<String> strings(String name, Event e) {
        return ((Field.StringsField) Fields.get(name)).getter().get(e);
    }

    private static List<Long> longs(String name, Event e) {
        return java.util.Arrays.stream(((Field.LongsField) Fields.get(name)).getter().apply(e)).boxed().toList();
    }

    private static List<Long> bools(String name, Event e) {
        return longs(name, e);
    }
}
