package dev.vigil.server.events;

import dev.vigil.detect.normalize.Normalizer;
import dev.vigil.detect.query.Query;
import dev.vigil.journal.Journal;
import dev.vigil.journal.JournalConfig;
import dev.vigil.server.intake.BatchReader;
import dev.vigil.server.intake.EventLogRecord;
import dev.vigil.server.intake.Intake;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The indexer on a real event log, fed by the real intake: it takes what intake accepted, once,
 * goes on from its committed position after a restart, leaves out a batch torn by a crash (no
 * commit marker), and keeps to the retention.
 */
class EventIndexerTest {

    static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir Path dir;

    static List<BatchReader.Line> lines(String source, int n, Instant t) {
        List<BatchReader.Line> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String l = "{\"timestamp\":\"" + t.plusMillis(i) + "\",\"source\":\"" + source + "\",\"host\":\"h" + (i % 3) + "\",\"message\":\"m " + i + "\"}";
            out.add(new BatchReader.Line(i + 1, l.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    static long count(EventIndex index, String q) throws Exception {
        index.refresh();
        return new EventSearch(index, () -> 0).search(Query.parse(q), NOW.toEpochMilli() - 30 * 86_400_000L,
                NOW.toEpochMilli() + 60_000, 0, 86_400_000L).total();
    }

    EventIndexer indexer(Journal log, EventIndex index) {
        return new EventIndexer(log, index, Duration.ofDays(7), CLOCK, Duration.ofMillis(20), Duration.ofMillis(200));
    }

    @Test
    void indexesWhatIntakeAcceptedOnceAcrossRestartsAndKeepsToTheRetention() throws Exception {
        Path logDir = dir.resolve("events"), indexDir = dir.resolve("index");
        Normalizer.Defaults d = Normalizer.Defaults.at(NOW.toEpochMilli());
        try (Journal log = Journal.open(logDir, JournalConfig.defaults())) {
            Intake intake = new Intake(log, new Normalizer());
            intake.accept(Intake.Kind.JSON, "b1", lines("a", 100, NOW.minusSeconds(600)), d);
            intake.accept(Intake.Kind.JSON, "b2", lines("old", 10, NOW.minus(Duration.ofDays(8))), d); // past the retention
            // a torn append: events written without their batch's marker were never acknowledged
            log.append(List.of(EventLogRecord.event("{\"time\":\"2026-11-22T11:00:00Z\",\"source\":\"torn\",\"attributes\":{}}".getBytes(StandardCharsets.UTF_8))));
            intake.accept(Intake.Kind.JSON, "b3", lines("b", 50, NOW.minusSeconds(300)), d);
            EventIndex index = EventIndex.open(indexDir);
            EventIndexer indexer = indexer(log, index);
            indexer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> indexer.lagBytes() == 0 && count(index, "*") == 150);
            assertThat(count(index, "source:a")).isEqualTo(100);
            assertThat(count(index, "source:b")).isEqualTo(50);
            assertThat(count(index, "source:old")).isZero();
            assertThat(count(index, "source:torn")).isZero();
            assertThat(indexer.tooOld.sum()).isEqualTo(10);
            assertThat(indexer.discardedUncommitted.sum()).isEqualTo(1);
            indexer.close();
            index.close();

            // more arrives while it is down; after the restart it takes only that
            intake.accept(Intake.Kind.JSON, "b4", lines("c", 30, NOW.minusSeconds(60)), d);
            EventIndex again = EventIndex.open(indexDir);
            EventIndexer second = indexer(log, again);
            second.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> second.lagBytes() == 0 && count(again, "*") == 180);
            assertThat(second.indexedEvents.sum()).isEqualTo(30);
            assertThat(count(again, "source:a")).isEqualTo(100);
            assertThat(count(again, "source:c")).isEqualTo(30);
            second.close();
            again.close();
        }
        // an index kept while its event log was replaced by an empty one starts over
        java.nio.file.Files.walk(logDir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        try (Journal log = Journal.open(logDir, JournalConfig.defaults())) {
            EventIndex index = EventIndex.open(indexDir);
            EventIndexer indexer = indexer(log, index);
            indexer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> count(index, "*") == 0);
            new Intake(log, new Normalizer()).accept(Intake.Kind.JSON, "b5", lines("d", 5, NOW.minusSeconds(10)), d);
            await().atMost(Duration.ofSeconds(10)).until(() -> count(index, "*") == 5);
            indexer.close();
            index.close();
        }
    }
}
