package dev.vigil.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The journal's contract: appends, reads across rolls, recovery, bounds, retention, consumer offsets. */
class JournalTest {

    @TempDir
    Path dir;

    /** Tiny segments so a few records roll them; no fsync (these tests are about logic, not durability). */
    static JournalConfig small() {
        return JournalConfig.defaults().withSegmentBytes(256).withDurability(Durability.NONE);
    }

    static byte[] rec(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<byte[]> recs(String prefix, int from, int to) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i < to; i++) out.add(rec(prefix + i));
        return out;
    }

    static List<String> readAll(Journal j, long from) throws Exception {
        List<String> out = new ArrayList<>();
        try (JournalReader r = j.reader(from)) {
            while (true) {
                JournalReader.Poll p = r.poll(7, 1 << 20, Duration.ZERO);
                if (p.isEmpty()) return out;
                for (JournalRecord x : p.records()) out.add(new String(x.payload(), StandardCharsets.UTF_8));
            }
        }
    }

    static List<String> strings(String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) out.add(prefix + i);
        return out;
    }

    @Test
    void recordsAppendedInBatchesAreReadBackInOrderAcrossSegmentRolls() throws Exception {
        try (Journal j = Journal.open(dir, small())) {
            long expectedFirst = 0;
            for (int b = 0; b < 20; b++) {
                List<byte[]> batch = recs("record-", b * 5, b * 5 + 5);
                AppendResult r = j.append(batch);
                assertThat(r.firstOffset()).isEqualTo(expectedFirst);
                assertThat(r.records()).isEqualTo(5);
                expectedFirst = r.endOffset();
            }
            assertThat(j.stats().segments()).isGreaterThan(5);
            assertThat(j.stats().recordsAppended()).isEqualTo(100);
            assertThat(j.endOffset()).isEqualTo(expectedFirst);
            assertThat(readAll(j, 0)).isEqualTo(strings("record-", 0, 100));

            // offsets are contiguous: each record starts where the previous one ended, across segment files
            try (JournalReader r = j.reader(0)) {
                List<JournalRecord> all = r.poll(1000, 1 << 20, Duration.ZERO).records();
                assertThat(all).hasSize(100);
                for (int i = 1; i < all.size(); i++) assertThat(all.get(i).offset()).isEqualTo(all.get(i - 1).nextOffset());
                // reading from the middle (a record boundary) starts there
                assertThat(readAll(j, all.get(42).offset())).isEqualTo(strings("record-", 42, 100));
            }
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".seg")))
                    .allMatch(n -> n.matches("\\d{20}\\.seg"))
                    .contains("00000000000000000000.seg");
        }
    }

    @Test
    void pollHonoursMaxRecordsAndMaxBytesButAlwaysReturnsOneRecord() throws Exception {
        try (Journal j = Journal.open(dir, small().withSegmentBytes(1 << 20))) {
            j.append(List.of(new byte[100], new byte[100], new byte[100], new byte[500]));
            try (JournalReader r = j.reader(0)) {
                assertThat(r.poll(2, 1 << 20, Duration.ZERO).records()).hasSize(2);
                assertThat(r.poll(10, 150, Duration.ZERO).records()).hasSize(1);
                JournalReader.Poll big = r.poll(10, 10, Duration.ZERO);
                assertThat(big.records()).hasSize(1).first().satisfies(x -> assertThat(x.payload()).hasSize(500));
                assertThat(big.nextOffset()).isEqualTo(j.endOffset());
            }
        }
    }

    @Test
    void recordsSurviveCloseAndReopenAndNewAppendsContinueTheOffsets() throws Exception {
        long end;
        try (Journal j = Journal.open(dir, small())) {
            j.append(recs("a", 0, 30));
            end = j.endOffset();
        }
        try (Journal j = Journal.open(dir, small())) {
            assertThat(j.endOffset()).isEqualTo(end);
            assertThat(j.stats().truncatedBytes()).isZero();
            AppendResult r = j.append(recs("b", 0, 3));
            assertThat(r.firstOffset()).isEqualTo(end);
            List<String> expected = strings("a", 0, 30);
            expected.addAll(strings("b", 0, 3));
            assertThat(readAll(j, 0)).isEqualTo(expected);
        }
    }

    /**
     * A crash in the middle of a batch leaves a torn record at the end of the last segment (and, on
     * some file systems, garbage or zeros after it). Opening keeps every intact record, cuts the rest
     * off and counts it; appends go on from the cut.
     */
    @Test
    void aTornTailWithGarbageIsTruncatedOnOpenAndCounted() throws Exception {
        Path last;
        long intactEnd;
        try (Journal j = Journal.open(dir, small().withSegmentBytes(4096))) {
            j.append(recs("ok-", 0, 10));
            intactEnd = j.endOffset();
            j.append(List.of(rec("this record will be torn in half")));
            last = j.segmentFiles().getLast();
        }
        long size = Files.size(last);
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.setLength(size - 10);                     // mid-record
            f.seek(size - 10);
            f.write(rec("garbage garbage garbage")); // then junk
            f.write(new byte[64]);                      // then zeros
        }
        long damaged = Files.size(last);
        try (Journal j = Journal.open(dir, small().withSegmentBytes(4096))) {
            assertThat(j.stats().truncatedBytes()).isEqualTo(damaged - intactEnd);
            assertThat(Files.size(last)).isEqualTo(intactEnd);
            assertThat(j.endOffset()).isEqualTo(intactEnd);
            assertThat(readAll(j, 0)).isEqualTo(strings("ok-", 0, 10));
            j.append(List.of(rec("after")));
            assertThat(readAll(j, 0)).endsWith("ok-9", "after");
        }
    }

    @Test
    void aZeroFilledTailIsNotMistakenForEmptyRecords() throws Exception {
        Path last;
        try (Journal j = Journal.open(dir, small().withSegmentBytes(4096))) {
            j.append(List.of(rec("one"), new byte[0], rec("three")));
            last = j.segmentFiles().getLast();
        }
        long size = Files.size(last);
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.setLength(size + 4096);
        }
        try (Journal j = Journal.open(dir, small().withSegmentBytes(4096))) {
            assertThat(j.stats().truncatedBytes()).isEqualTo(4096);
            assertThat(readAll(j, 0)).containsExactly("one", "", "three");
        }
    }

    @Test
    void corruptionInAnOlderSegmentIsReportedToTheReaderNotSkipped() throws Exception {
        try (Journal j = Journal.open(dir, small())) {
            for (int i = 0; i < 10; i++) j.append(recs("r" + i + "-", 0, 5));
            Path older = j.segmentFiles().get(1);
            long base = Segment.parseBase(older.getFileName().toString());
            try (RandomAccessFile f = new RandomAccessFile(older.toFile(), "rw")) {
                f.seek(Journal.HEADER_BYTES + 2); // inside the first record's payload
                f.write('X');
            }
            try (JournalReader r = j.reader(0)) {
                List<String> before = new ArrayList<>();
                CorruptJournalException failure = null;
                while (failure == null) {
                    try {
                        JournalReader.Poll p = r.poll(100, 1 << 20, Duration.ZERO);
                        assertThat(p.isEmpty()).as("the reader must not run past the corrupt record").isFalse();
                        p.records().forEach(x -> before.add(new String(x.payload(), StandardCharsets.UTF_8)));
                    } catch (CorruptJournalException e) {
                        failure = e;
                    }
                }
                assertThat(failure.offset()).isEqualTo(base);
                assertThat(failure.segment()).isEqualTo(older);
                assertThat(failure.getMessage()).contains("CRC32C mismatch").contains(older.toString());
                assertThat(failure.resumeOffset()).isEqualTo(Segment.parseBase(j.segmentFiles().get(2).getFileName().toString()));
                // it stays reported until the caller decides to move on
                assertThatThrownBy(() -> r.poll(100, 1 << 20, Duration.ZERO)).isInstanceOf(CorruptJournalException.class);
                r.seek(failure.resumeOffset());
                assertThat(r.poll(1000, 1 << 20, Duration.ZERO).records()).isNotEmpty();
                assertThat(before).isNotEmpty();
            }
            assertThat(j.stats().corruptRecords()).isEqualTo(1);
        }
    }

    @Test
    void aWaitingReaderWakesUpOnAppendRatherThanAtItsTimeout() throws Exception {
        try (Journal j = Journal.open(dir, small())) {
            try (JournalReader r = j.reader(0)) {
                CompletableFuture<JournalReader.Poll> polled = CompletableFuture.supplyAsync(() -> {
                    try {
                        return r.poll(10, 1 << 20, Duration.ofSeconds(30));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(100);
                assertThat(polled).isNotDone();
                long t0 = System.nanoTime();
                j.append(List.of(rec("wake up")));
                JournalReader.Poll p = polled.get(5, TimeUnit.SECONDS);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2000);
                assertThat(p.records()).extracting(x -> new String(x.payload(), StandardCharsets.UTF_8)).containsExactly("wake up");
            }
        }
    }

    @Test
    void aPollWithNothingToReadReturnsEmptyAfterItsTimeout() throws Exception {
        try (Journal j = Journal.open(dir, small()); JournalReader r = j.reader(0)) {
            long t0 = System.nanoTime();
            JournalReader.Poll p = r.poll(10, 100, Duration.ofMillis(50));
            assertThat(p.isEmpty()).isTrue();
            assertThat(p.nextOffset()).isZero();
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    @Test
    void closingTheJournalWakesAWaitingReader() throws Exception {
        Journal j = Journal.open(dir, small());
        JournalReader r = j.reader(0);
        CompletableFuture<Object> polled = CompletableFuture.supplyAsync(() -> {
            try {
                return r.poll(10, 100, Duration.ofSeconds(30));
            } catch (Exception e) {
                return e;
            }
        });
        Thread.sleep(50);
        j.close();
        assertThat(polled.get(5, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void dropOldestDeletesWholeOldestSegmentsToMakeRoomAndCountsWhatItDropped() throws Exception {
        JournalConfig config = small().withMaxBytes(1024, FullPolicy.DROP_OLDEST);
        try (Journal j = Journal.open(dir, config)) {
            for (int i = 0; i < 200; i++) j.append(List.of(rec(String.format("rec-%03d", i)))); // 15 bytes each on disk
            JournalStats s = j.stats();
            assertThat(s.bytes()).isLessThanOrEqualTo(1024);
            assertThat(s.recordsDropped()).isPositive();
            assertThat(s.bytesDropped()).isEqualTo(200 * 15L - s.bytes());
            List<String> left = readAll(j, j.startOffset());
            assertThat(left).hasSize((int) (200 - s.recordsDropped()));
            assertThat(left.getLast()).isEqualTo("rec-199");
            assertThat(s.fullRejections()).isZero();
        }
    }

    @Test
    void dropOldestCountsTheRecordsOfSegmentsWrittenByAnEarlierRun() throws Exception {
        JournalConfig config = small().withMaxBytes(1024, FullPolicy.DROP_OLDEST);
        try (Journal j = Journal.open(dir, config)) {
            for (int i = 0; i < 60; i++) j.append(List.of(rec(String.format("old-%03d", i)))); // 15 bytes each, 900 bytes
            assertThat(j.stats().recordsDropped()).isZero();
        }
        try (Journal j = Journal.open(dir, config)) {
            for (int i = 0; i < 20; i++) j.append(List.of(rec(String.format("new-%03d", i))));
            JournalStats s = j.stats();
            assertThat(s.recordsDropped()).isPositive();
            assertThat(s.bytesDropped()).isEqualTo(s.recordsDropped() * 15);
            List<String> left = readAll(j, j.startOffset());
            assertThat(left).hasSize((int) (80 - s.recordsDropped())).endsWith("new-019");
            assertThat(left.getFirst()).isEqualTo(String.format("old-%03d", s.recordsDropped()));
        }
    }

    @Test
    void dropOldestDropsTheSegmentJustRolledWhenTheNewBatchNeedsItsRoom() throws Exception {
        try (Journal j = Journal.open(dir, small().withSegmentBytes(1000).withMaxBytes(1000, FullPolicy.DROP_OLDEST))) {
            j.append(List.of(new byte[600]));
            j.append(List.of(new byte[600]));
            assertThat(j.stats().recordsDropped()).isEqualTo(1);
            assertThat(j.stats().bytes()).isEqualTo(608);
            assertThat(readAll(j, j.startOffset())).hasSize(1);
        }
    }

    @Test
    void rejectRefusesTheBatchWithAClearErrorAndKeepsEverything() throws Exception {
        try (Journal j = Journal.open(dir, small().withMaxBytes(1024, FullPolicy.REJECT))) {
            int accepted = 0;
            JournalFullException full = null;
            while (full == null) {
                try {
                    j.append(List.of(rec(String.format("rec-%03d", accepted))));
                    accepted++;
                } catch (JournalFullException e) {
                    full = e;
                }
            }
            assertThat(full.getMessage()).contains("is full").contains("maxBytes 1024").contains("REJECT");
            assertThat(full.maxBytes()).isEqualTo(1024);
            assertThat(j.stats().fullRejections()).isEqualTo(1);
            assertThat(j.stats().recordsDropped()).isZero();
            assertThat(readAll(j, 0)).hasSize(accepted).first().isEqualTo("rec-000");
            // consuming and deleting makes room again
            j.deleteBefore(j.endOffset());
            j.append(List.of(rec("again")));
        }
    }

    @Test
    void aBatchBiggerThanTheBoundIsRefusedWhateverThePolicy() throws Exception {
        try (Journal j = Journal.open(dir, small().withMaxBytes(512, FullPolicy.DROP_OLDEST))) {
            j.append(List.of(rec("kept")));
            assertThatThrownBy(() -> j.append(List.of(new byte[600])))
                    .isInstanceOf(JournalFullException.class).hasMessageContaining("bigger than the journal's bound");
            assertThat(readAll(j, 0)).containsExactly("kept");
        }
    }

    @Test
    void deleteBeforeDeletesOnlyWholeSegmentsBelowTheOffsetAndNeverTheActiveOne() throws Exception {
        try (Journal j = Journal.open(dir, small())) {
            j.append(recs("r", 0, 100));
            assertThat(j.stats().segments()).isEqualTo(1); // one batch, one segment
            for (int i = 0; i < 20; i++) j.append(recs("s" + i + "-", 0, 10));
            List<Path> files = j.segmentFiles();
            long thirdBase = Segment.parseBase(files.get(2).getFileName().toString());
            assertThat(j.deleteBefore(thirdBase + 1)).isEqualTo(2); // the third segment holds thirdBase, kept
            assertThat(j.startOffset()).isEqualTo(thirdBase);
            assertThat(files.get(0)).doesNotExist();
            assertThat(files.get(2)).exists();
            int before = j.stats().segments();
            j.deleteBefore(j.endOffset());
            assertThat(j.stats().segments()).isEqualTo(1);
            assertThat(before).isGreaterThan(1);
            assertThat(j.stats().recordsDropped()).as("deleting consumed data is not dropping").isZero();
        }
    }

    @Test
    void aReaderOnADeletedRangeLearnsTheGapAndContinuesAtTheFirstRetainedRecord() throws Exception {
        try (Journal j = Journal.open(dir, small())) {
            for (int i = 0; i < 10; i++) j.append(recs("b" + i + "-", 0, 20)); // one segment per batch
            try (JournalReader r = j.reader(0)) {
                long start = Segment.parseBase(j.segmentFiles().get(3).getFileName().toString());
                j.deleteBefore(start);
                JournalReader.Poll p = r.poll(1, 1 << 20, Duration.ZERO);
                assertThat(p.skippedBytes()).isEqualTo(start);
                assertThat(p.records().getFirst().offset()).isEqualTo(start);
                assertThat(r.poll(1000, 1 << 20, Duration.ZERO).skippedBytes()).isZero();
            }
        }
    }

    @Test
    void deleteOlderThanDeletesOldestSegmentsByModificationTime() throws Exception {
        try (Journal j = Journal.open(dir, small())) {
            for (int i = 0; i < 6; i++) j.append(recs("b" + i + "-", 0, 20)); // one segment per batch
            List<Path> files = j.segmentFiles();
            assertThat(files).hasSize(6);
            Instant old = Instant.now().minus(Duration.ofDays(10));
            Files.setLastModifiedTime(files.get(0), FileTime.from(old));
            Files.setLastModifiedTime(files.get(1), FileTime.from(old));
            Files.setLastModifiedTime(files.get(3), FileTime.from(old)); // old but behind a newer one: kept
            Files.setLastModifiedTime(files.get(5), FileTime.from(old)); // active: kept
            assertThat(j.deleteOlderThan(Instant.now().minus(Duration.ofDays(1)))).isEqualTo(2);
            assertThat(j.segmentFiles()).containsExactlyElementsOf(files.subList(2, 6));
        }
    }

    @Test
    void offsetWrittenSinceSkipsSegmentsLastModifiedBefore() throws Exception {
        try (Journal j = Journal.open(dir, small())) {
            for (int i = 0; i < 4; i++) j.append(recs("b" + i + "-", 0, 20)); // one segment per batch
            List<Path> files = j.segmentFiles();
            assertThat(files).hasSize(4);
            Instant old = Instant.now().minus(Duration.ofDays(10));
            Files.setLastModifiedTime(files.get(0), FileTime.from(old));
            Files.setLastModifiedTime(files.get(1), FileTime.from(old));
            long since = j.offsetWrittenSince(Instant.now().minus(Duration.ofDays(1)));
            assertThat(readAll(j, since)).isEqualTo(concat(strings("b2-", 0, 20), strings("b3-", 0, 20)));
            for (Path f : files) Files.setLastModifiedTime(f, FileTime.from(old));
            assertThat(j.offsetWrittenSince(Instant.now().minus(Duration.ofDays(1)))).isEqualTo(j.endOffset());
            assertThat(j.offsetWrittenSince(Instant.now().minus(Duration.ofDays(30)))).isEqualTo(j.startOffset());
        }
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void retentionKeepsWhatAConsumerHasNotRead() throws Exception {
        try (Journal j = Journal.open(dir, small())) {
            long firstEnd = 0;
            for (int i = 0; i < 4; i++) {
                AppendResult r = j.append(recs("b" + i + "-", 0, 20)); // one segment per batch
                if (i == 0) firstEnd = r.endOffset();
            }
            List<Path> files = j.segmentFiles();
            Instant old = Instant.now().minus(Duration.ofDays(10));
            for (int i = 0; i < 3; i++) Files.setLastModifiedTime(files.get(i), FileTime.from(old));
            // the consumer has read only the first segment: the other old ones stay
            assertThat(j.deleteOlderThan(Instant.now().minus(Duration.ofDays(1)), firstEnd)).isEqualTo(1);
            assertThat(j.segmentFiles()).containsExactlyElementsOf(files.subList(1, 4));
        }
    }

    @Test
    void consumerOffsetsArePersistedAndSurviveReopen() throws Exception {
        long mid;
        try (Journal j = Journal.open(dir, small().withDurability(Durability.FSYNC))) {
            j.append(recs("r", 0, 10));
            try (JournalReader r = j.reader(0)) {
                mid = r.poll(4, 1 << 20, Duration.ZERO).nextOffset();
            }
            assertThat(j.committed("shipper")).isEmpty();
            j.commit("shipper", mid);
            j.commit("detector.rules", j.endOffset());
            j.commit("shipper", mid); // replacing is idempotent
            assertThatThrownBy(() -> j.commit("../etc/passwd", 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("consumer name '../etc/passwd' is not allowed");
            assertThatThrownBy(() -> j.commit("x", j.endOffset() + 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("outside journal");
        }
        try (Journal j = Journal.open(dir, small())) {
            assertThat(j.committed("shipper")).hasValue(mid);
            assertThat(j.committed("detector.rules")).hasValue(j.endOffset());
            assertThat(readAll(j, j.committed("shipper").orElseThrow())).isEqualTo(strings("r", 4, 10));
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void aDirectoryCanBeOpenedByOneJournalAtATime() throws Exception {
        try (Journal _ = Journal.open(dir, small())) {
            assertThatThrownBy(() -> Journal.open(dir, small())).isInstanceOf(IOException.class).hasMessageContaining("already open");
        }
        Journal.open(dir, small()).close();
    }

    @Test
    void fsyncAppendsAreReadable() throws Exception {
        try (Journal j = Journal.open(dir, JournalConfig.defaults().withSegmentBytes(1024))) {
            for (int i = 0; i < 20; i++) j.append(recs("f" + i + "-", 0, 10));
            assertThat(readAll(j, 0)).hasSize(200);
        }
    }

    @Test
    void largeRecordsBiggerThanTheReadBufferRoundTrip() throws Exception {
        byte[] big = new byte[RecordReader.BUFFER_BYTES * 2 + 17];
        new java.util.Random(7).nextBytes(big);
        try (Journal j = Journal.open(dir, small())) {
            j.append(List.of(rec("small"), big, rec("after")));
            try (JournalReader r = j.reader(0)) {
                List<JournalRecord> all = r.poll(10, Long.MAX_VALUE, Duration.ZERO).records();
                assertThat(all).hasSize(3);
                assertThat(all.get(1).payload()).isEqualTo(big);
            }
        }
    }

    @Test
    void configErrorsNameTheSettingAndTheAllowedValues() {
        assertThatThrownBy(() -> JournalConfig.defaults().withSegmentBytes(10))
                .hasMessage("segmentBytes is 10: must be at least 64");
        assertThatThrownBy(() -> JournalConfig.defaults().withMaxBytes(1000, FullPolicy.REJECT))
                .hasMessageContaining("maxBytes is 1000: must be at least segmentBytes");
    }
}
