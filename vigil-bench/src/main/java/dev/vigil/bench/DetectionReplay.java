package dev.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.engine.EngineLimits;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.state.StateBackend;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * What detection makes of {@link DetectionBenchmark}'s stream, printed so two builds can be
 * diffed: every signal drained (as sorted JSON, one per line) over {@code passes} passes of the
 * {@link BackendMix}, re-stamped and drained as the benchmark does, then each rule's counters
 * and the engine's stats. An optimisation of the engine must leave this output unchanged.
 *
 * <p>{@code decoded} replays the events as the server's pipeline gets them: stored in the event
 * log's form and decoded with the engine's projection ({@link BackendMix#decode}); by default they
 * are the normalisers' own. Against a build from before projections (which decodes whole), an
 * identical output shows the projection changes nothing detection sees.
 *
 * <p>{@code tight} runs with small {@link EngineLimits} (40 groups per rule, 15 values per group,
 * 60 open signals), so group evictions, value overflows and signal evictions happen all the time.
 * <pre>
 *   java -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' dev.vigil.bench.DetectionReplay RULES PASSES [tight] [decoded]
 * </pre>
 * ({@code bench/detect-compare.sh} runs it on both builds it compares and diffs the outputs.)
 */
public final class DetectionReplay {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DetectionReplay() {}

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: DetectionReplay RULES PASSES [tight] [decoded]");
            System.exit(2);
        }
        int rules = Integer.parseInt(args[0]);
        int passes = Integer.parseInt(args[1]);
        java.util.List<String> flags = java.util.List.of(args).subList(2, args.length);
        boolean tight = flags.contains("tight");
        EngineLimits limits = tight ? new EngineLimits(40, 15, 60, Duration.ofSeconds(10)) : EngineLimits.DEFAULT;
        LogEvent[] events = BackendMix.events(DetectionBenchmark.SEED);
        DetectionEngine engine = new DetectionEngine(BackendMix.rules(rules), StateBackend.IN_MEMORY, limits);
        // as the server's pipeline: with the engine's projection (whole on engines from before projections)
        if (flags.contains("decoded")) events = BackendMix.decoded(BackendMix.stored(events), engine);
        PrintStream out = System.out;
        long base = events[0].time();
        long n = (long) passes * events.length;
        long msPerEvent = DetectionBenchmark.EVENTS_PER_SECOND / 1000;
        for (long s = 0; s < n; s++) {
            long t = base + s / msPerEvent;
            engine.process(DetectionBenchmark.restamp(events[(int) (s % events.length)], t));
            if ((s + 1) % DetectionBenchmark.DRAIN_EVERY == 0) print(engine, t, out);
        }
        print(engine, base + n / msPerEvent, out);
        engine.rules().forEach((id, c) -> out.printf("rule %s matched=%d detections=%d suppressed=%d late=%d groups=%d evictions=%d overflows=%d expired=%d%n",
                id, c.stats().matchedEvents.sum(), c.stats().detections.sum(), c.stats().suppressed.sum(), c.stats().late.sum(), c.groups(),
                c.stats().state.keyEvictions.sum(), c.stats().state.valueOverflows.sum(), c.stats().state.expired.sum()));
        out.println(engine.stats());
    }

    private static void print(DetectionEngine engine, long now, PrintStream out) {
        for (Signal s : engine.drainSignals(now)) out.println(sorted(JSON.valueToTree(s)));
        engine.drainSuppressedCounts();
    }

    /** Object fields in name order: map iteration orders (Map.copyOf) differ from run to run. */
    private static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                fields.put(f.getKey(), sorted(f.getValue()));
            }
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            fields.forEach(o::set);
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            for (JsonNode e : n) a.add(sorted(e));
            return a;
        }
        return n;
    }
}
