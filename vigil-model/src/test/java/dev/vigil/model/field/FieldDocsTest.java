package dev.vigil.model.field;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.vigil.model.EventType;
import dev.vigil.model.LinuxConstants.Family;
import dev.vigil.model.json.EventJson;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * docs/events.md embeds the generated field reference and JSON examples; this test keeps both true.
 * To refresh the generated part after changing {@link Fields}, run {@value #REGENERATE}.
 */
class FieldDocsTest {

    static final String BEGIN = "<!-- BEGIN GENERATED FIELDS (FieldDocs) -->";
    static final String END = "<!-- END GENERATED FIELDS -->";
    static final String REGENERATE = "./mvnw -q -pl vigil-model test -Dvigil.updateDocs=true";

    @Test
    void generatedSectionOfEventsMdMatchesTheRegistry() throws IOException {
        Path doc = eventsMd();
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            fail(doc + " must contain the lines\n" + BEGIN + "\n" + END + "\n(in this order) around the generated field reference");
        }
        String head = text.substring(0, begin + BEGIN.length()) + "\n";
        String current = text.substring(head.length(), end);
        String expected = FieldDocs.markdown();
        if (current.equals(expected)) {
            return;
        }
        if (Boolean.getBoolean("vigil.updateDocs")) {
            Files.writeString(doc, head + expected + text.substring(end), StandardCharsets.UTF_8);
            System.out.println("FieldDocsTest: rewrote the generated field reference in " + doc);
            return;
        }
        fail("The field reference in " + doc + " is out of date with dev.vigil.model.field.Fields ("
                + firstDifference(current, expected) + ").\nRegenerate it, from the directory holding mvnw, with:\n    "
                + REGENERATE + "\n");
    }

    private static String firstDifference(String actual, String expected) {
        List<String> a = actual.lines().toList();
        List<String> e = expected.lines().toList();
        for (int i = 0; i < Math.max(a.size(), e.size()); i++) {
            String la = i < a.size() ? a.get(i) : "<end>";
            String le = i < e.size() ? e.get(i) : "<end>";
            if (!la.equals(le)) {
                return "first difference at line " + (i + 1) + " of the generated part: the file has\n    " + la
                        + "\nwhere FieldDocs generates\n    " + le;
            }
        }
        return "they differ in line endings or a final newline";
    }

    @Test
    void jsonExamplesInEventsMdAreExactlyWhatTheWriterProduces() throws IOException {
        String text = Files.readString(eventsMd(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```(json|jsonc)\\n(.*?)\\n```", Pattern.DOTALL).matcher(text);
        EventJson json = new EventJson();
        List<String> oneLine = new ArrayList<>();
        int annotated = 0;
        while (m.find()) {
            String block = m.group(2);
            String compact = compact(block);
            String written = json.toJson(json.parse(compact));
            assertThat(compact)
                    .as("example in docs/events.md must be what EventJson writes (keys, order, omitted values):%n%s", block)
                    .isEqualTo(written);
            if (m.group(1).equals("json")) {
                assertThat(block).as("a ```json example is one NDJSON line, exactly as written").isEqualTo(written);
                oneLine.add(written);
            } else {
                annotated++;
                assertThat(oneLine).as("an annotated example follows the one-line form of the same event").isNotEmpty();
                assertThat(compact).as("annotated example and the one-line example before it").isEqualTo(oneLine.getLast());
            }
        }
        assertThat(oneLine).extracting(line -> json.parse(line).type())
                .containsExactly(EventType.EXEC, EventType.OPEN, EventType.LOST_EVENTS);
        assertThat(annotated).isEqualTo(2);
    }

    /** The JSON of a (possibly commented, indented) example, without comments or whitespace. */
    private static String compact(String jsonc) throws IOException {
        JsonFactory lenient = JsonFactory.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS).build();
        StringWriter out = new StringWriter();
        try (JsonParser p = lenient.createParser(jsonc); JsonGenerator g = new JsonFactory().createGenerator(out)) {
            p.nextToken();
            g.copyCurrentStructure(p);
            assertThat(p.nextToken()).as("one JSON value per example").isNull();
        }
        return out.toString();
    }

    @Test
    void markdownIsDeterministicAndEndsWithANewline() {
        String a = FieldDocs.markdown();
        assertThat(FieldDocs.markdown()).isEqualTo(a);
        assertThat(a).endsWith("\n").doesNotEndWith("\n\n\n").doesNotContain("\r").doesNotContain("\t");
    }

    @Test
    void mainPrintsTheMarkdown() {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            FieldDocs.main(new String[0]);
        } finally {
            System.setOut(saved);
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(FieldDocs.markdown());
    }

    @Test
    void sectionsFollowEventTypeOrderThenTheCommonFields() {
        List<String> headings = FieldDocs.markdown().lines().filter(l -> l.startsWith("## ")).toList();
        List<String> expected = new ArrayList<>();
        for (EventType t : EventType.values()) {
            expected.add("## `" + t.id() + "`");
        }
        expected.add("## Fields on every event");
        assertThat(headings).containsExactlyElementsOf(expected);
    }

    @Test
    void everyFieldIsDocumentedExactlyOnce() {
        String md = FieldDocs.markdown();
        int split = md.indexOf("### Process fields\n");
        assertThat(split).isPositive();
        String fields = md.substring(0, split);
        String suffixes = md.substring(split);
        for (Field f : Fields.all()) {
            if (f.scope() == Field.ProcessScope.NONE) {
                assertThat(count(fields, "| `" + f.name() + "` |")).as("rows for %s", f.name()).isEqualTo(1);
            }
        }
        for (Fields.ProcessFieldDecl d : Fields.PROCESS_FIELDS) {
            assertThat(count(suffixes, "| `" + d.suffix() + "` |")).as("rows for process suffix %s", d.suffix()).isEqualTo(1);
        }
        assertThat(count(md, "\n| `")).as("one row per non-process field and per process suffix")
                .isEqualTo(Fields.all().stream().filter(f -> f.scope() == Field.ProcessScope.NONE).count()
                        + Fields.PROCESS_FIELDS.size());
        for (String prefix : List.of("process.", "process.parent.", "process.ancestors.", "exec.", "ptrace.tracee.",
                "signal.target.")) {
            assertThat(md).contains("- `" + prefix + "`: ");
        }
    }

    @Test
    void rowsShowTypesArraysAndConstants() {
        String md = FieldDocs.markdown();
        assertThat(md).contains("| `open.flags` | int | O_* open flags (constants: `O_*`) |");
        assertThat(md).contains("| `host.tags` | string[] |");
        assertThat(md).contains("| `connect.addr.ip` | ip |");
        assertThat(md).contains("| `event.timestamp` | time |");
        assertThat(md).contains("| `argv` | string[] |");
        assertThat(md).contains("| `cap_effective` | int | Effective capability mask (constants: `CAP_*`) |");
        // fields of one type appear in that type's section only
        String open = section(md, "## `open`");
        assertThat(open).contains("`open.file.path`").doesNotContain("`unlink.").doesNotContain("`process.");
        assertThat(section(md, "## `exec`")).contains("`exec.`").contains("No fields of its own.");
        assertThat(section(md, "## `ptrace`")).contains("`ptrace.request`").contains("`ptrace.tracee.`");
        assertThat(section(md, "## `signal`")).contains("`signal.target.`");
        assertThat(section(md, "## `fork`")).contains("No fields of its own.").doesNotContain("Also carries");
    }

    @Test
    void constantFamiliesAreNamedByTheirCommonPrefix() {
        assertThat(FieldDocs.constantsNote(Family.OPEN_FLAGS)).isEqualTo("`O_*`");
        assertThat(FieldDocs.constantsNote(Family.FILE_MODE)).isEqualTo("`S_*`");
        assertThat(FieldDocs.constantsNote(Family.CAPABILITIES)).isEqualTo("`CAP_*`");
        assertThat(FieldDocs.constantsNote(Family.BPF_CMD)).isEqualTo("`BPF_*`");
        assertThat(FieldDocs.constantsNote(Family.BPF_PROG_TYPE)).isEqualTo("`BPF_PROG_TYPE_*`");
        assertThat(FieldDocs.constantsNote(Family.SIGNAL)).isEqualTo("`SIG*`");
        assertThat(FieldDocs.constantsNote(Family.UNLINK_FLAGS)).isEqualTo("`AT_REMOVEDIR`");
        assertThat(FieldDocs.constantsNote(Family.DNS_QTYPE)).startsWith("`A`, `NS`, `CNAME`").endsWith("`ANY`");
    }

    private static String section(String md, String heading) {
        int start = md.indexOf(heading + "\n");
        assertThat(start).as(heading).isNotNegative();
        int next = md.indexOf("\n## ", start + heading.length());
        return md.substring(start, next < 0 ? md.length() : next);
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n++;
        return n;
    }

    /** docs/events.md, found from the module directory by walking up to the directory holding mvnw. */
    static Path eventsMd() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("mvnw"))) {
                return d.resolve("docs").resolve("events.md");
            }
        }
        throw new IllegalStateException("no directory holding mvnw above " + dir + "; cannot locate docs/events.md");
    }
}
