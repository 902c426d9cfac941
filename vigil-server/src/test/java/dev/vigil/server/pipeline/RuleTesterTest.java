package dev.vigil.server.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.detect.normalize.Normalizer;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.RuleLoader;
import dev.vigil.detect.suppression.Suppression;
import dev.vigil.journal.Durability;
import dev.vigil.journal.Journal;
import dev.vigil.journal.JournalConfig;
import dev.vigil.server.intake.EventLogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule test's reading of the event log: batches as detection takes them, the time range, old segments, the bounds. */
class RuleTesterTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final DetectionRule RULE = RuleLoader.parse("""
            id: t
            name: Miner on {{host}}
            method: match
            queries:
              - query: 'source:loadtest @process.comm:xmrig'
                groupByFields: [host]
            cases:
              - status: high
            """, "test");

    @TempDir Path dir;

    static byte[] event(String host, Instant t) throws Exception {
        var line = JSON.readTree("{\"timestamp\":\"" + t + "\",\"source\":\"loadtest\",\"host\":\"" + host + "\",\"process\":{\"comm\":\"xmrig\"}}");
        return EventLogRecord.event(LogEventJson.toBytes(new Normalizer().jsonLine(line, Normalizer.Defaults.at(t.toEpochMilli()))));
    }

    static void batch(Journal log, String id, byte[]... events) throws Exception {
        List<byte[]> recs = new ArrayList<>(List.of(events));
        recs.add(EventLogRecord.batchCommit(id, events.length));
        log.append(recs);
    }

    RuleTester tester(Journal log, List<Suppression> sups) {
        return new RuleTester(log, () -> sups, Clock.systemUTC());
    }

    @Test
    void takesCommittedBatchesInTheRangeAndAppliesSuppressions() throws Exception {
        Instant now = Instant.now();
        try (Journal log = Journal.open(dir, JournalConfig.defaults().withDurability(Durability.NONE))) {
            batch(log, "b1", event("web-1", now.minusSeconds(60)), event("web-1", now.minusSeconds(50)), event("db-1", now.minusSeconds(40)));
            log.append(List.of(event("torn", now.minusSeconds(30)))); // a batch whose marker was never written
            batch(log, "b2", event("web-2", now.minusSeconds(20)));
            batch(log, "b3", event("web-3", now.minus(Duration.ofHours(5))));
            log.append(List.of(event("pending", now.minusSeconds(10)))); // not committed yet
            var sup = new Suppression("sup-1", "db", "", null, "host:db-1", null, true, "test", 0, 0);
            RuleTester.Result r = tester(log, List.of(sup)).run(RULE, now.minus(Duration.ofHours(1)).toEpochMilli(), now.toEpochMilli(),
                    RuleTester.Limits.DEFAULT);
            assertThat(r.scannedEvents()).isEqualTo(5);
            assertThat(r.testedEvents()).isEqualTo(4);
            assertThat(r.detections()).isEqualTo(4);
            assertThat(r.suppressed()).isEqualTo(1);
            assertThat(r.bound()).isNull();
            assertThat(r.signals()).extracting(RuleTester.TestSignal::title).containsExactly("Miner on web-1", "Miner on web-2");
            assertThat(r.signals().getFirst().count()).isEqualTo(2);
            // the rule as given, even when disabled
            assertThat(tester(log, List.of()).run(RULE.withEnabled(false), 0, now.toEpochMilli(), RuleTester.Limits.DEFAULT).signalsTotal())
                    .isEqualTo(4);
        }
    }

    @Test
    void skipsSegmentsLastWrittenBeforeTheRangeAndStopsAtItsBounds() throws Exception {
        Instant now = Instant.now();
        try (Journal log = Journal.open(dir, JournalConfig.defaults().withSegmentBytes(JournalConfig.MIN_SEGMENT_BYTES).withDurability(Durability.NONE))) {
            for (int i = 0; i < 6; i++) {
                byte[][] evs = new byte[20][];
                for (int j = 0; j < evs.length; j++) evs[j] = event("h" + i, now.minusSeconds(100 - i));
                batch(log, "b" + i, evs);
            }
            List<Path> segments;
            try (Stream<Path> s = Files.list(dir)) {
                segments = s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
            }
            assertThat(segments.size()).isGreaterThan(3);
            for (Path p : segments.subList(0, 2)) Files.setLastModifiedTime(p, FileTime.from(now.minus(Duration.ofDays(2))));
            long from = now.minus(Duration.ofHours(1)).toEpochMilli();
            RuleTester.Result r = tester(log, List.of()).run(RULE, from, now.toEpochMilli(), RuleTester.Limits.DEFAULT);
            assertThat(r.scannedEvents()).isLessThan(120).isPositive();
            assertThat(r.earliestEvent()).isNull();

            RuleTester.Result bounded = tester(log, List.of()).run(RULE, 0, now.toEpochMilli(), new RuleTester.Limits(25, Duration.ofSeconds(10), 10));
            assertThat(bounded.bound()).isEqualTo(RuleTester.Bound.MAX_EVENTS);
            assertThat(bounded.scannedEvents()).isEqualTo(25);
            RuleTester.Result timed = tester(log, List.of()).run(RULE, 0, now.toEpochMilli(), new RuleTester.Limits(1000, Duration.ofNanos(1), 10));
            assertThat(timed.bound()).isEqualTo(RuleTester.Bound.MAX_TIME);
            assertThat(timed.scannedEvents()).isLessThan(120);
            // the range starts before the log's oldest event
            RuleTester.Result all = tester(log, List.of()).run(RULE, 0, now.toEpochMilli(), RuleTester.Limits.DEFAULT);
            assertThat(all.scannedEvents()).isEqualTo(120);
            assertThat(all.earliestEvent()).isEqualTo(now.minusSeconds(100).toEpochMilli());
        }
    }
}
