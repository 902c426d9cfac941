package dev.vigil.server.intake;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommittedBatchesTest {

    static byte[] ev(String s) { return EventLogRecord.event(s.getBytes(StandardCharsets.UTF_8)); }

    static String text(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    @Test
    void aMarkerYieldsExactlyItsCountedEventsAndLeavesTornOnesOut() {
        CommittedBatches c = new CommittedBatches();
        assertThat(c.accept(ev("torn"))).isNull(); // a crash cut this batch before its marker
        assertThat(c.accept(ev("a"))).isNull();
        assertThat(c.accept(ev("b"))).isNull();
        assertThat(c.hasPending()).isTrue();
        CommittedBatches.Batch b = c.accept(EventLogRecord.batchCommit("x", 2));
        assertThat(b.events()).map(CommittedBatchesTest::text).containsExactly("a", "b");
        assertThat(b.torn()).isEqualTo(1);
        assertThat(b.missing()).isZero();
        assertThat(c.hasPending()).isFalse();
        // the next batch starts empty
        c.accept(ev("c"));
        assertThat(c.accept(EventLogRecord.batchCommit("y", 1)).events()).map(CommittedBatchesTest::text).containsExactly("c");
    }

    @Test
    void aBatchWhoseStartWasLostSaysHowManyAreMissing() {
        CommittedBatches c = new CommittedBatches();
        c.accept(ev("tail"));
        CommittedBatches.Batch b = c.accept(EventLogRecord.batchCommit("x", 3));
        assertThat(b.events()).hasSize(1);
        assertThat(b.missing()).isEqualTo(2);
        assertThat(b.torn()).isZero();
    }

    @Test
    void clearForgetsAHalfReadBatchAndBadRecordsThrow() {
        CommittedBatches c = new CommittedBatches();
        c.accept(ev("a"));
        c.clear();
        assertThat(c.accept(EventLogRecord.batchCommit("x", 0)).events()).isEmpty();
        assertThatThrownBy(() -> c.accept(new byte[]{'Z'})).isInstanceOf(IllegalArgumentException.class);
    }
}
