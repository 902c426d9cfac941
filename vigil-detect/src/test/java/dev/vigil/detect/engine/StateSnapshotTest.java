package dev.vigil.detect.engine;

import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.RuleLoader;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.state.StateBackend;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static dev.vigil.detect.engine.DetectionEngineTest.BRUTE_FORCE;
import static dev.vigil.detect.engine.DetectionEngineTest.BRUTE_THEN_SUCCESS;
import static dev.vigil.detect.engine.DetectionEngineTest.LOGIN_SPIKE;
import static dev.vigil.detect.engine.DetectionEngineTest.NEW_SOURCE_IP;
import static dev.vigil.detect.engine.Events.T0;
import static dev.vigil.detect.engine.Events.ssh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A snapshot taken mid-stream and restored into a fresh engine, followed by the rest of the
 * stream, gives exactly the signals of an uninterrupted run: the restart the server makes, with
 * signals resumed from the store as it resumes them.
 */
class StateSnapshotTest {

    static final long MINUTE = 60_000;
    static final long DAY = Duration.ofDays(1).toMillis();

    static final String USERS_PER_IP = """
            id: ssh-spray
            name: Password spray from {{@network.client.ip}}
            queries:
              - name: users
                query: source:sshd @evt.outcome:failure
                groupByFields: ['@network.client.ip']
                aggregation: cardinality
                distinctFields: ['@usr.name']
            cases:
              - status: high
                condition: users >= 8
            options:
              evaluationWindow: 10m
            """;

    // ---- each method, cut where its state matters

    @Test
    void thresholdCountsBeforeTheSnapshotCountAfterIt() throws IOException {
        List<LogEvent> events = new ArrayList<>();
        for (int i = 0; i < 14; i++) events.add(ssh(T0 + i * 1000, "failure", "root", "203.0.113.9"));
        // 9 failures before the restart, the 10th after: only the restored count makes it a brute force
        assertSameSignalsAsUninterrupted(List.of(BRUTE_FORCE), events, 9, 1);
        assertThat(withoutSnapshot(List.of(BRUTE_FORCE), events, 9)).as("without the snapshot the count starts again").isEmpty();
    }

