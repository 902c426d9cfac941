package dev.vigil.server.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The tailer on real files in a temporary directory. Most tests drive {@code pollOnce()} directly,
 * so what each poll sees is exact; one runs the real virtual thread.
 */
class FileTailerTest {

    @TempDir
    Path dir;

    /** Records what the sink received, batch by batch. */
    static final class Recorder implements FileTailer.LineSink {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
        final List<Path> files = Collections.synchronizedList(new ArrayList<>());
        int failuresToInject;

        @Override
        public void accept(Path file, List<String> batch) {
            if (failuresToInject > 0) {
                failuresToInject--;
                throw new IllegalStateException("downstream unavailable");
            }
            files.add(file);
            batches.add(batch.size());
            lines.addAll(batch);
        }

        List<String> take() {
            synchronized (lines) {
                List<String> copy = List.copyOf(lines);
                lines.clear();
                return copy;
            }
        }
    }

    private final Recorder sink = new Recorder();

    private Path log() {
        return dir.resolve("auth.log");
    }

    private FileTailer.Config config(Path... files) {
        return FileTailer.Config.of(dir.resolve("state/tailer.json"), List.of(files))
                .withReadExistingFromStart(true)
                .withRotatedFileGrace(Duration.ZERO);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String lines(String prefix, int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) b.append(prefix).append(i).append('\n');
        return b.toString();
    }

