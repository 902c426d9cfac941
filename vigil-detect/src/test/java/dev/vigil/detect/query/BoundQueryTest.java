package dev.vigil.detect.query;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.vigil.detect.query.Events.AGENT_EXEC;
import static dev.vigil.detect.query.Events.BARE;
import static dev.vigil.detect.query.Events.SSH_FAILURE;
import static dev.vigil.detect.query.Events.SSH_SUCCESS_UNICODE;
import static org.assertj.core.api.Assertions.assertThat;

/** Queries bound to one {@link EventCache} answer as the queries do, sharing lookups and term results per event. */
class BoundQueryTest {

    static final List<String> QUERIES = List.of(
            "source:sshd @evt.outcome:failure -@usr.name:(root OR admin)",
            "source:sshd @evt.outcome:failure @usr.name:admin",
            "@evt.outcome:failure OR @evt.outcome:success",
            "-@evt.outcome:failure",
            "failed PASS* \"invalid user\" ÉCHEC",
            "failed @usr.name:adm*",
            "host:web-* env:(prod OR ci) tags:team:* kernel:>=6",
            "@process.ancestors.file.path:/usr/*/python? @process.argv:-s",
            "@process.ancestors.file.path:/bin/sh",
            "@network.bytes_read:[1000 TO 2000} @network.destination.port:22 @ssh.attempts:>2",
            "@network.destination.port:22",
            "@event.timestamp:>1795374822574277862 @evt.success:false",
            "CIDR(@network.client.ip, 10.0.0.0/8, fd00::/8) OR @network.peers:CIDR(192.168.0.0/16)",
            "@http.url:\"/api/v1 x\" _exists_:@process.ancestors _missing_:@container.id",
            "@container.id:* OR @container.image.name:acme*",
            "@no.such.attribute:x OR @usr.name.deeper:y OR message:*",
            "*");

    @Test
    void manyQueriesOnOneCacheAnswerAsTheirWalksEventAfterEvent() {
        EventCache cache = new EventCache();
        List<Query> queries = QUERIES.stream().map(Query::parse).toList();
        List<Query.Bound> bound = queries.stream().map(q -> q.bind(cache)).toList();
        List<LogEvent> stream = new ArrayList<>();
        for (int i = 0; i < 3; i++) stream.addAll(List.of(SSH_FAILURE, AGENT_EXEC, SSH_SUCCESS_UNICODE, SSH_FAILURE, BARE, BARE));
        for (LogEvent e : stream) {
            cache.reset(e);
            // forwards then backwards: whichever query evaluates a shared term first, the others read the same result
            for (int i = 0; i < queries.size(); i++) {
                assertThat(bound.get(i).matches(cache)).as("%s on %s", queries.get(i), e.id()).isEqualTo(queries.get(i).matches(e));
            }
            for (int i = queries.size() - 1; i >= 0; i--) {
                assertThat(bound.get(i).matches(cache)).as("%s on %s", queries.get(i), e.id()).isEqualTo(queries.get(i).matches(e));
            }
        }
    }

    @Test
    void equalTermsAndPathsShareSlots() {
        EventCache cache = new EventCache();
        Query.parse("source:sshd @evt.outcome:failure @usr.name:admin*").bind(cache);
        Query.parse("source:sshd @evt.outcome:failure -@usr.name:admin*").bind(cache);
        Query.parse("@evt.outcome:(failure OR success)").bind(cache);
        assertThat(cache.slots()).as("evt.outcome, usr.name").isEqualTo(2);
        assertThat(cache.termSlots()).as("source:sshd, failure, admin*, (failure OR success)").isEqualTo(4);
    }

    @Test
    void boundQueriesKeepTheirTextAndCanonicalForm() {
        EventCache cache = new EventCache();
        Query q = Query.parse("source:sshd  -@usr.name:(root OR admin)");
        assertThat(q.bind(cache).query()).isSameAs(q);
        assertThat(q.bind(cache).toString()).isEqualTo(q.toString());
    }
}
