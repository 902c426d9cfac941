package dev.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.detect.normalize.Normalizer;
import dev.vigil.detect.query.Query;
import dev.vigil.server.events.EventIndex;
import dev.vigil.server.events.EventSearch;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The console's events explorer at scale: loads N events (10 million by default) into the event
 * index ({@link EventIndex}, the server's own code) spread evenly over 7 days ending now, then
 * measures {@link EventSearch} (what {@code /events} and the entity pages run: the newest 50
 * matches and a 56- or 48-bucket histogram) for typical queries over the last 24 hours and 7 days.
 *
 * <h2>Events</h2>
 * A realistic mix from a fixed seed: 30% agent events (the recorded {@link Trace#HOST_MIX}, execs,
 * forks, opens... with their full process ancestry, about 7 KB of JSON each, re-stamped and spread
 * over 200 hosts), 50% sshd auth.log lines and 20% JSON logs (nginx, CloudTrail, Kubernetes audit,
 * an application), as {@link BackendMix} generates them, normalised by the server's
 * {@link Normalizer}. Loading does what the server's indexer does per event: parse the stored JSON,
 * then index it; the rate is reported.
 *
 * <h2>Run</h2>
 * <pre>
 *   java -Xmx3g -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' \
 *        dev.vigil.bench.EventIndexHarness [events=10000000] [index dir=/tmp/vigil-event-index-bench] [reuse] [pages]
 * </pre>
 * {@code reuse} searches an index an earlier run loaded (its events end at the time the load
 * ended; ranges are taken relative to that). {@code pages} then starts a real server on that
 * index and times the console's pages over HTTP ({@code /events} for every query and range, entity
 * pages). Results are printed as Markdown.
 */
public final class EventIndexHarness {

    static final long DAY = 86_400_000L;
    static final String[] QUERIES = {
            "*",
            "source:sshd",
            "source:sshd @evt.outcome:failure",
            "host:bastion-2",
            "@usr.name:root",
            "@network.client.ip:203.0.113.7",
            "@process.file.path:/usr/bin/bash",
            "@evt.name:exec -@usr.name:root",
            "@process.ancestors.file.path:/usr/bin/bash",
            "source:nginx @http.status_code:500",
            "failed",
            "\"invalid user\"",
            "host:\"host-17\" OR @network.client.ip:\"10.20.1.5\"",
    };

    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        Path dir = Path.of(args.length > 1 ? args[1] : "/tmp/vigil-event-index-bench");
        boolean reuse = args.length > 2 && args[2].equals("reuse") && Files.exists(dir.resolve("end"));
        Machine m = Machine.describe();
        System.out.println("# Event index: " + String.format(Locale.ROOT, "%,d", n) + " events");
        System.out.println();
        System.out.printf(Locale.ROOT, "machine: %d CPUs (%s), %,d MiB, kernel %s, %s, JVM flags %s, load average at start %s%n",
                m.cpus(), m.cpuModel(), m.memMib(), m.kernel(), m.jdk(), m.jvmFlags(), m.loadAverage());
        System.out.println();
        long end;
        try (EventIndex index = EventIndex.open(dir.resolve("index"))) {
            if (reuse) {
                end = Long.parseLong(Files.readString(dir.resolve("end")).trim());
            } else {
                end = load(index, n);
                Files.writeString(dir.resolve("end"), Long.toString(end));
            }
            // not tied to any event log: a server given this index starts following an empty log at 0
            index.commit(0, 0);
            index.refresh();
            System.out.printf(Locale.ROOT, "index: %,d documents, %d segments, %.2f GB on disk%n%n", index.docs(), index.segments(),
                    index.sizeBytes() / 1e9);
            search(index, end);
        }
        if (Arrays.asList(args).contains("pages")) pages(dir.resolve("index"));
    }

    /**
     * The console itself: a real {@link VigilServer} given this index (and an empty event log),
     * its pages fetched over HTTP by a logged-in user. Reports the wall time of each request as
     * the client saw it, and the search time the server reports ({@code Server-Timing}).
     */
    static void pages(Path indexDir) throws Exception {
        Path data = Files.createTempDirectory("vigil-pages-bench");
        Files.createSymbolicLink(data.resolve("event-index"), indexDir.toAbsolutePath());
        ServerConfig config = ServerConfig.defaults(data).withPort(0).withBuiltinRules(false)
                .withRetention(java.time.Duration.ofDays(3650), ServerConfig.FIFTEEN_MONTHS); // keep every benchmark event
        try (VigilServer server = VigilServer.start(config)) {
            server.store().users().create("bench", "bench password 1", dev.vigil.server.users.Role.READ_ONLY, "bench");
            // HTTP/1.1 as browsers speak it over http:// (the JDK client would otherwise try an h2c upgrade)
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(new java.net.CookieManager())
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            String base = "http://127.0.0.1:" + server.port();
            http.send(HttpRequest.newBuilder(URI.create(base + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=bench&password=bench+password+1")).build(), HttpResponse.BodyHandlers.discarding());
            List<String> urls = new ArrayList<>();
            for (String range : List.of("24h", "7d")) {
                for (String q : QUERIES) urls.add("/events?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&range=" + range);
            }
            urls.addAll(List.of("/entities/host/host-17", "/entities/host/bastion-2", "/entities/user/root", "/entities/ip/203.0.113.7",
                    "/entities/binary/%2Fusr%2Fbin%2Fbash", "/entities/service/web"));
            for (int w = 0; w < 3; w++) for (String u : urls) get(http, base + u);
            System.out.println();
            System.out.println("Pages over HTTP (a real server on this index; wall time as the client saw it, of 9 requests):");
            System.out.println();
            System.out.println("| page | status | KB | p50 ms | p95 ms | max ms | search (Server-Timing) p50 ms |");
            System.out.println("|---|---|---:|---:|---:|---:|---:|");
            for (String u : urls) {
                long[] ns = new long[9];
                double[] search = new double[9];
                HttpResponse<byte[]> r = null;
                for (int i = 0; i < ns.length; i++) {
                    long a = System.nanoTime();
                    r = get(http, base + u);
                    ns[i] = System.nanoTime() - a;
                    String t = r.headers().firstValue("Server-Timing").orElse("search;dur=-1");
                    search[i] = Double.parseDouble(t.substring(t.indexOf("dur=") + 4));
                }
                Arrays.sort(ns);
                Arrays.sort(search);
                System.out.printf(Locale.ROOT, "| `%s` | %d | %d | %.1f | %.1f | %.1f | %.1f |%n", URLDecoder.decode(u, StandardCharsets.UTF_8).replace("|", "\\|"),
                        r.statusCode(), r.body().length / 1024, ns[4] / 1e6, ns[7] / 1e6, ns[8] / 1e6, search[4]);
            }
        } finally {
            // the server's scratch data directory; the link to the index goes, the index stays (walk does not follow links)
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Loads n events over the 7 days before now; returns the end of their time range. */
    static long load(EventIndex index, long n) throws IOException {
        long end = System.currentTimeMillis();
        long start = end - 7 * DAY;
        Mix mix = new Mix(42, start);
        long t0 = System.nanoTime();
        long indexerNanos = 0;
        long bytes = 0;
        long last = t0;
        for (long i = 0; i < n; i++) {
            long time = start + (long) ((double) i * (7 * DAY) / n);
            LogEvent generated = mix.next(i, time);
            byte[] json = LogEventJson.toBytes(generated); // what intake writes to the event log
            long a = System.nanoTime();
            LogEvent e = LogEventJson.fromJson(json); // what the indexer reads back
            index.add(e, json);
            indexerNanos += System.nanoTime() - a;
            bytes += json.length;
            if ((i + 1) % 1_000_000 == 0) {
                index.commit(i + 1, 0);
                long now = System.nanoTime();
                System.err.printf(Locale.ROOT, "loaded %,d events (%.0f events/s over the last million, %.1f GB of JSON so far)%n",
                        i + 1, 1e6 / ((now - last) / 1e9), bytes / 1e9);
                last = now;
            }
        }
        index.commit(n, 0);
        long loaded = System.nanoTime();
        index.waitForMerges();
        index.commit(n, 0);
        long settled = System.nanoTime();
        System.out.printf(Locale.ROOT, "load: %,d events, %.1f GB of event JSON (%.0f bytes/event), %.0f s (%.0f events/s); "
                        + "parse + index alone %.0f events/s on one thread; merges settled %.0f s later%n%n",
                n, bytes / 1e9, (double) bytes / n, (loaded - t0) / 1e9, n / ((loaded - t0) / 1e9), n / (indexerNanos / 1e9),
                (settled - loaded) / 1e9);
        return end;
    }

    static void search(EventIndex index, long end) throws IOException {
        EventSearch search = new EventSearch(index, () -> 0);
        // warm up (JIT, page cache): every query over both ranges, a few times
        for (int w = 0; w < 3; w++) {
            for (String range : List.of("24h", "7d")) {
                long width = range.equals("24h") ? 30 * 60_000L : 3 * 3_600_000L;
                long to = (end / width + 1) * width;
                for (String text : QUERIES) search.search(Query.parse(text), to - (range.equals("24h") ? DAY : 7 * DAY), to, 50, width);
            }
        }
        System.out.println("| query | range | matches | exact | index alone | p50 ms | p95 ms | max ms |");
        System.out.println("|---|---|---:|---|---|---:|---:|---:|");
        for (String range : List.of("24h", "7d")) {
            long span = range.equals("24h") ? DAY : 7 * DAY;
            long width = range.equals("24h") ? 30 * 60_000L : 3 * 3_600_000L; // as the console buckets them
            long to = (end / width + 1) * width;
            long from = to - span;
            for (String text : QUERIES) {
                Query q = Query.parse(text);
                EventSearch.Result r = null;
                long[] ns = new long[9];
                for (int i = 0; i < ns.length; i++) {
                    long a = System.nanoTime();
                    r = search.search(q, from, to, 50, width);
                    ns[i] = System.nanoTime() - a;
                }
                Arrays.sort(ns);
                System.out.printf(Locale.ROOT, "| `%s` | %s | %s%,d | %s | %s | %.1f | %.1f | %.1f |%n", text.replace("|", "\\|"), range,
                        r.exact() ? "" : "≈ ", r.total(), r.exact() ? "yes" : "estimated", r.indexExact() ? "yes" : "checked " + r.checked(),
                        ns[ns.length / 2] / 1e6, ns[ns.length - 2] / 1e6, ns[ns.length - 1] / 1e6); // of 9 runs: 5th, 8th, 9th
            }
        }
    }

    /** The event mix: agent events from the trace, sshd and JSON lines from {@link BackendMix}'s generators. */
    static final class Mix {
        final Random rnd;
        final Normalizer normalizer = new Normalizer();
        final Normalizer.Defaults defaults;
        final List<LogEvent> agent = new ArrayList<>();

        Mix(long seed, long start) {
            rnd = new Random(seed);
            defaults = Normalizer.Defaults.at(start);
            try {
                for (String l : BackendMix.agentLines()) agent.add(normalizer.agentLine(BackendMix.JSON.readTree(l)));
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        }

        LogEvent next(long i, long time) {
            int p = rnd.nextInt(10);
            try {
                if (p < 3) {
                    LogEvent t = agent.get(rnd.nextInt(agent.size()));
                    return new LogEvent("bench." + i, time, "host-" + rnd.nextInt(200), t.source(), t.service(), t.status(), t.message(),
                            t.tags(), t.attributes());
                }
                if (p < 8) return normalizer.syslogLine(BackendMix.sshdLine(rnd, time), defaults.withIntakeTime(time)).withId("bench." + i);
                JsonNode n = BackendMix.JSON.readTree(BackendMix.jsonLine(rnd, time));
                return normalizer.jsonLine(n, defaults.withIntakeTime(time)).withId("bench." + i);
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        }
    }
}