    private static List<String> expected(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void appendedLinesAreDeliveredOnceCompleteAndCrlfIsDropped() throws IOException {
        append(log(), "one\ntwo\r\nthr");
        try (FileTailer t = new FileTailer(config(log()), sink)) {
            t.pollOnce();
            assertThat(sink.take()).containsExactly("one", "two");
            t.pollOnce();
            assertThat(sink.take()).isEmpty();
            append(log(), "ee\n\nfour\n");
            t.pollOnce();
            assertThat(sink.take()).containsExactly("three", "", "four");
            assertThat(sink.files).containsOnly(log().toAbsolutePath());
            assertThat(t.stats().lines()).isEqualTo(5);
            assertThat(t.stats().bytes()).isEqualTo(Files.size(log()));
        }
    }

    @Test
    void renameRotationFinishesTheOldFileIncludingLinesWrittenJustBeforeThenReadsTheNewOne() throws IOException {
        append(log(), lines("old-", 0, 3));
        try (FileTailer t = new FileTailer(config(log()), sink);
             OutputStream writer = Files.newOutputStream(log(), StandardOpenOption.APPEND)) {
            t.pollOnce();
            assertThat(sink.take()).isEqualTo(expected("old-", 0, 3));

            // the writer logs more, then logrotate renames, the writer (not yet reopened) logs again
            writer.write(lines("old-", 3, 6).getBytes(StandardCharsets.UTF_8));
            Files.move(log(), dir.resolve("auth.log.1"));
            writer.write("old-6\nold-7-unterminated".getBytes(StandardCharsets.UTF_8));
            append(log(), lines("new-", 0, 2));
            t.pollOnce();
            assertThat(sink.take()).isEqualTo(concat(expected("old-", 3, 7), expected("new-", 0, 2)));
            assertThat(t.stats().rotations()).isEqualTo(1);

            // the old writer finishes its line before it reopens: still read from the rotated file
            writer.write(" now-terminated\nold-8-last-words".getBytes(StandardCharsets.UTF_8));
            append(log(), "new-2\n");
            t.pollOnce();
            assertThat(sink.take()).containsExactly("old-7-unterminated now-terminated", "new-2");
            // a poll without growth ends the rotated file's grace (zero here): its last words, then closed
            t.pollOnce();
            assertThat(sink.take()).containsExactly("old-8-last-words");
            writer.write("\nnever read".getBytes(StandardCharsets.UTF_8));
            t.pollOnce();
            assertThat(sink.take()).isEmpty();
            assertThat(t.stats().rotations()).isEqualTo(1);
        }
    }

    @Test
    void aRotatedFileStaysOpenForItsGraceAfterItsLastGrowth() throws IOException {
        append(log(), "a\n");
        try (FileTailer t = new FileTailer(config(log()).withRotatedFileGrace(Duration.ofHours(1)), sink);
             OutputStream writer = Files.newOutputStream(log(), StandardOpenOption.APPEND)) {
            t.pollOnce();
            Files.move(log(), dir.resolve("auth.log.1"));
            t.pollOnce();
            writer.write("b\npartial".getBytes(StandardCharsets.UTF_8));
            t.pollOnce();
            t.pollOnce();
            assertThat(sink.take()).containsExactly("a", "b");
            JsonNode state = new ObjectMapper().readTree(dir.resolve("state/tailer.json").toFile());
            assertThat(state.get("files").get(0).get("rotated")).hasSize(1);
            assertThat(state.get("files").get(0).has("inode")).isFalse();
        }
    }

    @Test
    void copytruncateStartsOverAndSoDoesATruncationRegrownBetweenPolls() throws IOException {
        append(log(), lines("before-", 0, 5));
        try (FileTailer t = new FileTailer(config(log()), sink)) {
            t.pollOnce();
            assertThat(sink.take()).hasSize(5);

            Files.copy(log(), dir.resolve("auth.log.1"));
            truncate(log());
            append(log(), "after-0\n");
            t.pollOnce();
            assertThat(sink.take()).containsExactly("after-0");
            assertThat(t.stats().truncations()).isEqualTo(1);

            // truncated and written past the old position before the next poll: the size alone
            // does not show it, the byte before the line start does
            append(log(), "after-1\n");
            t.pollOnce();
            assertThat(sink.take()).containsExactly("after-1");
            truncate(log());
            append(log(), "rewritten-line-that-is-long-enough-to-pass-the-old-offset\nx\n");
            t.pollOnce();
            assertThat(sink.take()).containsExactly("rewritten-line-that-is-long-enough-to-pass-the-old-offset", "x");
            assertThat(t.stats().truncations()).isEqualTo(2);
            assertThat(t.stats().rotations()).isZero();
        }
    }

    private static void truncate(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
    }

    @Test
    void aRestartResumesWhereTheSinkLeftOffIncludingAPartialLine() throws IOException {
        append(log(), "a\nb\npart");
        try (FileTailer t = new FileTailer(config(log()), sink)) {
            t.pollOnce();
        }
        assertThat(sink.take()).containsExactly("a", "b");
        assertThat(Files.exists(dir.resolve("state/tailer.json.tmp"))).isFalse();
        JsonNode state = new ObjectMapper().readTree(dir.resolve("state/tailer.json").toFile());
        JsonNode f = state.get("files").get(0);
        assertThat(f.get("path").asText()).isEqualTo(log().toAbsolutePath().toString());
        assertThat(f.get("inode").asLong()).isEqualTo(FileTailer.inode(log()));
        assertThat(f.get("offset").asLong()).isEqualTo(4);

        append(log(), "ial\nc\n");
        try (FileTailer t = new FileTailer(config(log()), sink)) {
            t.pollOnce();
            t.pollOnce();
        }
        assertThat(sink.take()).containsExactly("partial", "c");
    }

    @Test
    void aRotationWhileStoppedIsFoundByInodeAndFinishedBeforeTheNewFile() throws IOException {
        append(log(), lines("old-", 0, 3));
        try (FileTailer t = new FileTailer(config(log()), sink)) {
            t.pollOnce();
        }
        assertThat(sink.take()).isEqualTo(expected("old-", 0, 3));
        append(log(), lines("old-", 3, 5));
        Files.move(log(), dir.resolve("auth.log.1"));
        append(log(), lines("new-", 0, 2));
        try (FileTailer t = new FileTailer(config(log()), sink)) {
            t.pollOnce();
            t.pollOnce();
            assertThat(t.stats().lostRotated()).isZero();
        }
        assertThat(sink.take()).isEqualTo(concat(expected("old-", 3, 5), expected("new-", 0, 2)));

        // rotated and compressed away while stopped: counted, the new file read whole
        append(log(), "new-2\n");
        Files.move(log(), dir.resolve("auth.log.2"));
        append(log(), "newer-0\n");
        Files.delete(dir.resolve("auth.log.2"));
        try (FileTailer t = new FileTailer(config(log()), sink)) {
            t.pollOnce();
            assertThat(t.stats().lostRotated()).isEqualTo(1);
        }
        assertThat(sink.take()).containsExactly("newer-0");
    }

    @Test
    void aFileTruncatedWhileStoppedIsReadFromTheStart() throws IOException {
        append(log(), lines("x-", 0, 4));
        try (FileTailer t = new FileTailer(config(log()), sink)) {
            t.pollOnce();
        }
        sink.take();
        truncate(log());
        append(log(), "y-0\n");
        try (FileTailer t = new FileTailer(config(log()), sink)) {
            t.pollOnce();
            assertThat(t.stats().truncations()).isEqualTo(1);
        }
        assertThat(sink.take()).containsExactly("y-0");
    }

    /**
     * A log deleted while the tailer was stopped and a new one created under the same inode number
     * (ext4 reuses freed inodes at once) with as many bytes: neither the inode nor the size tells,
     * the checksum of the first bytes does.
     */
    @Test
    void aNewFileUnderAReusedInodeIsReadFromTheStart() throws IOException {
        append(log(), "first file, line 0\nfirst file, line 1\n");
        try (FileTailer t = new FileTailer(config(log()), sink)) {
            t.pollOnce();
        }
        sink.take();
        JsonNode state = new ObjectMapper().readTree(dir.resolve("state/tailer.json").toFile());
        assertThat(state.get("files").get(0).get("fingerprint_bytes").asInt()).isEqualTo(38);
        // simulate the reuse: same inode, new content, longer than the saved offset, newline at offset-1
        try (FileChannel ch = FileChannel.open(log(), StandardOpenOption.WRITE)) {
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.wrap("other file, line 0\nother file, line 1\nother 2\n".getBytes(StandardCharsets.UTF_8)));
        }
        try (FileTailer t = new FileTailer(config(log()), sink)) {
            t.pollOnce();
        }
        assertThat(sink.take()).containsExactly("other file, line 0", "other file, line 1", "other 2");
    }

