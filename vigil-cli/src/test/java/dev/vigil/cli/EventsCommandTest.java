package dev.vigil.cli;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.json.EventJson;
import dev.vigil.model.json.NdjsonReader;
import dev.vigil.sensor.Prerequisites;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code vigil events} as a user runs it: a separate process, stopped by signals, as root and not. */
class EventsCommandTest {

    @TempDir
    Path tmp;

    @Test
    @Tag("privileged")
    void sigtermStopsCleanlyWithTheRecordingFlushed() throws Exception {
        stopsCleanlyOn("TERM");
    }

    @Test
    @Tag("privileged")
    void sigintStopsCleanlyWithTheRecordingFlushed() throws Exception {
        stopsCleanlyOn("INT");
    }

    private void stopsCleanlyOn(String signal) throws Exception {
        Assumptions.assumeTrue(Prerequisites.isRoot(), "SKIPPED: needs root to run the sensor");
        Path record = tmp.resolve("trace.ndjson");
        Path err = tmp.resolve("stderr.txt");
        Process vigil = javaProcess(List.of("events", "--type", "exec", "--quiet", "--record", record.toString()),
                System.getProperty("java.class.path"), List.of())
                .redirectError(err.toFile()).start();
        String marker = "vigil-cli-" + UUID.randomUUID();
        // keep starting marked processes until the recording shows one: the sensor is up and writing
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        boolean seen = false;
        while (!seen && System.nanoTime() < deadline) {
            new ProcessBuilder("/bin/sh", "-c", "true " + marker).start().waitFor();
            Thread.sleep(300);
            seen = Files.exists(record) && Files.readString(record).contains(marker);
        }
        assertThat(seen).as("the recording received the marked exec while running").isTrue();
        // the last marked exec happens right before the signal: it must still be in the file
        String last = marker + "-last";
        new ProcessBuilder("/bin/sh", "-c", "true " + last).start().waitFor();
        Thread.sleep(200); // let the kernel hand it over; the flush on exit must write it
        new ProcessBuilder("kill", "-" + signal, Long.toString(vigil.pid())).start().waitFor();
        assertThat(vigil.waitFor(20, TimeUnit.SECONDS)).as("vigil exits after SIG" + signal).isTrue();

        List<Event> events = new ArrayList<>();
        try (NdjsonReader reader = new NdjsonReader(Files.newBufferedReader(record), new EventJson())) {
            reader.forEach(events::add); // every line parses: nothing half-written
        }
        assertThat(events).isNotEmpty().allMatch(e -> e.type() == EventType.EXEC);
        assertThat(events).anyMatch(e -> e.process().args().contains("true " + last));
        assertThat(Files.readString(record)).endsWith("\n");
        assertThat(Files.readString(err)).contains("vigil events:").contains("lost in the kernel");
    }

    @Test
    void withoutRootItExitsWithAMessageNamingWhatIsMissing() throws Exception {
        List<String> runAs = List.of();
        String classpath = System.getProperty("java.class.path");
        if (Prerequisites.isRoot()) {
            // drop to nobody with a class path nobody can read (the build's may be under /root)
            runAs = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
            classpath = readableCopy(classpath);
        }
        Process p = javaProcess(List.of("events"), classpath, runAs).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(3);
        assertThat(out).contains("cannot start the sensor").contains("needs root").contains("sudo");
    }

    @Test
    void anUnknownEventTypeIsAUsageErrorListingTheKnownTypes() {
        var err = new java.io.ByteArrayOutputStream();
        var old = System.err;
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine().execute("events", "--type", "opne");
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown event type 'opne'").contains("open");
    }

    @Test
    void typeFamiliesExpandToTheirTypes() {
        assertThat(EventsCommand.parseTypes(List.of("network"))).contains(EventType.CONNECT, EventType.DNS)
                .doesNotContain(EventType.OPEN);
        assertThat(EventsCommand.parseTypes(List.of("exec", "FILE"))).contains(EventType.EXEC, EventType.RENAME);
        assertThat(EventsCommand.parseTypes(List.of())).isEmpty();
    }

    @Test
    void statsAreOneParseableJsonLine() throws Exception {
        var stats = new dev.vigil.sensor.SensorStats(10, 9, java.util.Map.of(EventType.EXEC, 9L), 3, 1, 0, 0, 42, 5, 0, 7);
        String line = EventsCommand.statsJson(stats);
        var parser = new com.fasterxml.jackson.core.JsonFactory().createParser(line);
        parser.nextToken();
        var tree = EventJson.readObject(parser);
        @SuppressWarnings("unchecked")
        var s = (java.util.Map<String, Object>) tree.get("stats");
        assertThat(s).containsEntry("lost", 3L).containsEntry("events", 9L).containsEntry("untracked", 1L);
        assertThat(line).doesNotContain("\n").contains("\"by_type\":{\"exec\":9}");
    }

    @Test
    void durationsAcceptShorthandAndIso() {
        assertThat(Durations.parse("30s")).hasSeconds(30);
        assertThat(Durations.parse("5m")).hasMinutes(5);
        assertThat(Durations.parse("500ms")).hasMillis(500);
        assertThat(Durations.parse("PT2H")).hasHours(2);
    }

    private ProcessBuilder javaProcess(List<String> args, String classpath, List<String> prefix) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        return new ProcessBuilder(cmd);
    }

    private String readableCopy(String classpath) throws IOException {
        Path dir = Files.createTempDirectory("vigil-cp");
        List<String> out = new ArrayList<>();
        int i = 0;
        for (String entry : classpath.split(File.pathSeparator)) {
            Path src = Path.of(entry);
            if (!Files.exists(src)) continue;
            Path dst = dir.resolve((i++) + "-" + src.getFileName());
            if (Files.isDirectory(src)) {
                try (var walk = Files.walk(src)) {
                    for (Path p : (Iterable<Path>) walk::iterator) {
                        Path t = dst.resolve(src.relativize(p).toString());
                        if (Files.isDirectory(p)) Files.createDirectories(t);
                        else Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } else {
                Files.copy(src, dst);
            }
            out.add(dst.toString());
        }
        try (var walk = Files.walk(dir)) {
            walk.forEach(p -> p.toFile().setReadable(true, false));
        }
        try (var walk = Files.walk(dir)) {
            walk.filter(Files::isDirectory).forEach(p -> p.toFile().setExecutable(true, false));
        }
        // parents of the temp dir must be traversable too (java.io.tmpdir is /tmp: fine)
        return String.join(File.pathSeparator, out);
    }
}
