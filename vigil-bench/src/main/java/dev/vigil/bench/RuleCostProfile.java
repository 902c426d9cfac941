package dev.vigil.bench;

import com.sun.management.ThreadMXBean;
import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.secl.eval.BoolEval;
import dev.vigil.secl.eval.EvalContext;
import dev.vigil.secl.eval.Variables;
import dev.vigil.secl.policy.PolicyLoader;
import dev.vigil.secl.policy.Rule;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where {@link RuleEngineBenchmark}'s time and allocation go, rule by rule, within the whole policy.
 *
 * <p>Every rule's compiled expression is wrapped in a probe that counts its evaluations and adds up
 * the time ({@link System#nanoTime}) and the bytes this thread allocated
 * ({@code getCurrentThreadAllocatedBytes}) while it ran; the engine is otherwise the real one, so
 * the index decides which rules run, as in the benchmark. The probe's own cost, measured on an empty
 * expression, is subtracted. What is left of the per-event total once the rules are accounted for
 * is the engine's own work: bucket and index lookups, and dispatch. Last, the cost per event of each
 * event type, each type's events run alone through the unprobed engine (rare types are noisy).
 *
 * <p>A diagnostic, not a benchmark: no forks, a short warm-up, one thread, and the probes disturb
 * inlining. Read the order and the magnitudes, not the third digit; the throughput to quote comes
 * from {@link RuleEngineBenchmark}.
 *
 * <pre>
 *   java -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' dev.vigil.bench.RuleCostProfile [SYNTHETIC_RULES] [TOP]
 * </pre>
 */
public final class RuleCostProfile {

    /** Passes over the trace per measurement. */
    private static final int PASSES = 20;
    /** Fewest events per measured round, for event types with few events. */
    private static final int MIN_EVENTS = 200_000;
    /** Measured rounds after one warm-up round; the fastest round's time is kept. */
    private static final int ROUNDS = 5;

    private static final ThreadMXBean MX = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private RuleCostProfile() {}

    /** Counts, time and allocation of one rule's expression. */
    private static final class Probe implements BoolEval {
        final BoolEval inner;
        long calls;
        long nanos;
        long bytes;

        Probe(BoolEval inner) { this.inner = inner; }

        @Override
        public boolean eval(EvalContext c) {
            long b0 = MX.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            boolean r = inner.eval(c);
            nanos += System.nanoTime() - t0;
            bytes += MX.getCurrentThreadAllocatedBytes() - b0;
            calls++;
            return r;
        }

        void reset() { calls = nanos = bytes = 0; }
    }

    public static void main(String[] args) {
        int synthetic = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Event[] events = Trace.load(Trace.HOST_MIX).toArray(Event[]::new);
        PolicyLoader.Result loaded = PolicyLoader.load(SyntheticRules.withDefault(synthetic));
        if (loaded.hasErrors()) throw new IllegalStateException("policy errors: " + loaded.errors());

        double[] none = measure(new RuleEngine(List.of(), new Variables()), events);
        double[] plain = measure(new RuleEngine(loaded.rules(), new Variables()), events);

        List<Probe> probes = new ArrayList<>();
        List<Rule> probed = new ArrayList<>();
        for (Rule r : loaded.rules()) {
            Probe p = new Probe(r.eval());
            probes.add(p);
            probed.add(new Rule(r.id(), r.description(), r.expression(), r.eventType(), p, r.approvers(), r.cost(), r.tags(),
                    r.severity(), r.triage(), r.actions(), r.everyNanos(), r.silent(), r.source()));
        }
        RuleEngine engine = new RuleEngine(probed, new Variables());
        measure(engine, events); // warm-up with probes
        probes.forEach(Probe::reset);
        long before = engine.events();
        measure(engine, events);
        long n = engine.events() - before; // every event the probes saw, the unmeasured round included
        double probeNs = probeOverhead(events[0]);

        System.out.printf(Locale.ROOT, "trace: %d events; policy: default + %d synthetic = %d rules; probe overhead %.1f ns/call%n",
                events.length, synthetic, loaded.rules().size(), probeNs);
        System.out.printf(Locale.ROOT, "engine with no rules: %6.1f ns/event %6.0f B/event%n", none[0], none[1]);
        System.out.printf(Locale.ROOT, "whole policy:         %6.1f ns/event %6.0f B/event%n", plain[0], plain[1]);
        long calls = probes.stream().mapToLong(p -> p.calls).sum();
        double ruleNs = probes.stream().mapToDouble(p -> p.nanos - p.calls * probeNs).sum() / n;
        double ruleBytes = probes.stream().mapToDouble(p -> p.bytes).sum() / n;
        System.out.printf(Locale.ROOT, "  rule expressions:   %6.1f ns/event %6.0f B/event (%.2f evaluations per event)%n",
                ruleNs, ruleBytes, (double) calls / n);
        System.out.printf(Locale.ROOT, "  engine (index, dispatch): %.1f ns/event %6.0f B/event%n%n",
                plain[0] - ruleNs, plain[1] - ruleBytes);

        System.out.printf(Locale.ROOT, "per event type (each type alone, unprobed engine), ns/event:");
        Map<EventType, Integer> types = Trace.typeCounts(List.of(events));
        RuleEngine unprobed = new RuleEngine(loaded.rules(), new Variables());
        for (EventType t : types.keySet()) {
            Event[] only = Arrays.stream(events).filter(e -> e.type() == t).toArray(Event[]::new);
            System.out.printf(Locale.ROOT, " %s(%d)=%.0f", t.id(), only.length, measure(unprobed, only)[0]);
        }
        System.out.printf(Locale.ROOT, "%n%n");

        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) order.add(i);
        order.sort(Comparator.comparingDouble((Integer i) -> probes.get(i).nanos - probes.get(i).calls * probeNs).reversed());
        System.out.printf(Locale.ROOT, "%-46s %-8s %9s %9s %9s %9s%n", "rule (most expensive first)", "type", "evals/ev",
                "ns/ev", "B/ev", "ns/eval");
        for (int i : order.subList(0, Math.min(top, order.size()))) {
            Probe p = probes.get(i);
            if (p.calls == 0) break;
            double ns = p.nanos - p.calls * probeNs;
            System.out.printf(Locale.ROOT, "%-46s %-8s %9.3f %9.1f %9.1f %9.1f%n", probed.get(i).id(), probed.get(i).eventType().id(),
                    (double) p.calls / n, ns / n, (double) p.bytes / n, ns / p.calls);
        }
    }

    /**
     * {ns per event of the fastest round, bytes per event}: one warm-up round, then {@link #ROUNDS}, each
     * of {@link #PASSES} passes (more for short arrays: at least {@link #MIN_EVENTS} events per round).
     */
    private static double[] measure(RuleEngine engine, Event[] events) {
        RuleEngineBenchmark.Counting sink = new RuleEngineBenchmark.Counting();
        int passes = Math.max(PASSES, MIN_EVENTS / events.length);
        double best = Double.MAX_VALUE, bytes = 0;
        for (int round = -1; round < ROUNDS; round++) {
            long b0 = MX.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            for (int p = 0; p < passes; p++) {
                for (Event e : events) engine.evaluate(e, e.timestamp(), sink);
            }
            long t1 = System.nanoTime();
            long b1 = MX.getCurrentThreadAllocatedBytes();
            if (round < 0) continue;
            double n = (double) passes * events.length;
            best = Math.min(best, (t1 - t0) / n);
            bytes = (b1 - b0) / n;
        }
        return new double[] {best, bytes};
    }

    /** Nanoseconds a probe adds to one call, measured around an expression that does nothing. */
    private static double probeOverhead(Event e) {
        Probe p = new Probe(c -> false);
        EvalContext ctx = new EvalContext(new Variables()).reset(e, e.timestamp());
        for (int i = 0; i < 2_000_000; i++) p.eval(ctx);
        p.reset();
        for (int i = 0; i < 2_000_000; i++) p.eval(ctx);
        return (double) p.nanos / p.calls;
    }
}