    @Test
    void aMissingFileIsReadFromItsStartWhenItAppears() throws IOException {
        Path later = dir.resolve("later.log");
        try (FileTailer t = new FileTailer(config(later).withReadExistingFromStart(false), sink)) {
            t.pollOnce();
            assertThat(sink.take()).isEmpty();
            append(later, "first\nsecond\n");
            t.pollOnce();
            assertThat(sink.take()).containsExactly("first", "second");
            Files.delete(later);
            t.pollOnce();
            t.pollOnce();
            append(later, "third\n");
            t.pollOnce();
            assertThat(sink.take()).containsExactly("third");
        }
    }

    @Test
    void anExistingFileWithoutStateIsReadFromItsEndByDefault() throws IOException {
        append(log(), "history\nhalf a li");
        try (FileTailer t = new FileTailer(config(log()).withReadExistingFromStart(false), sink)) {
            t.pollOnce();
            assertThat(sink.take()).isEmpty();
            append(log(), "ne\nfresh\n");
            t.pollOnce();
            assertThat(sink.take()).containsExactly("fresh");
        }
    }

    @Test
    void overlongLinesAreCutAtACharacterBoundaryAndCounted() throws IOException {
        String big = "é".repeat(200) + "tail";   // 404 bytes; 256 falls inside no 'é' but test the boundary anyway
        String odd = "x" + "€".repeat(150);      // 451 bytes; 256 = 1 + 3*85: cut right after a whole '€'
        append(log(), big + "\nok\n" + odd + "\n");
        try (FileTailer t = new FileTailer(config(log()).withMaxLineBytes(256), sink)) {
            t.pollOnce();
            List<String> got = sink.take();
            assertThat(got).hasSize(3);
            assertThat(got.get(0)).isEqualTo("é".repeat(128));
            assertThat(got.get(1)).isEqualTo("ok");
            assertThat(got.get(2)).isEqualTo("x" + "€".repeat(85));
            assertThat(t.stats().truncatedLines()).isEqualTo(2);

            // an over-long line arriving in pieces, across polls and a restart
            append(log(), "y".repeat(300));
            t.pollOnce();
            assertThat(sink.take()).containsExactly("y".repeat(256));
        }
        append(log(), "y".repeat(100));
        try (FileTailer t = new FileTailer(config(log()).withMaxLineBytes(256), sink)) {
            t.pollOnce();
            append(log(), "yyy\nnext\n");
            t.pollOnce();
            assertThat(sink.take()).containsExactly("next");
        }
        assertThat(FileTailer.utf8Boundary(new byte[]{'a', (byte) 0xE2, (byte) 0x82}, 3)).isEqualTo(1);
        assertThat(FileTailer.utf8Boundary(new byte[]{'a', (byte) 0xE2, (byte) 0x82, (byte) 0xAC}, 4)).isEqualTo(4);
    }

