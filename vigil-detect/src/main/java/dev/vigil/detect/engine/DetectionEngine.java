package dev.vigil.detect.engine;

import dev.vigil.detect.event.AttributePath;
import dev.vigil.detect.event.AttributeProjection;
import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.FieldRef;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.query.Query;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.DetectionRule.RuleQuery;
import dev.vigil.detect.rule.Method;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalAggregator;
import dev.vigil.detect.signal.Templates;
import dev.vigil.detect.state.GroupKey;
import dev.vigil.detect.state.KeyedState;
import dev.vigil.detect.state.StateBackend;
import dev.vigil.detect.suppression.Suppression;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs detection rules over a stream of events and folds their detections into signals.
 *
 * <p>Per event: candidate rules come from an index on {@code source} (most rules name one);
 * each candidate's queries are evaluated, the group key is read from the group-by fields, and
 * the rule's detector ({@link Method}) decides whether a case fires. Detections pass the
 * suppressions, then join or open a signal in the {@link SignalAggregator}.
 *
 * <p>Each event is looked at through an {@link EventCache}: every attribute path and query term
 * the rules use gets a slot when rules are loaded, and is resolved (evaluated) at most once per
 * event however many rules read it. Group keys are probed with a per-query scratch key; a key
 * is allocated only for a new group or signal.
 *
 * <p>Time is event time: windows and keep-alives use the events' own timestamps, so a replay
 * of recorded events gives the signals a live run gave. The watermark trails the newest event
 * time by the largest rule lateness; windowed methods count events older than their rule's
 * lateness as late and leave them out (counted per rule); match rules take them.
 *
 * <p>The detection state (every rule family's groups, learned values and baselines) can be
 * written between two events ({@link #writeSnapshot}) and restored into a fresh engine
 * ({@link #restoreSnapshot}), so a restart does not re-read the rules' look-back; see
 * {@link StateSnapshot}.
 *
 * <p>Single-threaded: one engine per pipeline stage (or per Flink subtask).
 */
public final class DetectionEngine {

    /** A compiled rule: the rule, the {@link RuleFamily} whose state it shares (often alone), its stats. */
    public static final class Compiled {
        final DetectionRule rule;
        final RuleFamily family;
        final RuleStats stats;

        Compiled(DetectionRule rule, RuleFamily family, RuleStats stats) {
            this.rule = rule;
            this.family = family;
            this.stats = stats;
        }

        public DetectionRule rule() { return rule; }

        public RuleStats stats() { return stats; }

        public int groups() { return family.detector.groups(); }
    }

    /** A suppression in force, its query bound to the engine's {@link EventCache} (terms shared with the rules'). */
    private record ActiveSuppression(Suppression suppression, Query query, Query.Bound bound, LongAdder count) {
        ActiveSuppression bind(EventCache cache) { return new ActiveSuppression(suppression, query, query.bind(cache), count); }
    }

    private final StateBackend backend;
    private final EngineLimits limits;
    private final SignalAggregator aggregator;
    private final LongAdder events = new LongAdder();
    private final LongAdder lateEvents = new LongAdder();

    private Map<String, Compiled> rules = new LinkedHashMap<>();
    /** The families of {@link #rules}, each once. */
    private RuleFamily[] families = new RuleFamily[0];
    private Map<String, SourceBucket> bySource = Map.of();
    /** What an event of a source no rule names runs: the rules that name no source. */
    private RuleList anySource = RuleList.EMPTY;
    private EventCache cache = new EventCache();
    private int evtNameSlot;
    private List<ActiveSuppression> suppressions = List.of();
    /** What the rules, suppressions and severity placeholders read of events' attributes. */
    private AttributeProjection projection = AttributeProjection.ALL;
    private final Map<String, LongAdder> suppressedCounts = new HashMap<>();

    private long newest = Long.MIN_VALUE;
    private long nextExpiry = Long.MIN_VALUE;
    private boolean rebuilding;
    private boolean restoredSnapshot;

    public DetectionEngine(List<DetectionRule> rules, StateBackend backend, EngineLimits limits) {
        this.backend = backend;
        this.limits = limits;
        this.aggregator = new SignalAggregator(limits.maxOpenSignals());
        setRules(rules);
    }

    public DetectionEngine(List<DetectionRule> rules) {
        this(rules, StateBackend.IN_MEMORY, EngineLimits.DEFAULT);
    }

    /**
     * Replaces the rule set between two events. A rule whose text did not change keeps its
     * state and stats; a changed or new rule starts empty; disabled rules are dropped.
     */
    public void setRules(List<DetectionRule> newRules) {
        // kept rules keep their family; a new or changed rule joins a family no event has reached yet, or starts one
        Map<RuleFamily.Signature, RuleFamily> joinable = new HashMap<>();
        for (DetectionRule r : newRules) {
            Compiled old = r.enabled() ? kept(r) : null;
            if (old != null && old.family.joinable()) joinable.putIfAbsent(old.family.signature, old.family);
        }
        Map<String, Compiled> next = new LinkedHashMap<>();
        for (DetectionRule r : newRules) {
            if (!r.enabled()) continue;
            Compiled old = kept(r);
            next.put(r.id(), old != null ? old : compile(r, joinable));
        }
        Set<RuleFamily> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<RuleFamily> fams = new ArrayList<>();
        for (Compiled c : next.values()) if (distinct.add(c.family)) fams.add(c.family);
        Map<String, List<Compiled>> index = new HashMap<>();
        List<Compiled> any = new ArrayList<>();
        for (Compiled c : next.values()) {
            Set<String> sources = required(c.rule, "source");
            if (sources == null) any.add(c);
            else for (String s : sources) index.computeIfAbsent(s, k -> new ArrayList<>()).add(c);
        }
        Map<String, SourceBucket> frozen = new HashMap<>();
        index.forEach((k, v) -> frozen.put(k, SourceBucket.of(v, any)));
        RuleList anyList = RuleList.of(any, null);
        // a fresh cache per rule set: its slots are exactly what these rules read
        EventCache fresh = new EventCache();
        evtNameSlot = fresh.slot(EVT_NAME);
        for (RuleFamily f : fams) f.bind(fresh);
        for (SourceBucket b : frozen.values()) b.bind(fresh);
        anyList.bind(fresh);
        aggregator.bind(fresh);
        this.suppressions = suppressions.stream().map(x -> x.bind(fresh)).toList();
        this.cache = fresh;
        this.rules = next;
        this.families = fams.toArray(RuleFamily[]::new);
        this.bySource = frozen;
        this.anySource = anyList;
        this.projection = project();
        cache.listedBy(projection);
    }

    /**
     * What the loaded rules and suppressions read of an event's attributes: an event decoded with
     * this projection ({@link dev.vigil.detect.event.LogEventJson#fromJson(byte[], AttributeProjection)})
     * is detected on exactly as the fully decoded one, and its signals' samples are complete.
     * Changes with {@link #setRules} and {@link #setSuppressions}.
     */
    public AttributeProjection projection() { return projection; }

    private AttributeProjection project() {
        // the cache has the paths of the rules, the entities and the suppressions (all bound to it); severities read events directly
        Map<String, AttributePath> paths = new LinkedHashMap<>();
        for (AttributePath p : cache.paths()) paths.put(p.dotted(), p);
        for (Compiled c : rules.values()) {
            for (var k : c.rule.cases()) for (AttributePath p : Templates.attributePaths(k.status())) paths.putIfAbsent(p.dotted(), p);
        }
        return AttributeProjection.of(paths.values());
    }

    /**
     * The rules of one source, indexed again by {@code @evt.name} where every query of a rule
     * names it: an agent event then runs the rules of its event type, not the 40-odd rules of
     * every agent event type (the agent's SECL engine indexes by event type the same way). Per
     * event name, the list an event runs: that name's rules, then the source's other rules, then
     * the rules of no source; {@code anyEventName} is the list without the first part.
     */
    private record SourceBucket(Map<String, RuleList> byEventName, RuleList anyEventName) {
        static SourceBucket of(List<Compiled> rules, List<Compiled> anySource) {
            Map<String, List<Compiled>> byName = new HashMap<>();
            List<Compiled> rest = new ArrayList<>();
            for (Compiled c : rules) {
                Set<String> names = required(c.rule, "@evt.name");
                if (names == null) rest.add(c);
                else for (String n : names) byName.computeIfAbsent(n, k -> new ArrayList<>()).add(c);
            }
            rest.addAll(anySource);
            Map<String, RuleList> frozen = new HashMap<>();
            byName.forEach((name, named) -> {
                List<Compiled> all = new ArrayList<>(named);
                all.addAll(rest);
                frozen.put(name, RuleList.of(all, EVT_NAME.dotted()));
            });
            return new SourceBucket(frozen, RuleList.of(rest, null));
        }

        void bind(EventCache cache) {
            byEventName.values().forEach(l -> l.bind(cache));
            anyEventName.bind(cache);
        }
    }

    private static final AttributePath EVT_NAME = AttributePath.of("evt.name");

    /** The values every query of the rule requires for {@code field}, or null when some query doesn't constrain it. */
    private static Set<String> required(DetectionRule r, String field) {
        Set<String> all = new java.util.HashSet<>();
        for (RuleQuery q : r.queries()) {
            Optional<Set<String>> s = q.query().requiredValues(field);
            if (s.isEmpty()) return null;
            all.addAll(s.get());
        }
        return all;
    }

    /** The running rule {@code r} replaces when its text is unchanged (it keeps its state and stats), else null. */
    private Compiled kept(DetectionRule r) {
        Compiled old = rules.get(r.id());
        return old != null && old.rule.text() != null && old.rule.text().equals(r.text()) ? old : null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Compiled compile(DetectionRule r, Map<RuleFamily.Signature, RuleFamily> joinable) {
        RuleFamily.Signature sig = RuleFamily.Signature.of(r);
        RuleFamily family = joinable.get(sig);
        if (family != null) return new Compiled(r, family, new RuleStats(family.stats));
        RuleStats stats = new RuleStats();
        KeyedState state = backend.keyed(r.id(), r.method().id(), limits.maxGroupsPerRule(), stats.state);
        Detector d = switch (r.method()) {
            case MATCH -> new MatchDetector(r);
            case THRESHOLD -> new ThresholdDetector(r, state, stats.state, limits.maxValuesPerGroup());
            case NEW_VALUE -> new NewValueDetector(r, state, stats.state, limits.maxValuesPerGroup());
            case SEQUENCE -> new SequenceDetector(r, state);
            case ANOMALY -> new AnomalyDetector(r, state);
        };
        family = new RuleFamily(sig, r, d, stats);
        joinable.put(sig, family);
        return new Compiled(r, family, stats);
    }

    /** Replaces the suppressions; counts of the ones kept carry over. */
    public void setSuppressions(List<Suppression> list) {
        List<ActiveSuppression> out = new ArrayList<>();
        for (Suppression s : list) {
            if (!s.enabled()) continue;
            LongAdder count = suppressedCounts.computeIfAbsent(s.id(), k -> new LongAdder());
            Query q = Query.parse(s.query());
            out.add(new ActiveSuppression(s, q, q.bind(cache), count));
        }
        this.suppressions = out;
        this.projection = project();
        cache.listedBy(projection);
    }

    /** Runs one event through every rule that may match it. */
    public void process(LogEvent e) {
        events.increment();
        long t = e.time();
        if (t > newest) newest = t;
        EventCache ec = cache;
        ec.reset(e);
        RuleList list = anySource;
        SourceBucket bucket = bySource.get(e.source());
        if (bucket != null) {
            list = bucket.anyEventName;
            if (!bucket.byEventName.isEmpty()) {
                String name = ec.firstText(evtNameSlot);
                RuleList named = name == null ? null : bucket.byEventName.get(name);
                if (named != null) list = named;
            }
        }
        Compiled[] rs = list.rules;
        for (int i = 0; i < rs.length; i++) if (list.admits(i, ec)) run(rs[i], e, ec);
        if (newest >= nextExpiry) {
            expire(newest);
            nextExpiry = newest + limits.expireEvery().toMillis();
        }
    }

    /** Rule {@code c} on the current event: its family evaluates once, then the rule picks its case. */
    private void run(Compiled c, LogEvent e, EventCache ec) {
        RuleFamily f = c.family;
        if (f.evaluatedAt != ec.epoch()) evaluate(f, e, ec);
        switch (f.outcome) {
            case RuleFamily.CASE -> {
                int k = f.detector.caseFor(c.rule);
                if (k >= 0) detected(c, k, f.key, e);
            }
            case RuleFamily.LATE -> lateEvents.increment(); // per rule, as the rule's own count
            default -> {}
        }
    }

    /** The family's queries, group and state update for the current event; counted once in the shared stats. */
    private void evaluate(RuleFamily f, LogEvent e, EventCache ec) {
        f.evaluatedAt = ec.epoch();
        f.used = true;
        Query.Bound[] qs = f.queries;
        boolean[] matched = f.matched;
        int firstMatched = -1;
        for (int i = 0; i < qs.length; i++) {
            boolean m = qs[i].matches(ec);
            matched[i] = m;
            if (m && firstMatched < 0) firstMatched = i;
        }
        if (firstMatched < 0) {
            f.outcome = RuleFamily.NO_MATCH;
            return;
        }
        f.stats.matchedEvents.increment();
        if (f.windowed && e.time() < newest - f.lateness) {
            f.stats.late.increment();
            f.outcome = RuleFamily.LATE;
            return;
        }
        GroupKey key = groupKey(f.groupBy[firstMatched], f.scratch[firstMatched], ec);
        f.key = key;
        f.outcome = f.detector.onEvent(e, ec, matched, key) ? RuleFamily.CASE : RuleFamily.NO_CASE;
    }

    /**
     * While rebuilding, events only rebuild detector state (windows, sequences, learned values):
     * their detections were already folded into stored signals before a restart, so they are
     * not aggregated or counted again.
     */
    public void setRebuilding(boolean on) { this.rebuilding = on; }

    /**
     * Re-opens stored signals that may still be extended (after a restart), so new detections of
     * the same group within keep-alive continue them instead of opening a second signal.
     */
    public int resume(List<Signal> signals) {
        int n = 0;
        for (Signal s : signals) {
            Compiled c = rules.get(s.ruleId());
            if (c == null) continue;
            var fields = c.rule.queries().getFirst().groupBy();
            String[] v = new String[fields.size()];
            for (int i = 0; i < v.length; i++) v[i] = s.groupBy().getOrDefault(fields.get(i).name(), "");
            if (aggregator.resume(c.rule, new GroupKey(v), s)) n++;
        }
        return n;
    }

    /** The longest any rule's windows look back: how far before a checkpoint a rebuild starts. */
    public long lookbackMillis() {
        long max = 0;
        for (Compiled c : rules.values()) {
            var o = c.rule.options();
            long lateness = c.rule.options().lateness().toMillis();
            long l = switch (c.rule.method()) {
                case MATCH -> 0;
                case THRESHOLD -> o.evaluationWindow().toMillis();
                case SEQUENCE -> o.steps().stream().mapToLong(s -> s.window().toMillis()).sum();
                case ANOMALY -> o.bucket().toMillis() * o.baselineBuckets();
                case NEW_VALUE -> o.learningDuration().toMillis();
            };
            max = Math.max(max, l + lateness);
        }
        return max;
    }

    public long newestTime() { return newest; }

    /**
     * Writes the detection state (every stateful rule family's groups, learned values and
     * baselines, and the engine's event-time position) as a {@link StateSnapshot}. Call it between
     * two events, on the thread that processes them; it changes nothing. The stream is flushed,
     * not closed.
     *
     * @param position what the state reflects in the caller's terms, kept in the snapshot: the
     *                 pipeline passes the event log offset before which every event was processed
     */
    public StateSnapshot.Written writeSnapshot(OutputStream out, long position) throws IOException {
        return writeSnapshot(out, position, System.currentTimeMillis());
    }

    StateSnapshot.Written writeSnapshot(OutputStream out, long position, long writtenAt) throws IOException {
        return StateSnapshot.write(out, position, writtenAt, newest, nextExpiry, families, members());
    }

    /**
     * Reads and checks a snapshot in full without changing anything; {@link StateSnapshot.Staged#apply}
     * then restores it. The engine must not have processed any event.
     *
     * @throws StateSnapshot.SnapshotException when it can't be restored (truncated, corrupt, another format version), saying why
     */
    public StateSnapshot.Staged readSnapshot(InputStream in) throws IOException {
        beforeRestore(families);
        return StateSnapshot.read(this, in, families, members());
    }

    /** {@link #readSnapshot} and apply it: all or nothing. */
    public StateSnapshot.Restored restoreSnapshot(InputStream in) throws IOException {
        return readSnapshot(in).apply();
    }

    /** The rule ids of each family, in rule order. */
    private Map<RuleFamily, List<String>> members() {
        Map<RuleFamily, List<String>> m = new java.util.IdentityHashMap<>();
        for (Compiled c : rules.values()) m.computeIfAbsent(c.family, k -> new ArrayList<>()).add(c.rule.id());
        return m;
    }

    void beforeRestore(RuleFamily[] read) {
        if (events.sum() > 0) throw new IllegalStateException("a snapshot is restored before the first event, not after " + events.sum());
        if (restoredSnapshot) throw new IllegalStateException("a snapshot was restored already");
        if (read != families) throw new IllegalStateException("the rules changed since the snapshot was read");
    }

    void restored(long newestTime, long nextExpiryTime) {
        this.newest = newestTime;
        this.nextExpiry = nextExpiryTime;
        this.restoredSnapshot = true;
    }

    private void detected(Compiled c, int caseIndex, GroupKey group, LogEvent e) {
        if (rebuilding) return;
        c.stats.detections.increment();
        for (ActiveSuppression s : suppressions) {
            Suppression sup = s.suppression;
            if ((sup.ruleId() == null || sup.ruleId().isEmpty() || sup.ruleId().equals(c.rule.id()))
                    && sup.activeAt(e.time()) && s.bound.matches(cache)) {
                s.count.increment();
                c.stats.suppressed.increment();
                return;
            }
        }
        aggregator.add(c.rule, caseIndex, group, e);
    }

    /** The event's group in {@code scratch} (valid until the next event; kept as {@link GroupKey#stored()}). */
    private static GroupKey groupKey(FieldRef.Bound[] fields, GroupKey scratch, EventCache ec) {
        if (fields.length == 0) return GroupKey.NONE;
        for (int i = 0; i < fields.length; i++) {
            String s = fields[i].text(ec);
            scratch.set(i, s == null ? "" : s);
        }
        return scratch.rehash();
    }

    private void expire(long newestTime) {
        for (RuleFamily f : families) f.detector.expire(newestTime - f.lateness);
        aggregator.expire(newestTime);
    }

    /** Signals opened or extended since the last call. */
    public List<Signal> drainSignals(long nowMillis) {
        return aggregator.drain(nowMillis);
    }

    /** Suppressed detections per suppression id since the last call. */
    public Map<String, Long> drainSuppressedCounts() {
        Map<String, Long> out = new HashMap<>();
        suppressedCounts.forEach((id, n) -> {
            long v = n.sumThenReset();
            if (v > 0) out.put(id, v);
        });
        return out;
    }

    public Map<String, Compiled> rules() { return rules; }

    public Stats stats() {
        return new Stats(events.sum(), lateEvents.sum(), newest, rules.size(), aggregator.openSignals(),
                aggregator.created.sum(), aggregator.evicted.sum());
    }

    /**
     * @param events         events processed
     * @param lateEvents     events too late for some windowed rule (also counted per rule)
     * @param newestTime     the newest event time seen (epoch ms)
     * @param openSignals    signals that can still be extended
     * @param signalsCreated signals opened
     * @param signalsEvicted open signals closed early because of the open-signal bound
     */
    public record Stats(long events, long lateEvents, long newestTime, int rules, int openSignals, long signalsCreated,
                        long signalsEvicted) {}
}
