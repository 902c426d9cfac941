package dev.vigil.secl.engine;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.Payload;
import dev.vigil.model.field.Field;
import dev.vigil.model.field.Fields;
import dev.vigil.model.field.Getters;
import dev.vigil.secl.eval.Compiler;
import dev.vigil.secl.eval.EvalContext;
import dev.vigil.secl.eval.Variables;
import dev.vigil.secl.policy.Action;
import dev.vigil.secl.policy.Rule;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a rule set against events: the agent's detection loop.
 *
 * <h2>Index</h2>
 * Rules are bucketed by event type, then, where a rule has an approver (a top-level condition such as
 * {@code exec.file.name in ["sh", "bash"]} or {@code open.file.path =~ "/etc/cron.d/*"}), by the values
 * it requires: an event only evaluates the rules whose approved values it has, plus the rules without
 * approvers. Adding rules an event cannot match costs one hash lookup per indexed field, not one
 * evaluation per rule.
 *
 * <h2>Actions and limits</h2>
 * On a match the rule's actions run (variables are set even when the alert is rate-limited, so chains
 * keep working). Alerts are limited per rule, by the rule's {@code every} or else
 * {@link #DEFAULT_ALERTS_PER_SECOND}; suppressed alerts are counted and reported with the next alert.
 *
 * <h2>Concurrency</h2>
 * Not thread-safe: one engine per evaluating thread; it owns its {@link Variables}.
 */
public final class RuleEngine {

    /** Alerts per rule per second when a rule sets no {@code every}. */
    public static final int DEFAULT_ALERTS_PER_SECOND = 100;

    /**
     * One alert: the rule, the event, how many matches of this rule were suppressed (rate limit) since
     * its last alert, and how many times the rule has matched in all.
     */
    public record Match(Rule rule, Event event, long suppressed, long matches) {}

    /** Receives alerts and (opt-in) kill requests. */
    public interface Listener {
        void onAlert(Match match);

        default void onKill(Rule rule, Event event, Action.Kill kill) { }
    }

    /** Per-rule counters. */
    public record RuleStats(String ruleId, long evaluations, long matches, long alerts, long suppressed) {}

    private static final class State {
        final Rule rule;
        long evaluations;
        long matches;
        long alerts;
        long suppressedTotal;
        long suppressedSinceAlert;
        long windowStart = Long.MIN_VALUE;
        int inWindow;

        State(Rule rule) { this.rule = rule; }
    }

    private record Exact(Getters.OfString getter, Map<String, State[]> byValue) {}

    private record Prefix(Getters.OfString getter, PrefixTable byPrefix) {}

    /**
     * Path prefixes to rules, looked up while walking a path: the hash of each prefix is carried along
     * (String.hashCode's recurrence) and candidates compared in place, so a lookup allocates nothing.
     */
    private static final class PrefixTable {
        private final String[] keys;
        private final State[][] values;
        private final int mask;

        PrefixTable(Map<String, State[]> m) {
            int cap = Integer.highestOneBit(Math.max(4, m.size() * 4 - 1)) << 1;
            keys = new String[cap];
            values = new State[cap][];
            mask = cap - 1;
            m.forEach((k, v) -> {
                int i = k.hashCode() & mask;
                while (keys[i] != null) i = (i + 1) & mask;
                keys[i] = k;
                values[i] = v;
            });
        }

        /** The rules under {@code s[0, len)}, whose String hash is {@code hash}; null when none. */
        State[] get(String s, int len, int hash) {
            for (int i = hash & mask; keys[i] != null; i = (i + 1) & mask) {
                String k = keys[i];
                if (k.length() == len && k.hashCode() == hash && s.regionMatches(0, k, 0, len)) return values[i];
            }
            return null;
        }
    }

    /** Integer approvers: sorted keys, searched without boxing. */
    private record Numeric(Getters.OfLong getter, long[] keys, State[][] rules) {}

    private static final class Bucket {
        State[] always = new State[0];
        Exact[] exact = new Exact[0];
        Numeric[] numeric = new Numeric[0];
        Prefix[] prefix = new Prefix[0];
    }

    private final Bucket[] buckets = new Bucket[128];
    private final List<State> states = new ArrayList<>();
    private final Variables variables;
    private final EvalContext ctx;
    private long events;

    public RuleEngine(List<Rule> rules, Variables variables) {
        this.variables = variables;
        this.ctx = new EvalContext(variables);
        Map<EventType, List<State>> always = new LinkedHashMap<>();
        Map<EventType, Map<String, Map<String, List<State>>>> exact = new LinkedHashMap<>();
        Map<EventType, Map<String, Map<String, List<State>>>> prefix = new LinkedHashMap<>();
        Map<EventType, Map<String, Map<Long, List<State>>>> numeric = new LinkedHashMap<>();
        for (Rule r : rules) {
            State s = new State(r);
            states.add(s);
            Compiler.Approver a = best(r);
            if (a == null) {
                always.computeIfAbsent(r.eventType(), t -> new ArrayList<>()).add(s);
            } else if (a.numeric()) {
                var byValue = numeric.computeIfAbsent(r.eventType(), t -> new LinkedHashMap<>())
                        .computeIfAbsent(a.field(), f -> new HashMap<>());
                for (long v : a.numbers()) byValue.computeIfAbsent(v, k -> new ArrayList<>()).add(s);
            } else {
                var target = a.prefix() ? prefix : exact;
                var byValue = target.computeIfAbsent(r.eventType(), t -> new LinkedHashMap<>())
                        .computeIfAbsent(a.field(), f -> new HashMap<>());
                for (String v : a.values()) byValue.computeIfAbsent(v, k -> new ArrayList<>()).add(s);
            }
        }
        for (EventType t : EventType.values()) {
            Bucket b = new Bucket();
            b.always = sorted(always.getOrDefault(t, List.of()));
            List<Exact> ex = new ArrayList<>();
            exact.getOrDefault(t, Map.of()).forEach((field, m) -> ex.add(new Exact(getter(field), arrays(m))));
            b.exact = ex.toArray(new Exact[0]);
            List<Prefix> px = new ArrayList<>();
            prefix.getOrDefault(t, Map.of()).forEach((field, m) -> px.add(new Prefix(getter(field), new PrefixTable(arrays(m)))));
            b.prefix = px.toArray(new Prefix[0]);
            List<Numeric> nx = new ArrayList<>();
            numeric.getOrDefault(t, Map.of()).forEach((field, m) -> {
                long[] keys = m.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
                State[][] byKey = new State[keys.length][];
                for (int i = 0; i < keys.length; i++) byKey[i] = sorted(m.get(keys[i]));
                nx.add(new Numeric(((Field.LongField) Fields.get(field)).getter(), keys, byKey));
            });
            b.numeric = nx.toArray(new Numeric[0]);
            buckets[t.code()] = b;
        }
    }

    /**
     * The most selective approver: one on the event's own fields (open.file.path) before one on the
     * process (process.file.name: common tools run everywhere), then exact values over prefixes, then
     * fewer values.
     */
    private static Compiler.Approver best(Rule r) {
        String own = r.eventType().id() + ".";
        return r.approvers().stream()
                .min(Comparator.comparing((Compiler.Approver a) -> !a.field().startsWith(own))
                        .thenComparing(Compiler.Approver::prefix)
                        .thenComparingInt(Compiler.Approver::size))
                .orElse(null);
    }

    private static Getters.OfString getter(String field) {
        return ((Field.StringField) Fields.get(field)).getter();
    }

    private static Map<String, State[]> arrays(Map<String, List<State>> m) {
        Map<String, State[]> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, sorted(v)));
        return out;
    }

    private static State[] sorted(Collection<State> states) {
        return states.stream().sorted(Comparator.comparingInt(s -> s.rule.cost())).toArray(State[]::new);
    }

    /** Evaluates every rule that can match {@code e}; {@code now} is Unix ns. */
    public void evaluate(Event e, long now, Listener out) {
        events++;
        EventType type = e.type();
        Bucket b = buckets[type.code()];
        ctx.reset(e, now);
        for (State s : b.always) run(s, e, now, out);
        for (Exact ex : b.exact) {
            State[] hit = ex.byValue().get(ex.getter().get(e));
            if (hit != null) for (State s : hit) run(s, e, now, out);
        }
        for (Numeric nx : b.numeric) {
            int i = java.util.Arrays.binarySearch(nx.keys(), nx.getter().get(e));
            if (i >= 0) for (State s : nx.rules()[i]) run(s, e, now, out);
        }
        for (Prefix px : b.prefix) {
            String v = px.getter().get(e);
            int h = 0;
            int n = v.length();
            for (int i = 0; i < n; i++) {
                char c = v.charAt(i);
                h = 31 * h + c;
                if (c == '/' && i < n - 1) { // every directory prefix ("/", "/etc/", "/etc/cron.d/")
                    State[] hit = px.byPrefix().get(v, i + 1, h);
                    if (hit != null) for (State s : hit) run(s, e, now, out);
                }
            }
            State[] whole = px.byPrefix().get(v, n, h); // and the path itself (exact paths in a prefix list)
            if (whole != null) for (State s : whole) run(s, e, now, out);
        }
        // variable scopes follow the process tree
        if (type == EventType.FORK && e.process().parent() != null) {
            variables.onFork(e.process().parent().pid(), e.process().pid());
        } else if (type == EventType.EXIT) {
            variables.onExit(e.process().pid());
        }
    }

    private void run(State s, Event e, long now, Listener out) {
        s.evaluations++;
        if (!s.rule.eval().eval(ctx)) {
            return;
        }
        s.matches++;
        for (Action a : s.rule.actions()) {
            switch (a) {
                case Action.SetVariable sv -> variables.set(sv.scope(), sv.name(), valueOf(sv, e), sv.append(), sv.ttlNanos(), e, now);
                case Action.Kill k -> out.onKill(s.rule, e, k);
            }
        }
        if (s.rule.silent()) {
            return;
        }
        if (limited(s, now)) {
            s.suppressedTotal++;
            s.suppressedSinceAlert++;
            return;
        }
        s.alerts++;
        long suppressed = s.suppressedSinceAlert;
        s.suppressedSinceAlert = 0;
        out.onAlert(new Match(s.rule, e, suppressed, s.matches));
    }

    private static Object valueOf(Action.SetVariable sv, Event e) {
        if (sv.field() == null) return sv.value();
        return switch (Fields.get(sv.field())) {
            case Field.StringField f -> f.getter().get(e);
            case Field.LongField f -> f.getter().get(e);
            case Field.BoolField f -> f.getter().get(e);
            case Field.StringsField f -> List.copyOf(f.getter().get(e));
            case Field.LongsField f -> {
                List<Long> out = new ArrayList<>();
                for (long x : f.getter().apply(e)) out.add(x);
                yield out;
            }
        };
    }

    /** Whether the rule has used up its alerts for the current window. */
    private static boolean limited(State s, long now) {
        long period = s.rule.everyNanos() > 0 ? s.rule.everyNanos() : 1_000_000_000L;
        int allowed = s.rule.everyNanos() > 0 ? 1 : DEFAULT_ALERTS_PER_SECOND;
        if (s.windowStart == Long.MIN_VALUE || now - s.windowStart >= period) {
            s.windowStart = now;
            s.inWindow = 0;
        }
        if (s.inWindow >= allowed) return true;
        s.inWindow++;
        return false;
    }

    public List<RuleStats> stats() {
        List<RuleStats> out = new ArrayList<>();
        for (State s : states) out.add(new RuleStats(s.rule.id(), s.evaluations, s.matches, s.alerts, s.suppressedTotal));
        return out;
    }

    public long events() { return events; }

    public Variables variables() { return variables; }

    public List<Rule> rules() { return states.stream().map(s -> s.rule).toList(); }

    static boolean isFork(Event e) { return e.payload() instanceof Payload.Fork; }
}