    @Test
    void linesComeInBatchesOfAtMostTheLimit() throws IOException {
        append(log(), lines("l-", 0, 25));
        try (FileTailer t = new FileTailer(config(log()).withMaxBatchLines(10), sink)) {
            t.pollOnce();
        }
        assertThat(sink.batches).containsExactly(10, 10, 5);
        assertThat(sink.take()).isEqualTo(expected("l-", 0, 25));
    }

    @Test
    void aRefusedBatchIsOfferedAgainOnTheNextPoll() throws IOException {
        append(log(), lines("l-", 0, 25));
        sink.failuresToInject = 1;
        try (FileTailer t = new FileTailer(config(log()).withMaxBatchLines(10), sink)) {
            t.pollOnce();
            assertThat(sink.take()).isEmpty();
            t.pollOnce();
            assertThat(sink.take()).isEqualTo(expected("l-", 0, 25));
            assertThat(t.stats().sinkFailures()).isEqualTo(1);
            assertThat(t.stats().lines()).isEqualTo(25);
        }
        // a refusal after some batches were accepted: only the refused ones come again
        append(log(), lines("m-", 0, 25));
        try (FileTailer t = new FileTailer(config(log()).withMaxBatchLines(10), new FileTailer.LineSink() {
            int calls;

            @Override
            public void accept(Path file, List<String> lines) {
                if (++calls == 2) throw new IllegalStateException("once");
                sink.lines.addAll(lines);
            }
        })) {
            t.pollOnce();
            t.pollOnce();
        }
        assertThat(sink.take()).isEqualTo(expected("m-", 0, 25));
    }

    @Test
    void severalFilesAreFollowedTogetherAndTheSinkKnowsWhich() throws IOException {
        Path other = dir.resolve("syslog");
        append(log(), "auth\n");
        append(other, "sys\n");
        try (FileTailer t = new FileTailer(config(log(), other), sink)) {
            t.pollOnce();
        }
        assertThat(sink.lines).containsExactly("auth", "sys");
        assertThat(sink.files).containsExactly(log().toAbsolutePath(), other.toAbsolutePath());
    }

    @Test
    void theVirtualThreadPollsUntilClosed() throws IOException {
        FileTailer t = new FileTailer(config(log()).withPollInterval(Duration.ofMillis(20)), sink).start();
        try {
            append(log(), "live-0\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.lines.contains("live-0"));
            Files.move(log(), dir.resolve("auth.log.1"));
            append(log(), "live-1\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.lines.contains("live-1"));
            assertThat(t.stats().rotations()).isEqualTo(1);
            assertThatThrownBy(t::start).isInstanceOf(IllegalStateException.class);
        } finally {
            t.close();
        }
        assertThat(sink.lines).containsExactly("live-0", "live-1");
    }

    @Test
    void theConfigurationSaysWhatIsWrong() {
        Path s = dir.resolve("s.json");
        assertThatThrownBy(() -> FileTailer.Config.of(s, List.of())).hasMessageContaining("at least one file");
        assertThatThrownBy(() -> FileTailer.Config.of(s, List.of(log(), log()))).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> FileTailer.Config.of(s, List.of(log())).withPollInterval(Duration.ofMillis(1)))
                .hasMessage("pollInterval must be at least PT0.01S, got PT0.001S");
        assertThatThrownBy(() -> FileTailer.Config.of(s, List.of(log())).withMaxLineBytes(10))
                .hasMessage("maxLineBytes must be at least 256, got 10");
        assertThatThrownBy(() -> FileTailer.Config.of(s, List.of(log())).withMaxBatchLines(0)).hasMessageContaining("maxBatchLines");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
