package dev.vigil.server.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.detect.query.Query;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event index answers every query exactly as detection's matcher would: for each query, the
 * histogram counts and the newest events equal a brute-force {@link Query#matches} over the same
 * events. The corpus has what makes translation hard: arrays, literal dotted keys, numbers and
 * booleans, nulls, values too long to be terms, non-ASCII text, several segments and deletions.
 */
class EventSearchTest {

    static final long T0 = 1_795_000_000_000L;
    static final int N = 3_000;

    @TempDir static Path dir;
    static EventIndex index;
    static List<LogEvent> events = new ArrayList<>();
    static long deletedBefore;

    @BeforeAll
    static void build() throws Exception {
        index = EventIndex.open(dir.resolve("index"));
        Random rnd = new Random(42);
        for (int i = 0; i < N; i++) {
            LogEvent e = event(rnd, i);
            events.add(e);
            index.add(e, LogEventJson.toBytes(e));
            if (i % 700 == 699) { // several segments
                index.commit(i, 0);
                index.refresh();
            }
        }
        // retention removes the oldest: deletions inside segments
        deletedBefore = T0 + 50 * 1000L;
        index.deleteBefore(deletedBefore);
        index.commit(N, 0);
        index.refresh();
        events.removeIf(e -> e.time() < deletedBefore);
    }

    @AfterAll
    static void close() throws Exception {
        index.close();
    }

    static final String[] HOSTS = {"web-1", "web-2", "db-1", "bastion", "Web-1"};
    static final String[] SOURCES = {"sshd", "nginx", "vigil-agent", "payments"};
    static final String[] USERS = {"root", "admin", "alice", "bob", "rööt"};

    static LogEvent event(Random rnd, int i) {
        ObjectNode a = LogEventJson.mapper().createObjectNode();
        String source = SOURCES[rnd.nextInt(SOURCES.length)];
        String message;
        switch (source) {
            case "sshd" -> {
                String user = USERS[rnd.nextInt(USERS.length)];
                boolean ok = rnd.nextInt(4) == 0;
                message = (ok ? "Accepted password for " : rnd.nextBoolean() ? "Failed password for invalid user " : "Failed password for ")
                        + user + " from 10." + rnd.nextInt(3) + ".2.3 port " + (40000 + rnd.nextInt(100)) + " ssh2";
                if (rnd.nextInt(5) > 0) a.putObject("usr").put("name", user);
                else a.put("usr.name", user); // a shipper's flattened key
                a.putObject("network").putObject("client").put("ip", "10." + rnd.nextInt(3) + ".2.3");
                a.putObject("evt").put("outcome", ok ? "success" : "failure").put("success", ok);
            }
            case "nginx" -> {
                int status = new int[]{200, 404, 500, 503}[rnd.nextInt(4)];
                message = "GET /api/v1/items/" + rnd.nextInt(20) + " " + status;
                ObjectNode http = a.putObject("http");
                if (rnd.nextBoolean()) http.put("status_code", status);
                else http.put("status_code", Integer.toString(status)); // a string that spells a number
                http.put("url", "/api/v1/items/" + rnd.nextInt(20));
                a.putObject("network").putObject("client").put("ip", rnd.nextBoolean() ? "192.168.1." + rnd.nextInt(5) : "fd00::" + rnd.nextInt(5));
                a.put("bytes", rnd.nextInt(5000));
            }
            case "vigil-agent" -> {
                String bin = new String[]{"/usr/bin/curl", "/usr/bin/bash", "/tmp/x", "/usr/bin/python3"}[rnd.nextInt(4)];
                message = "exec " + bin + " -s http://example.test by bash (pid " + (1000 + i) + ")";
                ObjectNode p = a.putObject("process");
                p.putObject("file").put("path", bin);
                var argv = p.putArray("argv");
                argv.add(bin);
                if (rnd.nextBoolean()) argv.add("-s");
                p.put("pid", 1000 + i);
                var anc = p.putArray("ancestors");
                for (int k = 0; k < rnd.nextInt(3); k++) {
                    anc.addObject().putObject("file").put("path", k == 0 ? "/usr/bin/bash" : "/usr/sbin/sshd");
                }
                if (rnd.nextInt(3) == 0) a.putObject("container").put("id", "c" + rnd.nextInt(3)).putObject("image").put("name", "acme/web").put("tag", "1.0");
                a.putObject("evt").put("name", "exec");
                if (rnd.nextInt(10) == 0) a.putNull("usr");
                if (rnd.nextInt(10) == 0) a.putArray("empty");
            }
            default -> {
                message = rnd.nextInt(10) == 0 ? "ÉCHEC du paiement " + i : "charge " + i + " done";
                a.put("amount", rnd.nextInt(100) + (rnd.nextBoolean() ? 0.5 : 0));
                if (rnd.nextInt(20) == 0) a.put("long", "x".repeat(5000) + i); // too long to be a term
                if (rnd.nextInt(20) == 0) a.put("flag", rnd.nextBoolean());
            }
        }
        List<String> tags = new ArrayList<>();
        if (rnd.nextBoolean()) tags.add("env:" + (rnd.nextBoolean() ? "prod" : "preprod"));
        if (rnd.nextInt(4) == 0) tags.add("pci");
        String status = rnd.nextInt(8) == 0 ? "error" : "info";
        String host = rnd.nextInt(30) == 0 ? "" : HOSTS[rnd.nextInt(HOSTS.length)];
        return new LogEvent("e" + i, T0 + i * 1000L, host, source, source.equals("vigil-agent") ? "" : source, status, message, tags, a);
    }

    static final String[] QUERIES = {
            "", "*", "host:web-1", "host:web-*", "host:*1", "-host:web-1", "host:*", "_missing_:host", "source:(sshd OR nginx)",
            "@usr.name:root", "@usr.name:ro?t", "@usr.name:rööt", "@usr.name:*", "_missing_:@usr.name", "@usr:*", "-@usr.name:(root OR admin)",
            "@http.status_code:404", "@http.status_code:>=500", "@http.status_code:[400 TO 499]", "@http.status_code:5*",
            "CIDR(@network.client.ip, 10.0.0.0/8)", "@network.client.ip:CIDR(fd00::/8)", "@network.client.ip:10.1.2.3",
            "env:prod", "env:*", "tags:env:prod", "env:pr*", "tags:pci", "_exists_:env", "-env:*",
            "failed", "FAILED", "Failed password", "\"invalid user\"", "pass*rd", "ssh?", "échec", "paiement", "10.1.2.3",
            "@process.ancestors.file.path:/usr/bin/bash", "@process.argv:-s", "-@process.argv:-s", "@process.file.path:/usr/bin/*",
            "@evt.success:true", "@evt.outcome:failure", "@amount:>50", "@amount:42", "@amount:42.0", "@amount:42.5", "@amount:4.25e1", "@amount:4*",
            "@process.pid:1500", "@process.pid:1500.0", "@process.pid:\"1500\"", "@http.status_code:500.0", "@evt.success:false", "@flag:true", "@long:x*",
            "@long:*", "message:*", "_exists_:host", "status:error OR @usr.name:admin", "NOT (source:sshd OR host:web-2)",
            "source:vigil-agent @container.image.name:acme/web @container.image.tag:1.0", "@empty:*", "service:*",
            "@process.pid:>1500 @process.pid:<1600", "@bytes:[100 TO 200]", "source:sshd -failed", "-(failed OR exec)"
    };

    @Test
    void everyQueryMatchesWhatTheMatcherMatches() throws Exception {
        EventSearch search = new EventSearch(index, () -> 0, 60_000_000_000L);
        long from = T0 + 20 * 1000L, width = 97_000L; // not aligned on anything
        long to = from + 29 * width; // cuts through the data on both ends
        for (String text : QUERIES) {
            Query q = Query.parse(text);
            List<LogEvent> expected = events.stream()
                    .filter(e -> e.time() >= from && e.time() < to && q.matches(e))
                    .sorted(Comparator.comparingLong(LogEvent::time).reversed()).toList();
            EventSearch.Result r = search.search(q, from, to, 20, width);
            assertThat(r.to()).isEqualTo(to);
            long[] brute = new long[r.counts().length];
            for (LogEvent e : expected) brute[(int) ((e.time() - from) / width)]++;
            assertThat(r.counts()).as("histogram of `%s`", text).containsExactly(brute);
            assertThat(r.total()).as("total of `%s`", text).isEqualTo(expected.size());
            assertThat(r.exact()).as("exact `%s`", text).isTrue();
            assertThat(r.events().stream().map(h -> h.event().id()).toList()).as("newest of `%s`", text)
                    .containsExactlyElementsOf(expected.stream().limit(20).map(LogEvent::id).toList());
        }
    }

    @Test
    void theIndexAloneAnswersWhatItCanExpressExactly() throws Exception {
        EventSearch search = new EventSearch(index, () -> 0, 60_000_000_000L);
        for (String text : new String[]{"host:web-1", "host:web-*", "-host:web-1", "@usr.name:root", "@usr.name:*", "env:pr*",
                "failed", "@process.ancestors.file.path:/usr/bin/bash", "-@process.argv:-s", "@evt.outcome:failure", "_missing_:@usr.name",
                "source:(sshd OR nginx) status:error", "tags:pci", "message:*", "@http.status_code:404", "@amount:42", "@amount:42.5",
                "@evt.success:true", "@flag:false", "@process.pid:1500", "@amount:4.25e1"}) {
            EventSearch.Result r = search.search(Query.parse(text), T0, T0 + N * 1000L, 5, 60_000L);
            assertThat(r.indexExact()).as("`%s` is decided by the index", text).isTrue();
            assertThat(r.checked()).isZero();
        }
        for (String text : new String[]{"\"invalid user\"", "@http.status_code:>=500", "@amount:4*", "@long:x*", "pass*rd"}) {
            EventSearch.Result r = search.search(Query.parse(text), T0, T0 + N * 1000L, 5, 60_000L);
            assertThat(r.indexExact()).as("`%s` needs the matcher", text).isFalse();
            assertThat(r.exact()).isTrue();
        }
    }

    @Test
    void moreAlternativesThanLuceneTakesStillMatchExactly() throws Exception {
        StringBuilder q = new StringBuilder("@usr.name:(root");
        for (int i = 0; i < 1500; i++) q.append(" OR u").append(i);
        q.append(")");
        Query query = Query.parse(q.toString());
        EventSearch.Result r = new EventSearch(index, () -> 0, 60_000_000_000L).search(query, T0, T0 + N * 1000L, 5, 60_000L);
        assertThat(r.total()).isEqualTo(events.stream().filter(query::matches).count());
        assertThat(r.exact()).isTrue();
    }

    @Test
    void aTightBudgetEstimatesAndSaysSo() throws Exception {
        EventSearch search = new EventSearch(index, () -> 0, 0); // no time to read anything
        EventSearch.Result r = search.search(Query.parse("\"Failed password\""), T0, T0 + N * 1000L, 5, 60_000L);
        assertThat(r.exact()).isFalse();
        assertThat(r.candidates()).isPositive();
        assertThat(r.checked()).isLessThan(r.candidates());
    }
}
