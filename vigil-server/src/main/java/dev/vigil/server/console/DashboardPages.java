package dev.vigil.server.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.SignalStatus;
import dev.vigil.server.VigilServer;
import dev.vigil.server.agents.AgentRegistry;
import dev.vigil.server.intake.RateHistory;
import dev.vigil.server.store.SignalHistogram;
import dev.vigil.server.store.SignalQuery;
import dev.vigil.server.store.SignalStore;
import dev.vigil.server.users.Role;
import dev.vigil.server.users.Session;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The dashboard: signals over time by severity, the triage queue by severity, top rules, hosts
 * and images, events per second into intake and through detection, and the agents with their
 * health. Every count links to the signals explorer filtered to what it counts. The cards
 * refresh themselves every {@value #REFRESH_SECONDS} s (htmx asks for the cards alone).
 */
public final class DashboardPages {

    static final int REFRESH_SECONDS = 10;
    /** Rows in each top list. */
    static final int TOP = 10;
    /** The ranges the page offers, with the width of the chart's bars. */
    static final Map<String, Range> RANGES = new LinkedHashMap<>();
    static {
        DateTimeFormatter hour = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
        DateTimeFormatter dayHour = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);
        DateTimeFormatter day = DateTimeFormatter.ofPattern("MM-dd").withZone(ZoneOffset.UTC);
        RANGES.put("24h", new Range("24h", 3_600_000L, 24, "per hour", hour));
        RANGES.put("7d", new Range("7d", 6 * 3_600_000L, 28, "per 6 hours", dayHour));
        RANGES.put("30d", new Range("30d", 86_400_000L, 30, "per day", day));
    }
    /** Bar colours, as vigil.css colours the severity badges. */
    private static final Map<Severity, String> COLOURS = Map.of(Severity.CRITICAL, "#8e1b1b", Severity.HIGH, "#d23b3b",
            Severity.MEDIUM, "#e08a1e", Severity.LOW, "#d6b41b", Severity.INFO, "#5b8bd6");
    /** Most urgent first: the order of the legend, the stack (from the axis up) and the counts. */
    private static final List<Severity> URGENT_FIRST = List.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A range of the page: the chart shows {@code bars} bars of {@code barMillis}, the last one
     * holding now; the top lists count the signals active (last seen) within {@code id}, as the
     * explorer's range filter does.
     */
    record Range(String id, long barMillis, int bars, String per, DateTimeFormatter label) {
        long millis() { return barMillis * bars; }
    }

    private final Console.ConsoleBackend backend;

    DashboardPages(Console.ConsoleBackend backend) {
        this.backend = backend;
    }

    void routes(HttpRouting.Builder r, ConsoleAuth auth) {
        r.get("/dashboard", auth.page(Role.READ_ONLY, this::dashboard));
    }

    private void dashboard(ServerRequest req, ServerResponse res, Session s) {
        Range range = RANGES.getOrDefault(req.query().first("range").orElse("24h"), RANGES.get("24h"));
        DashboardView view = new DashboardView(Chrome.of("Dashboard", "dashboard", s), range.id(), List.copyOf(RANGES.keySet()),
                cards(range, System.currentTimeMillis()));
        // the live refresh asks for the cards only
        boolean cardsOnly = ConsoleAuth.isHtmx(req) && req.headers().first(HeaderNames.create("HX-Target"))
                .map("dashboard-cards"::equals).orElse(false);
        View.render(res, cardsOnly ? "dashboard-cards.jte" : "dashboard.jte", view);
    }

    Cards cards(Range range, long now) {
        SignalStore signals = backend.store().signals();
        VigilServer server = backend.server();
        long to = (Math.floorDiv(now, range.barMillis()) + 1) * range.barMillis();
        SignalQuery active = filter(Map.of(), range.id()).toQuery(now, 1);
        // the store's counts are independent: ask them at once, each on a connection of the pool
        Future<SignalHistogram> histogram;
        Future<List<Count>> open, review;
        Future<Map<String, Map<String, Long>>> ruleFacet, hostFacet, imageFacet;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // signals over time: bars aligned to whole hours / days (UTC), the last one holding now
            histogram = pool.submit(() -> signals.histogram(to - range.millis(), to, range.barMillis()));
            // the triage queue, whatever its age
            open = pool.submit(() -> bySeverity(signals, SignalStatus.OPEN));
            review = pool.submit(() -> bySeverity(signals, SignalStatus.UNDER_REVIEW));
            // top rules, hosts and images among the signals active in the range: the explorer's own query
            ruleFacet = pool.submit(() -> signals.facets(active, Set.of("rule")));
            hostFacet = pool.submit(() -> signals.facets(active, Set.of("host")));
            imageFacet = pool.submit(() -> signals.facets(active, Set.of("image")));
        }
        Map<String, Long> rules = first(get(ruleFacet).get("rule"));
        Map<String, String> names = signals.ruleNames(rules.keySet());
        List<Top> topRules = new ArrayList<>();
        rules.forEach((id, n) -> topRules.add(new Top(names.getOrDefault(id, id), id, n, link("rule", id, range.id()))));
        List<Top> topHosts = new ArrayList<>();
        first(get(hostFacet).get("host")).forEach((v, n) -> topHosts.add(new Top(v, "", n, link("host", v, range.id()))));
        List<Top> topImages = new ArrayList<>();
        first(get(imageFacet).get("image")).forEach((v, n) -> topImages.add(new Top(v, "", n, link("image", v, range.id()))));
        SignalHistogram h = get(histogram);
        List<Count> openCounts = get(open);
        List<Count> reviewCounts = get(review);

        // events per second, the last hour
        RateHistory.Window in = server.intake().acceptedRate.window(now);
        RateHistory.Window through = server.pipeline().processedRate.window(now);

        List<AgentRegistry.Agent> agents = server.agentRegistry().agents();
        long connected = agents.stream().filter(AgentRegistry.Agent::connected).count();

        return new Cards(range.id(), range.per(), now, signalsChart(h, range), h.total(),
                filter(Map.of(), range.id()).sortedBy("first_seen"),
                openCounts, openCounts.stream().mapToLong(Count::count).sum(), filter(Map.of("status", List.of("open")), "all").url(),
                reviewCounts, reviewCounts.stream().mapToLong(Count::count).sum(),
                filter(Map.of("status", List.of("under_review")), "all").url(),
                topRules, topHosts, topImages,
                eventsChart(in, through), in.recentPerSecond(6), through.recentPerSecond(6), in.total(), server.pipeline().lagBytes(),
                agents, connected);
    }

    /** The value of a finished task, or its failure as it was thrown. */
    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the dashboard's counts", e);
        }
    }

    private static List<Count> bySeverity(SignalStore signals, SignalStatus status) {
        Map<String, Long> n = signals.facets(SignalQuery.builder().status(status).build(), Set.of("severity")).get("severity");
        List<Count> out = new ArrayList<>();
        for (Severity s : URGENT_FIRST) {
            out.add(new Count(s.id(), n.getOrDefault(s.id(), 0L),
                    filter(Map.of("status", List.of(status.id()), "severity", List.of(s.id())), "all").url()));
        }
        return out;
    }

    private static Map<String, Long> first(Map<String, Long> counts) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (var e : counts.entrySet()) {
            if (out.size() == TOP) break;
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static SignalFilter filter(Map<String, List<String>> facets, String range) {
        return new SignalFilter(facets, "", range, null, null, null);
    }

    /** The explorer filtered to one facet value over a range. */
    static String link(String facet, String value, String range) {
        return filter(Map.of(facet, List.of(value)), range).url();
    }

    /** Stacked bars, one series per severity (only fixed names and numbers: nothing from events). */
    static String signalsChart(SignalHistogram h, Range range) {
        ObjectNode o = base();
        o.putObject("tooltip").put("trigger", "axis").putObject("axisPointer").put("type", "shadow");
        ArrayNode x = o.putObject("xAxis").put("type", "category").putArray("data");
        for (int i = 0; i < h.buckets(); i++) x.add(range.label().format(java.time.Instant.ofEpochMilli(h.bucketStart(i))));
        o.putObject("yAxis").put("type", "value").put("minInterval", 1);
        ArrayNode series = o.putArray("series");
        for (Severity s : URGENT_FIRST) {
            ObjectNode sr = series.addObject().put("name", s.id()).put("type", "bar").put("stack", "signals");
            sr.putObject("itemStyle").put("color", COLOURS.get(s));
            sr.putObject("emphasis").put("focus", "series");
            ArrayNode data = sr.putArray("data");
            for (int i = 0; i < h.buckets(); i++) data.add(h.count(s, i));
        }
        return o.toString();
    }

    /** Events per second accepted and processed, one point per bucket of the last hour. */
    static String eventsChart(RateHistory.Window in, RateHistory.Window through) {
        ObjectNode o = base();
        o.putObject("tooltip").put("trigger", "axis");
        ArrayNode x = o.putObject("xAxis").put("type", "category").put("boundaryGap", false).putArray("data");
        for (int i = 0; i < in.size(); i++) x.add(CLOCK.format(java.time.Instant.ofEpochMilli(in.bucketStart(i))));
        o.putObject("yAxis").put("type", "value");
        ArrayNode series = o.putArray("series");
        for (var w : List.of(Map.entry("accepted", in), Map.entry("processed", through))) {
            ObjectNode sr = series.addObject().put("name", w.getKey()).put("type", "line").put("showSymbol", false);
            if (w.getKey().equals("accepted")) sr.putObject("areaStyle").put("opacity", 0.15);
            ArrayNode data = sr.putArray("data");
            for (int i = 0; i < w.getValue().size(); i++) data.add(Math.round(w.getValue().perSecond(i) * 10) / 10.0);
        }
        return o.toString();
    }

    private static ObjectNode base() {
        ObjectNode o = JSON.createObjectNode();
        o.put("animation", false); // redrawn on every refresh: no replayed animation
        o.putObject("legend").put("top", 0);
        o.putObject("grid").put("left", 48).put("right", 16).put("top", 32).put("bottom", 28);
        return o;
    }

    /** The model of {@code dashboard.jte} and {@code dashboard-cards.jte}. */
    public record DashboardView(Chrome chrome, String range, List<String> ranges, Cards cards) {
        public int refreshSeconds() { return REFRESH_SECONDS; }
    }

    /**
     * The cards.
     *
     * @param signalsChart      ECharts option (JSON) of the signals over time
     * @param newSignals        signals that began within the chart's bars
     * @param newSignalsUrl     the explorer over the range, newest first
     * @param acceptedPerSecond events accepted per second over the last minute
     * @param acceptedLastHour  events accepted within the last hour
     * @param lagBytes          accepted bytes detection has not committed yet
     */
    public record Cards(String range, String per, long now, String signalsChart, long newSignals, String newSignalsUrl,
                        List<Count> open, long openTotal, String openUrl,
                        List<Count> review, long reviewTotal, String reviewUrl,
                        List<Top> topRules, List<Top> topHosts, List<Top> topImages,
                        String eventsChart, double acceptedPerSecond, double processedPerSecond, long acceptedLastHour, long lagBytes,
                        List<AgentRegistry.Agent> agents, long connectedAgents) {

        /** The explorer filtered to the signals of one host over the range (for an agent's hostname). */
        public String hostUrl(String host) {
            return link("host", host, range);
        }

        public String updated() {
            return Format.time(now);
        }
    }

    /** Signals of one severity, and the explorer showing them. */
    public record Count(String severity, long count, String url) {}

    /** A row of a top list: what is shown, a second line (the rule id), the count and the explorer showing them. */
    public record Top(String label, String sub, long count, String url) {}

    /** Events per second as the page writes them: one decimal under 100. */
    public static String rate(double perSecond) {
        return perSecond < 100 ? String.format(java.util.Locale.ROOT, "%.1f", perSecond) : Format.count(Math.round(perSecond));
    }

    /** Bytes as the page writes them. */
    public static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1 << 20) return String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0);
        if (n < 1L << 30) return String.format(java.util.Locale.ROOT, "%.1f MiB", n / 1048576.0);
        return String.format(java.util.Locale.ROOT, "%.1f GiB", n / 1073741824.0);
    }
}
