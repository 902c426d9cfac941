package dev.vigil.detect.query;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Evaluation allocates nothing in the common cases. Measured with the JVM's per-thread
 * allocation counter over many evaluations: an allocation per evaluation would show up as
 * megabytes, while the budget only absorbs the counter's own noise.
 */
class QueryAllocationTest {

    private static final int RUNS = 200_000;
    private static final long NOISE_BYTES = 64 * 1024;

    @Test
    void evaluationAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM does not count allocations per thread");
        threads.setThreadAllocatedMemoryEnabled(true);

        List<Query> queries = List.of(
                Query.parse("source:sshd @evt.outcome:failure -@usr.name:(root OR admin)"),
                Query.parse("failed PASS* \"invalid user\" ÉCHEC"),
                Query.parse("host:web-* env:(prod OR ci) tags:team:* kernel:>=6"),
                Query.parse("@process.ancestors.file.path:/usr/*/python? @process.argv:-s"),
                Query.parse("@network.bytes_read:[1000 TO 2000} @network.destination.port:22 @ssh.attempts:>2"),
                Query.parse("@event.timestamp:>1795374822574277862 @evt.success:false"),
                Query.parse("CIDR(@network.client.ip, 10.0.0.0/8, fd00::/8) OR @network.peers:CIDR(192.168.0.0/16)"),
                Query.parse("@http.url:\"/api/v1 x\" _exists_:@process.ancestors _missing_:@container.id"),
                Query.parse("@no.such.attribute:x OR @usr.name.deeper:y OR message:*"));
        List<LogEvent> events = List.of(Events.SSH_FAILURE, Events.SSH_SUCCESS_UNICODE, Events.AGENT_EXEC, Events.BARE);

        int sink = evaluate(queries, events, RUNS); // warm up: let the JIT settle
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += evaluate(queries, events, RUNS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(sink).isPositive();
        assertThat(allocated)
                .as("bytes allocated by %d evaluations", (long) RUNS * queries.size() * events.size())
                .isLessThan(NOISE_BYTES);
    }

    @Test
    void boundEvaluationAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM does not count allocations per thread");
        threads.setThreadAllocatedMemoryEnabled(true);

        EventCache cache = new EventCache();
        List<Query.Bound> queries = BoundQueryTest.QUERIES.stream().map(q -> Query.parse(q).bind(cache)).toList();
        List<LogEvent> events = List.of(Events.SSH_FAILURE, Events.SSH_SUCCESS_UNICODE, Events.AGENT_EXEC, Events.BARE);

        int sink = evaluate(cache, queries, events, RUNS / 10); // warm up, and every buffer at its widest
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += evaluate(cache, queries, events, RUNS / 10);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(sink).isPositive();
        assertThat(allocated).as("bytes allocated by %d events through %d bound queries", (long) RUNS / 10 * events.size(), queries.size())
                .isLessThan(NOISE_BYTES);
    }

    private static int evaluate(EventCache cache, List<Query.Bound> queries, List<LogEvent> events, int runs) {
        int matched = 0;
        for (int i = 0; i < runs; i++) {
            cache.reset(events.get(i % events.size()));
            for (int q = 0; q < queries.size(); q++) if (queries.get(q).matches(cache)) matched++;
        }
        return matched;
    }

    private static int evaluate(List<Query> queries, List<LogEvent> events, int runs) {
        int matched = 0;
        for (int i = 0; i < runs; i++) {
            Query q = queries.get(i % queries.size());
            for (int e = 0; e < events.size(); e++) if (q.matches(events.get(e))) matched++;
        }
        return matched;
    }
}
