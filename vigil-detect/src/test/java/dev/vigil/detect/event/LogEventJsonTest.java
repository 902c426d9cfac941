package dev.vigil.detect.event;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class LogEventJsonTest {

    @Test
    void isoInstantWritesWhatInstantWrites() {
        List<Long> edges = List.of(0L, 1L, 999L, 1000L, 86_399_999L, 86_400_000L, 951_782_400_000L /* 2000-02-29 */,
                951_868_799_999L, 4_107_542_400_000L /* 2100-03-01 */, 1_795_379_289_177L, 1_795_379_289_000L,
                1_795_379_289_100L, 1_795_379_289_010L, 253_402_300_799_999L /* 9999-12-31T23:59:59.999 */,
                253_402_300_800_000L, -1L, -62_135_596_800_000L, Long.MAX_VALUE / 1000, Long.MIN_VALUE / 1000);
        for (long m : edges) assertThat(LogEventJson.isoInstant(m)).as("%d", m).isEqualTo(Instant.ofEpochMilli(m).toString());
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            long m = rnd.nextLong(0, 253_402_300_800_000L);
            if (i % 3 == 0) m -= m % 1000; // whole seconds: no fraction
            assertThat(LogEventJson.isoInstant(m)).as("%d", m).isEqualTo(Instant.ofEpochMilli(m).toString());
        }
    }

    @Test
    void theStoredFormRoundTrips() {
        LogEvent e = new LogEvent("e1", 1_795_379_289_177L, "web-1", "sshd", "sshd", "warn", "m", List.of("env:prod"),
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("a", 1));
        assertThat(LogEventJson.toTree(e).path("time").asText()).isEqualTo("2026-11-22T20:28:09.177Z");
        assertThat(LogEventJson.fromJson(LogEventJson.toJson(e))).isEqualTo(e);
    }
}
