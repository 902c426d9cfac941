package dev.vigil.bench;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.ProcessInfo;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The recorded mix loads as described in traces/README.md. */
class TraceTest {

    private final List<Event> trace = Trace.load(Trace.HOST_MIX);

    @Test
    void holdsTheRecordedMixWithOpensDominating() {
        assertThat(trace).hasSize(8719);
        assertThat(Trace.typeCounts(trace).keySet().iterator().next()).isEqualTo(EventType.OPEN);
        assertThat(Trace.typeCounts(trace).get(EventType.OPEN)).isEqualTo(7505);
        assertThat(Trace.typeCounts(trace)).containsKeys(EventType.EXEC, EventType.FORK, EventType.EXIT, EventType.CONNECT);
    }

    @Test
    void sharesEqualProcessesAsTheProcessCacheDoes() {
        Set<ProcessInfo> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Event e : trace) {
            for (ProcessInfo p = e.process(); p != null; p = p.parent()) distinct.add(p);
        }

        assertThat(distinct.size()).isLessThan(trace.size() / 4);
    }

    @Test
    void carriesNoTraceOfTheSandboxThatRecordedIt() {
        for (Event e : trace) {
            for (ProcessInfo p = e.process(); p != null; p = p.parent()) {
                assertThat(p.comm()).doesNotStartWith("memfd:").isNotEqualTo("process_api");
                assertThat(String.join(" ", p.argv())).doesNotContain("--env");
            }
        }
    }
}
