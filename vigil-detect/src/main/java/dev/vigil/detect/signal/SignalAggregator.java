package dev.vigil.detect.signal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.state.GroupKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Folds detections into signals: one open signal per rule and group, extended by every
 * detection whose event comes within the rule's keep-alive of the previous one and within its
 * maximum signal duration of the first (event time). 400,000 executions of one miner in one
 * container are one signal with a count of 400,000. Work per detection is a map lookup, a few
 * counters and the entity sets; samples are rendered only when the signal is drained.
 */
public final class SignalAggregator {

    /** A rule and group; the aggregator's probe is refilled per detection, stored keys are immutable. */
    private static final class Key {
        String ruleId;
        GroupKey group;
        int hash;

        Key(String ruleId, GroupKey group) { set(ruleId, group); }

        Key set(String ruleId, GroupKey group) {
            this.ruleId = ruleId;
            this.group = group;
            this.hash = 31 * ruleId.hashCode() + group.hashCode();
            return this;
        }

        @Override public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && k.ruleId.equals(ruleId) && k.group.equals(group);
        }

        @Override public int hashCode() { return hash; }
    }

    /** The activity of one open signal. */
    private static final class Open {
        final String id;
        final DetectionRule rule;
        final GroupKey group;
        final LogEvent first;
        final EntityCollector entities = new EntityCollector();
        LogEvent last;
        long count;
        long firstSeen;
        long lastSeen;
        Severity severity;
        long createdAt;
        /** The last record drained: what only depends on the first event (title, tags, tree...) is rendered once. */
        Signal rendered;
        LogEvent renderedLast;
        boolean dirty = true;

        Open(String id, DetectionRule rule, GroupKey group, LogEvent first) {
            this.id = id;
            this.rule = rule;
            this.group = group;
            this.first = first;
            this.firstSeen = first.time();
            this.lastSeen = first.time();
        }
    }

    private final int maxOpen;
    private final LinkedHashMap<Key, Open> open;
    private final List<Open> dirty = new ArrayList<>();
    private final Key probe = new Key("", GroupKey.NONE);
    private EventEntities entities;
    /** Open signals closed early because too many were open (each later match starts a new signal). */
    public final LongAdder evicted = new LongAdder();
    public final LongAdder created = new LongAdder();

    public SignalAggregator(int maxOpen) {
        this.maxOpen = maxOpen;
        this.open = new LinkedHashMap<>(1024, 0.75f, true);
    }

    /** Reads the entities of detected events through {@code cache} (its current event is the one {@link #add} is given); at rule load. */
    public void bind(EventCache cache) {
        this.entities = new EventEntities(cache);
    }

    /**
     * Adds one detection of {@code rule}'s case {@code caseIndex} for {@code group}; {@code e} is
     * the current event of the cache given to {@link #bind}, and {@code group} may be a scratch key.
     */
    public void add(DetectionRule rule, int caseIndex, GroupKey group, LogEvent e) {
        Open s = open.get(probe.set(rule.id(), group));
        long t = e.time();
        if (s != null && (t - s.lastSeen > rule.options().keepAlive().toMillis()
                || t - s.firstSeen > rule.options().maxSignalDuration().toMillis())) {
            open.remove(probe);
            s = null;
        }
        probe.set("", GroupKey.NONE); // don't keep a scratch key or a rule id alive
        if (s == null) {
            GroupKey stored = group.stored();
            s = new Open(signalId(rule.id(), stored, e), rule, stored, e);
            open.put(new Key(rule.id(), stored), s);
            created.increment();
            if (open.size() > maxOpen) {
                Iterator<Map.Entry<Key, Open>> it = open.entrySet().iterator();
                it.next();
                it.remove();
                evicted.increment();
            }
        }
        s.count++;
        if (t >= s.lastSeen) {
            s.lastSeen = t;
            s.last = e;
        }
        if (t < s.firstSeen) s.firstSeen = t;
        Severity sev = severity(rule, caseIndex, e);
        if (s.severity == null || sev.compareTo(s.severity) > 0) s.severity = sev;
        s.entities.add(entities.current());
        if (!s.dirty) {
            s.dirty = true;
            dirty.add(s);
        } else if (s.count == 1) {
            dirty.add(s);
        }
    }

    /** Continues a stored signal: later detections of its group within keep-alive extend it. */
    public boolean resume(DetectionRule rule, GroupKey group, Signal s) {
        Key k = new Key(rule.id(), group.stored());
        if (open.containsKey(k) || s.samples().isEmpty()) return false;
        LogEvent first = LogEventJson.fromTree(s.samples().getFirst());
        Open o = new Open(s.id(), rule, group, first);
        o.count = s.count();
        o.firstSeen = s.firstSeen();
        o.lastSeen = s.lastSeen();
        o.last = s.samples().size() > 1 ? LogEventJson.fromTree(s.samples().getLast()) : first;
        o.severity = s.severity();
        o.createdAt = s.createdAt();
        o.dirty = false;
        o.entities.addAll(s.entities());
        open.put(k, o);
        return true;
    }

    /** Signals changed since the last drain, as complete records (engine-owned fields; status open). */
    public List<Signal> drain(long nowMillis) {
        if (dirty.isEmpty()) return List.of();
        List<Signal> out = new ArrayList<>(dirty.size());
        for (Open s : dirty) {
            if (s.createdAt == 0) s.createdAt = nowMillis;
            s.dirty = false;
            out.add(toSignal(s, nowMillis));
        }
        dirty.clear();
        sampleTrees.clear();
        completed.clear();
        return out;
    }

    /** Forgets open signals that can no longer be extended once event time reached {@code watermark}. */
    public void expire(long watermark) {
        open.values().removeIf(s -> !s.dirty && watermark - s.lastSeen > s.rule.options().keepAlive().toMillis());
    }

    public int openSignals() { return open.size(); }

    /**
     * The signal as a record. Title, message, triage, tags, group and the first sample's JSON and
     * process tree depend only on the first event, so they are rendered at the first drain and
     * reused: a hot signal drained at every commit costs its counters, entities and latest sample.
     */
    /**
     * Sample trees made in this drain, by event: an event detected by several rules is the
     * sample of several signals, and is rendered once for all of them (samples are read-only).
     */
    private final IdentityHashMap<LogEvent, ObjectNode> sampleTrees = new IdentityHashMap<>();

    private ObjectNode sample(LogEvent e) {
        ObjectNode tree = sampleTrees.get(e);
        if (tree == null) sampleTrees.put(e, tree = LogEventJson.sampleTree(e));
        return tree;
    }

    /** Events completed in this drain: one decoded with a projection is decoded whole once for all its uses. */
    private final IdentityHashMap<LogEvent, LogEvent> completed = new IdentityHashMap<>();

    /** {@code e} with all its attributes: samples, titles and process trees show the whole event, not what rules read. */
    private LogEvent complete(LogEvent e) {
        if (!LogEventJson.projected(e)) return e;
        LogEvent full = completed.get(e);
        if (full == null) completed.put(e, full = LogEventJson.complete(e));
        return full;
    }

    private Signal toSignal(Open s, long now) {
        Signal prev = s.rendered;
        if (prev == null) {
            prev = render(s, now);
            s.renderedLast = s.last;
            return s.rendered = prev;
        }
        List<ObjectNode> samples = prev.samples();
        if (s.last != null && s.last != s.first && s.last != s.renderedLast) {
            samples = List.of(samples.getFirst(), sample(s.last));
            s.renderedLast = s.last;
        }
        return s.rendered = new Signal(prev.id(), prev.ruleId(), prev.ruleName(), prev.title(), prev.message(), s.severity,
                SignalStatus.OPEN, null, null, prev.groupBy(), s.count, s.firstSeen, s.lastSeen, s.createdAt, now,
                prev.tactic(), prev.technique(), prev.tags(), prev.triage(), s.entities.snapshot(), samples, prev.processTree());
    }

    private Signal render(Open s, long now) {
        DetectionRule r = s.rule;
        LogEvent sample = complete(s.first);
        LinkedHashSet<String> tagSet = new LinkedHashSet<>(renderAll(r.tags(), sample));
        tagSet.add("rule:" + r.id());
        if (!sample.source().isEmpty()) tagSet.add("source:" + sample.source());
        List<String> tags = new ArrayList<>(tagSet);
        String tactic = mitreId(tag(tags, "tactic"));
        String technique = mitreId(tag(tags, "technique"));
        Map<String, String> groupBy = new LinkedHashMap<>();
        var fields = r.queries().getFirst().groupBy();
        for (int i = 0; i < fields.size() && i < s.group.size(); i++) groupBy.put(fields.get(i).name(), s.group.value(i));
        List<ObjectNode> samples = new ArrayList<>(2);
        samples.add(sample(s.first));
        if (s.last != null && s.last != s.first) samples.add(sample(s.last));
        String title = Templates.render(r.name(), sample);
        return new Signal(s.id, r.id(), r.name(), title, Templates.render(r.message(), sample), s.severity,
                SignalStatus.OPEN, null, null, groupBy, s.count, s.firstSeen, s.lastSeen, s.createdAt, now, tactic,
                technique, tags, Templates.render(r.triage(), sample), s.entities.snapshot(), samples,
                ProcessTrees.of(sample));
    }

    private static List<String> renderAll(List<String> tags, LogEvent e) {
        List<String> out = new ArrayList<>(tags.size());
        for (String t : tags) {
            String v = Templates.render(t, e);
            if (!v.endsWith(":")) out.add(v); // a tag whose placeholder had no value is left out
        }
        return out;
    }

    /**
     * The bare ATT&CK id of a tag value: agent policies write {@code TA0006-credential-access},
     * detection rules {@code TA0006}; signals carry {@code TA0006} either way so facets and
     * filters see one value per tactic (the tag keeps the long form).
     */
    static String mitreId(String v) {
        int dash = v.indexOf('-');
        if (dash > 0 && (v.startsWith("TA") || v.startsWith("T"))) {
            String id = v.substring(0, dash);
            if (id.matches("TA\\d{4}|T\\d{4}(\\.\\d{3})?")) return id;
        }
        return v;
    }

    private static String tag(List<String> tags, String key) {
        for (String t : tags) if (t.startsWith(key + ":")) return t.substring(key.length() + 1);
        return "";
    }

    static Severity severity(DetectionRule rule, int caseIndex, LogEvent e) {
        String status = rule.cases().get(caseIndex).status();
        Severity s = Severity.parse(Templates.hasPlaceholder(status) ? Templates.render(status, e) : status);
        return s == null ? Severity.MEDIUM : s;
    }

    /** Stable across replays: the same rule, group and first event give the same id. */
    static String signalId(String ruleId, GroupKey group, LogEvent first) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(ruleId.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(group.toString().getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            String anchor = first.id().isEmpty() ? first.time() + "\u0000" + first.message() : first.id();
            d.update(anchor.getBytes(StandardCharsets.UTF_8));
            return "sig-" + HexFormat.of().formatHex(d.digest(), 0, 12);
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException(x);
        }
    }

}