    @Test
    void distinctValuesBeforeTheSnapshotCountAfterIt() throws IOException {
        List<LogEvent> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) events.add(ssh(T0 + i * 1000, "failure", "user" + i, "198.51.100.7"));
        events.add(ssh(T0 + 13_000, "failure", "user3", "198.51.100.7")); // seen before the restart: not one more
        assertSameSignalsAsUninterrupted(List.of(USERS_PER_IP), events, 6, 1);
        assertThat(withoutSnapshot(List.of(USERS_PER_IP), events, 6)).as("7 users after the restart stay below 8").isEmpty();
    }

    /** The regression snapshots fix: learned values are not new after a restart, and learning doesn't start again. */
    @Test
    void newValueLearnedBeforeTheSnapshotIsNotNewAfterItAndLearningGoesOn() throws IOException {
        List<LogEvent> events = new ArrayList<>();
        events.add(ssh(T0, "success", "alice", "10.0.0.1"));
        events.add(ssh(T0 + DAY / 2, "success", "alice", "10.0.0.2"));
        events.add(ssh(T0 + 2 * DAY, "success", "bob", "10.0.0.9")); // after learning: new for bob
        // restart here
        events.add(ssh(T0 + 2 * DAY + 1, "success", "alice", "10.0.0.1")); // learned: not new
        events.add(ssh(T0 + 2 * DAY + 2, "success", "alice", "10.0.0.2"));
        events.add(ssh(T0 + 2 * DAY + 3, "success", "alice", "203.0.113.50")); // new
        events.add(ssh(T0 + 2 * DAY + 4, "success", "bob", "10.0.0.9"));
        Map<String, String> signals = assertSameSignalsAsUninterrupted(List.of(NEW_SOURCE_IP), events, 3, 2);
        assertThat(signals.values()).anyMatch(s -> s.contains("alice") && s.contains("count=1"));
        // what a restart without the snapshot did: it learned again for a day and missed the new IP
        assertThat(withoutSnapshot(List.of(NEW_SOURCE_IP), events, 3)).isEmpty();
    }

    @Test
    void aSequenceInterruptedBetweenItsStepsCompletesAfterTheRestart() throws IOException {
        List<LogEvent> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) events.add(ssh(T0 + i * 1000, "failure", "root", "203.0.113.9"));
        events.add(ssh(T0 + 30_000, "success", "root", "203.0.113.9"));
        assertSameSignalsAsUninterrupted(List.of(BRUTE_THEN_SUCCESS), events, 12, 1);
        // and one cut within the first step
        assertSameSignalsAsUninterrupted(List.of(BRUTE_THEN_SUCCESS), events, 5, 1);
        assertThat(withoutSnapshot(List.of(BRUTE_THEN_SUCCESS), events, 12)).isEmpty();
    }

    @Test
    void anAnomalyBaselineLearnedBeforeTheSnapshotJudgesASpikeAfterIt() throws IOException {
        List<LogEvent> events = new ArrayList<>();
        Random rnd = new Random(7);
        for (int m = 0; m < 60; m++) {
            int n = 3 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) events.add(ssh(T0 + m * MINUTE + i * 1000, "failure", "u" + i, "198.51.100." + i));
        }
        int cut = events.size();
        for (int i = 0; i < 200; i++) events.add(ssh(T0 + 60 * MINUTE + i * 100, "failure", "root", "203.0.113.9"));
        assertSameSignalsAsUninterrupted(List.of(LOGIN_SPIKE), events, cut, 1);
        assertThat(withoutSnapshot(List.of(LOGIN_SPIKE), events, cut)).as("no baseline, still learning").isEmpty();
    }

    /** Every method at once over a random stream with late events and idle groups, cut at many points. */
    @Test
    void aMixedStreamCutAnywhereGivesTheUninterruptedSignals() throws IOException {
        List<String> rules = List.of(BRUTE_FORCE, BRUTE_THEN_SUCCESS, NEW_SOURCE_IP, LOGIN_SPIKE, USERS_PER_IP);
        List<LogEvent> events = mixedStream(6000, 11);
        Map<String, String> uninterrupted = run(rules, events);
        assertThat(uninterrupted).hasSizeGreaterThan(10);
        for (int cut : new int[]{1, 700, 2500, 3001, 4999, 5999}) {
            assertThat(interrupted(rules, events, cut, EngineLimits.DEFAULT)).as("cut at " + cut).isEqualTo(uninterrupted);
        }
    }

    /** With limits that bite, the same groups are evicted and the same values overflow: the restore keeps the eviction order. */
    @Test
    void withTightLimitsTheSameGroupsAreEvictedAfterARestore() throws IOException {
        List<String> rules = List.of(BRUTE_FORCE, BRUTE_THEN_SUCCESS, NEW_SOURCE_IP, LOGIN_SPIKE, USERS_PER_IP);
        List<LogEvent> events = mixedStream(6000, 5);
        EngineLimits tight = new EngineLimits(6, 4, 1000, Duration.ofSeconds(10));
        Map<String, String> uninterrupted = run(rules, events, tight);
        for (int cut : new int[]{1500, 3333, 5000}) {
            assertThat(interrupted(rules, events, cut, tight)).as("cut at " + cut).isEqualTo(uninterrupted);
        }
        assertThat(uninterrupted).as("the limits change what is detected").isNotEqualTo(run(rules, events, EngineLimits.DEFAULT));
    }

    /** The restored state is the state: written again, it gives the same bytes. */
    @Test
    void aRestoredEngineWritesTheSnapshotItWasRestoredFrom() throws IOException {
        List<String> rules = List.of(BRUTE_FORCE, BRUTE_THEN_SUCCESS, NEW_SOURCE_IP, LOGIN_SPIKE, USERS_PER_IP);
        DetectionEngine first = engine(rules);
        mixedStream(4000, 3).forEach(first::process);
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        StateSnapshot.Written w = first.writeSnapshot(a, 123, 1_000);
        assertThat(w.groups()).isGreaterThan(50);
        DetectionEngine second = engine(rules);
        second.restoreSnapshot(new ByteArrayInputStream(a.toByteArray()));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        second.writeSnapshot(b, 123, 1_000);
        assertThat(b.toByteArray()).isEqualTo(a.toByteArray());
    }

    // ---- rule changes

    @Test
    void aChangedRuleStartsEmptyWhileUnchangedOnesKeepTheirState() throws IOException {
        DetectionEngine before = engine(List.of(BRUTE_FORCE, NEW_SOURCE_IP, DetectionEngineTest.MINER));
        before.process(ssh(T0, "success", "alice", "10.0.0.1"));
        for (int i = 0; i < 9; i++) before.process(ssh(T0 + 2 * DAY + i, "failure", "root", "203.0.113.9"));
        byte[] snap = snapshot(before, 42);

        String widerWindow = BRUTE_FORCE.replace("evaluationWindow: 5m", "evaluationWindow: 10m");
        DetectionEngine after = engine(List.of(widerWindow, NEW_SOURCE_IP, DetectionEngineTest.MINER));
        StateSnapshot.Restored r = after.restoreSnapshot(new ByteArrayInputStream(snap));
        assertThat(r.position()).isEqualTo(42);
        assertThat(r.families()).as("the new value rule").isEqualTo(1);
        assertThat(r.startedEmpty()).isEqualTo(1);
        assertThat(r.startedEmptyRules()).containsExactly("ssh-brute-force");
        assertThat(r.skipped()).as("the brute force rule as it was").isEqualTo(1);
        assertThat(r.skippedRules()).containsExactly("ssh-brute-force");
        assertThat(after.rules().get("ssh-new-ip").groups()).isEqualTo(1);
        assertThat(after.rules().get("ssh-brute-force").groups()).isZero();
        assertThat(after.newestTime()).isEqualTo(before.newestTime());

        after.process(ssh(T0 + 2 * DAY + 10, "failure", "root", "203.0.113.9"));
        after.process(ssh(T0 + 2 * DAY + 11, "success", "alice", "10.0.0.1"));
        after.process(ssh(T0 + 2 * DAY + 12, "success", "alice", "10.0.0.7"));
        List<Signal> s = after.drainSignals(0);
        assertThat(s).extracting(Signal::ruleId).as("10.0.0.7 is new; the brute force counted 1 failure, not 10").containsExactly("ssh-new-ip");
    }

    @Test
    void aRuleWhoseCasesChangedKeepsItsState() throws IOException {
        DetectionEngine before = engine(List.of(BRUTE_FORCE));
        for (int i = 0; i < 6; i++) before.process(ssh(T0 + i, "failure", "root", "203.0.113.9"));
        byte[] snap = snapshot(before, 0);
        String lower = BRUTE_FORCE.replace("condition: failed >= 10", "condition: failed >= 7").replace("keepAlive: 1h", "keepAlive: 2h");
        DetectionEngine after = engine(List.of(lower));
        assertThat(after.restoreSnapshot(new ByteArrayInputStream(snap)).families()).isEqualTo(1);
        after.process(ssh(T0 + 10, "failure", "root", "203.0.113.9"));
        assertThat(after.drainSignals(0)).as("the 7th failure").hasSize(1);
    }

    @Test
    void theFingerprintIsOfTheStateNotOfHowTheRuleIsWritten() {
        DetectionRule a = RuleLoader.parse(BRUTE_THEN_SUCCESS, "a");
        DetectionRule b = RuleLoader.parse(BRUTE_THEN_SUCCESS
                .replace("condition: failed >= 10", "condition: 'failed>=10'")
                .replace("name: brute force", "name: many failures")
                .replace("status: high", "status: critical")
                .replace("query: source:sshd @evt.outcome:failure", "query: 'source:sshd   @evt.outcome:failure'"), "b");
        DetectionRule c = RuleLoader.parse(BRUTE_THEN_SUCCESS.replace("condition: failed >= 10", "condition: failed >= 11"), "c");
        var fa = RuleFamily.Signature.of(a);
        assertThat(fa.canonical()).isEqualTo(RuleFamily.Signature.of(b).canonical());
        assertThat(Arrays.equals(fa.fingerprint(), RuleFamily.Signature.of(b).fingerprint())).isTrue();
        assertThat(Arrays.equals(fa.fingerprint(), RuleFamily.Signature.of(c).fingerprint())).isFalse();
        // pinned: a change to the canonical text orphans every snapshot written before it, so it must be deliberate
        assertThat(fa.canonical()).isEqualTo("""
                signature/1
                method=8:sequence
                query=36:source:sshd AND @evt.outcome:failure
                groupBy=34:9:@usr.name;18:@network.client.ip;
                aggregation=5:COUNT
                distinct=0:
                metric=1:-
                query=36:source:sshd AND @evt.outcome:success
                groupBy=34:9:@usr.name;18:@network.client.ip;
                aggregation=5:COUNT
                distinct=0:
                metric=1:-
                evaluationWindow=6:300000
                learningDuration=9:604800000
                forgetAfter=10:2419200000
                step.condition=12:($0 >= 10.0)
                step.window=6:600000
                step.condition=10:($1 > 0.0)
                step.window=6:600000
                bucket=6:300000
                tolerance=3:3.0
                minimumCount=2:10
                baselineBuckets=3:288
                lateness=5:60000""");
    }

    // ---- broken snapshots

    @Test
    void aCorruptSnapshotIsRejectedAndNothingIsRestored() throws IOException {
        DetectionEngine before = engine(List.of(BRUTE_FORCE, NEW_SOURCE_IP));
        for (int i = 0; i < 9; i++) before.process(ssh(T0 + i, "failure", "root", "203.0.113.9"));
        before.process(ssh(T0, "success", "alice", "10.0.0.1"));
        byte[] good = snapshot(before, 7);

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        assertRejected(flipped, "");
        assertRejected(Arrays.copyOf(good, good.length - 1), "truncated");
        assertRejected(Arrays.copyOf(good, good.length / 3), "truncated");
        assertRejected(Arrays.copyOf(good, 0), "truncated");
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertRejected(longer, "bytes follow the checksum");
        byte[] checksum = good.clone();
        checksum[good.length - 1] ^= 1;
        assertRejected(checksum, "checksum mismatch");
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertRejected(magic, "not a detection state snapshot");
        byte[] version = good.clone();
        version[11] = 2;
        assertRejected(version, "snapshot format version 2 is not supported (this version reads 1)");
        byte[] text = "{\"this\": \"is not a snapshot\"}".getBytes();
        assertRejected(text, "not a detection state snapshot");

        // every single flipped byte is caught (by the format checks or the checksum)
        for (int i = 0; i < good.length; i++) {
            byte[] one = good.clone();
            one[i] ^= 0x01;
            DetectionEngine fresh = engine(List.of(BRUTE_FORCE, NEW_SOURCE_IP));
            assertThatThrownBy(() -> fresh.restoreSnapshot(new ByteArrayInputStream(one)))
                    .as("byte " + i).isInstanceOf(StateSnapshot.SnapshotException.class);
            assertThat(fresh.rules().values()).allMatch(c -> c.groups() == 0);
        }
    }

    private static void assertRejected(byte[] snap, String why) throws IOException {
        DetectionEngine fresh = engine(List.of(BRUTE_FORCE, NEW_SOURCE_IP));
        assertThatThrownBy(() -> fresh.restoreSnapshot(new ByteArrayInputStream(snap)))
                .isInstanceOf(StateSnapshot.SnapshotException.class).hasMessageContaining(why);
        assertThat(fresh.rules().values()).as("nothing restored").allMatch(c -> c.groups() == 0);
        assertThat(fresh.newestTime()).isEqualTo(Long.MIN_VALUE);
        // the engine runs as a fresh one: the 10th failure is the first it counts
        fresh.process(ssh(T0 + 9, "failure", "root", "203.0.113.9"));
        assertThat(fresh.drainSignals(0)).isEmpty();
    }

    @Test
    void aSnapshotReadButNotAppliedChangesNothing() throws IOException {
        DetectionEngine before = engine(List.of(BRUTE_FORCE));
        for (int i = 0; i < 9; i++) before.process(ssh(T0 + i, "failure", "root", "203.0.113.9"));
        DetectionEngine after = engine(List.of(BRUTE_FORCE));
        StateSnapshot.Staged staged = after.readSnapshot(new ByteArrayInputStream(snapshot(before, 99)));
        assertThat(staged.position()).isEqualTo(99);
        assertThat(after.rules().get("ssh-brute-force").groups()).isZero();
        assertThat(after.newestTime()).isEqualTo(Long.MIN_VALUE);
        after.process(ssh(T0, "failure", "root", "203.0.113.9"));
        assertThatThrownBy(staged::apply).isInstanceOf(IllegalStateException.class).hasMessageContaining("before the first event");
        assertThatThrownBy(() -> after.readSnapshot(new ByteArrayInputStream(snapshot(before, 1))))
                .isInstanceOf(IllegalStateException.class);
    }

    // ---- limits

    @Test
    void restoringRespectsTheCurrentLimitsAndCountsWhatTheyDrop() throws IOException {
        DetectionEngine before = engine(List.of(BRUTE_FORCE, NEW_SOURCE_IP));
        for (int i = 0; i < 25; i++) before.process(ssh(T0 + i, "failure", "user" + i, "203.0.113.9"));
        for (int i = 0; i < 50; i++) before.process(ssh(T0 + i, "success", "alice", "10.0.1." + i));
        byte[] snap = snapshot(before, 0);

        EngineLimits tight = new EngineLimits(10, 20, 1000, Duration.ofSeconds(10));
        DetectionEngine after = new DetectionEngine(parse(List.of(BRUTE_FORCE, NEW_SOURCE_IP)), StateBackend.IN_MEMORY, tight);
        StateSnapshot.Restored r = after.restoreSnapshot(new ByteArrayInputStream(snap));
        assertThat(r.groups()).as("read").isEqualTo(25 + 1);
        var brute = after.rules().get("ssh-brute-force");
        assertThat(brute.groups()).isEqualTo(10);
        assertThat(brute.stats().state.keyEvictions.sum()).isEqualTo(15);
        var newIp = after.rules().get("ssh-new-ip");
        assertThat(newIp.stats().state.valueOverflows.sum()).isEqualTo(30);

        // the most recently touched groups and values are the ones kept
        for (int i = 0; i < 9; i++) after.process(ssh(T0 + 100 + i, "failure", "user24", "203.0.113.9"));
        assertThat(after.drainSignals(0)).as("user24 had 1 failure restored: 10 with these 9").hasSize(1);
        // alice's group is full (20 values): a value it doesn't know is an overflow, one it knows is not
        after.process(ssh(T0 + 2 * DAY, "success", "alice", "10.0.1.49")); // seen last: kept
        after.process(ssh(T0 + 2 * DAY, "success", "alice", "10.0.1.30"));
        assertThat(newIp.stats().state.valueOverflows.sum()).as("10.0.1.30..49 kept").isEqualTo(30);
        after.process(ssh(T0 + 2 * DAY, "success", "alice", "10.0.1.29"));
        assertThat(newIp.stats().state.valueOverflows.sum()).as("10.0.1.0..29 dropped").isEqualTo(31);
    }

    @Test
    void anEmptyEngineRoundTrips() throws IOException {
        DetectionEngine before = engine(List.of(BRUTE_FORCE, DetectionEngineTest.MINER));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StateSnapshot.Written w = before.writeSnapshot(out, 0);
        assertThat(w.families()).as("match rules have no state").isEqualTo(1);
        assertThat(w.groups()).isZero();
        assertThat(w.bytes()).isEqualTo(out.size());
        DetectionEngine after = engine(List.of(BRUTE_FORCE, DetectionEngineTest.MINER));
        StateSnapshot.Restored r = after.restoreSnapshot(new ByteArrayInputStream(out.toByteArray()));
        assertThat(r.families()).isEqualTo(1);
        assertThat(r.startedEmpty()).isZero();
        assertThat(r.newestTime()).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> after.restoreSnapshot(new ByteArrayInputStream(out.toByteArray())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("restored already");
    }

    // ---- helpers

    static List<DetectionRule> parse(List<String> rules) {
        return rules.stream().map(r -> RuleLoader.parse(r, "test.yaml")).toList();
    }

    static DetectionEngine engine(List<String> rules) {
        return new DetectionEngine(parse(rules));
    }

    static byte[] snapshot(DetectionEngine e, long position) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StateSnapshot.Written w = e.writeSnapshot(out, position);
        assertThat(w.bytes()).isEqualTo(out.size());
        return out.toByteArray();
    }

    /** Asserts the interrupted run equals the uninterrupted one and that it raised {@code signals} signals; returns them. */
    private static Map<String, String> assertSameSignalsAsUninterrupted(List<String> rules, List<LogEvent> events, int cut, int signals)
            throws IOException {
        Map<String, String> expected = run(rules, events);
        assertThat(expected).hasSize(signals);
        assertThat(interrupted(rules, events, cut, EngineLimits.DEFAULT)).isEqualTo(expected);
        return expected;
    }

    /** The signals of one engine over every event, by id. */
    static Map<String, String> run(List<String> rules, List<LogEvent> events) {
        return run(rules, events, EngineLimits.DEFAULT);
    }

    static Map<String, String> run(List<String> rules, List<LogEvent> events, EngineLimits limits) {
        DetectionEngine e = new DetectionEngine(parse(rules), StateBackend.IN_MEMORY, limits);
        Map<String, Signal> store = new TreeMap<>();
        for (LogEvent ev : events) e.process(ev);
        drain(e, store);
        return summary(store);
    }

    /**
     * The events before {@code cut} into one engine, whose signals are stored and state
     * snapshotted; then a fresh engine restores the snapshot, resumes the stored signals (as the
     * server resumes them from its store) and takes the rest.
     */
    static Map<String, String> interrupted(List<String> rules, List<LogEvent> events, int cut, EngineLimits limits) throws IOException {
        DetectionEngine first = new DetectionEngine(parse(rules), StateBackend.IN_MEMORY, limits);
        Map<String, Signal> store = new TreeMap<>();
        for (LogEvent ev : events.subList(0, cut)) first.process(ev);
        drain(first, store);
        byte[] snap = snapshot(first, cut);

        DetectionEngine second = new DetectionEngine(parse(rules), StateBackend.IN_MEMORY, limits);
        StateSnapshot.Restored r = second.restoreSnapshot(new ByteArrayInputStream(snap));
        assertThat(r.position()).isEqualTo(cut);
        assertThat(r.startedEmpty()).isZero();
        assertThat(r.skipped()).isZero();
        // as the server resumes them: the signals seen within the longest keep-alive, the latest first
        List<Signal> open = new ArrayList<>(store.values().stream()
                .filter(s -> s.lastSeen() >= first.newestTime() - Duration.ofHours(1).toMillis()).toList());
        open.sort(java.util.Comparator.comparingLong(Signal::lastSeen).reversed());
        second.resume(open);
        for (LogEvent ev : events.subList(cut, events.size())) second.process(ev);
        drain(second, store);
        return summary(store);
    }

    /** Only the events after {@code cut}, into a fresh engine: a restart that lost the state. */
    static Map<String, String> withoutSnapshot(List<String> rules, List<LogEvent> events, int cut) {
        return run(rules, events.subList(cut, events.size()));
    }

    static void drain(DetectionEngine e, Map<String, Signal> store) {
        for (Signal s : e.drainSignals(0)) store.put(s.id(), s);
    }

    /** What a user sees of each signal. */
    static Map<String, String> summary(Map<String, Signal> store) {
        Map<String, String> out = new TreeMap<>();
        store.forEach((id, s) -> out.put(id, s.ruleId() + " " + s.groupBy() + " count=" + s.count() + " severity=" + s.severity()
                + " first=" + s.firstSeen() + " last=" + s.lastSeen()));
        return out;
    }

    /** sshd events of a few users and IPs over two days, with bursts, late events and quiet hours. */
    static List<LogEvent> mixedStream(int n, long seed) {
        Random rnd = new Random(seed);
        List<LogEvent> out = new ArrayList<>();
        long t = T0;
        for (int i = 0; i < n; i++) {
            t += rnd.nextInt(100) == 0 ? rnd.nextInt(3) * 3_600_000L : rnd.nextInt(20_000);
            boolean burst = (i / 300) % 4 == 1;
            String ip = burst ? "203.0.113." + rnd.nextInt(3) : "198.51.100." + rnd.nextInt(40);
            String user = burst && rnd.nextBoolean() ? "root" : "u" + rnd.nextInt(burst ? 12 : 6);
            String outcome = rnd.nextInt(burst ? 12 : 3) == 0 ? "success" : "failure";
            long time = rnd.nextInt(30) == 0 ? t - rnd.nextInt(120_000) : t; // some late, some beyond the lateness
            out.add(ssh(time, outcome, user, ip));
        }
        return out;
    }
}
