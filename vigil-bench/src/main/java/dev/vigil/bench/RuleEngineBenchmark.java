package dev.vigil.bench;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.secl.eval.Variables;
import dev.vigil.secl.policy.Action;
import dev.vigil.secl.policy.PolicyLoader;
import dev.vigil.secl.policy.Rule;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Rule evaluation alone: {@link RuleEngine#evaluate} over a recorded, realistic event mix
 * ({@link Trace#HOST_MIX}: 86% opens, then forks, exits, execs, unlinks, mkdirs, connects...), in
 * events per second on one thread, with allocation per event under {@code -prof gc}.
 *
 * <p>{@code @Param policy} puts the rule sets side by side in one run: the shipped default policy
 * alone, and with 10, 100 and 1,000 {@link SyntheticRules} added, rules of realistic shape that no
 * event of the trace can satisfy. With a working rule index the last three cost about the same.
 *
 * <p>The trace is loaded once per trial into an array (processes shared as the agent's process cache
 * shares them, see {@link Trace}); each invocation evaluates the next {@value #BATCH} events, wrapping
 * around, with the event's own timestamp as "now", as the agent does. One operation is one event, so
 * ops/s is events/s and {@code gc.alloc.rate.norm} is bytes per event. The engine keeps its state
 * (rule variables, alert rate limits) across passes, like a long-running agent; a listener counts
 * alerts. Setup prints, per policy, the rules loaded, the rule evaluations per event the index lets
 * through and the matches of one pass, and fails if a synthetic rule ever matches.
 *
 * <pre>
 *   java -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' org.openjdk.jmh.Main RuleEngineBenchmark \
 *        -f 1 -wi 5 -w 2s -i 5 -r 2s -prof gc
 * </pre>
 * ({@code bench/rules-bench.sh} builds and runs this and keeps the results.)
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class RuleEngineBenchmark {

    /** Events per benchmark invocation: large enough to amortise the harness, small next to the trace. */
    static final int BATCH = 1024;

    /** {@code default}, or {@code default+N} for the default policy plus N synthetic rules. */
    @Param({"default", "default+10", "default+100", "default+1000"})
    public String policy;

    private Event[] events;
    private RuleEngine engine;
    private final Counting listener = new Counting();
    private int next;

    @Setup
    public void setUp() {
        events = Trace.load(Trace.HOST_MIX).toArray(Event[]::new);
        engine = engine(syntheticCount(policy));
        System.out.println(describe(policy, engine, events));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long evaluate() {
        Event[] es = events;
        RuleEngine en = engine;
        int i = next;
        for (int n = 0; n < BATCH; n++) {
            Event e = es[i];
            en.evaluate(e, e.timestamp(), listener);
            if (++i == es.length) i = 0;
        }
        next = i;
        return listener.alerts;
    }

    /** Counts alerts and kill requests; does nothing else (the cost of acting on alerts is not measured). */
    static final class Counting implements RuleEngine.Listener {
        long alerts;
        long kills;

        @Override public void onAlert(RuleEngine.Match match) { alerts++; }

        @Override public void onKill(Rule rule, Event event, Action.Kill kill) { kills++; }
    }

    static int syntheticCount(String policy) {
        if (policy.equals("default")) return 0;
        if (policy.startsWith("default+")) return Integer.parseInt(policy.substring("default+".length()));
        throw new IllegalArgumentException("policy must be 'default' or 'default+N', got '" + policy + "'");
    }

    /** An engine for the default policy plus {@code synthetic} rules; fails on any load error. */
    static RuleEngine engine(int synthetic) {
        PolicyLoader.Result loaded = PolicyLoader.load(SyntheticRules.withDefault(synthetic));
        if (loaded.hasErrors()) {
            throw new IllegalStateException("policy errors: " + loaded.errors());
        }
        return new RuleEngine(loaded.rules(), new Variables());
    }

    /**
     * One pass of the trace through a fresh engine for the same policy: rules loaded, rule evaluations
     * per event (what the index lets through), rules that matched. Throws if a synthetic rule matched.
     */
    static String describe(String policy, RuleEngine sameRules, Event[] events) {
        RuleEngine fresh = engine(syntheticCount(policy));
        Counting alerts = new Counting();
        for (Event e : events) fresh.evaluate(e, e.timestamp(), alerts);
        List<RuleEngine.RuleStats> stats = fresh.stats();
        long evaluations = stats.stream().mapToLong(RuleEngine.RuleStats::evaluations).sum();
        List<RuleEngine.RuleStats> matched = stats.stream().filter(s -> s.matches() > 0)
                .sorted(Comparator.comparingLong(RuleEngine.RuleStats::matches).reversed()).toList();
        for (RuleEngine.RuleStats s : matched) {
            if (s.ruleId().startsWith("bench_rule_")) {
                throw new IllegalStateException("synthetic rule " + s.ruleId() + " matched " + s.matches()
                        + " events of the trace: it must not match anything");
            }
        }
        Map<EventType, Integer> types = Trace.typeCounts(List.of(events));
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n# policy %s: %d rules; trace %d events %s%n", policy, sameRules.rules().size(),
                events.length, types));
        b.append(String.format(Locale.ROOT, "# one pass: %.2f rule evaluations per event, %d alerts, matched rules:",
                (double) evaluations / events.length, alerts.alerts));
        for (RuleEngine.RuleStats s : matched) b.append(' ').append(s.ruleId()).append('=').append(s.matches());
        return b.toString();
    }
}
