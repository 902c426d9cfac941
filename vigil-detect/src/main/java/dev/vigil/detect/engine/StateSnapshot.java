package dev.vigil.detect.engine;

import dev.vigil.detect.state.GroupKey;
import dev.vigil.detect.state.KeyedState;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The detection state of a {@link DetectionEngine} in a file, so that a restart restores it instead
 * of re-reading weeks of events: windows, sequences, learned new values (with when learning
 * started), anomaly baselines. Signals are not in it: they are in the signal store, and the engine
 * resumes the open ones from there ({@link DetectionEngine#resume}).
 *
 * <p>Format, version {@value #VERSION}: the magic {@code VIGILSNP} and the version (4 bytes), then
 * length-prefixed records ({@link SnapshotOutput}), then the CRC32C of every byte before it, so a
 * torn or corrupt file is told from a good one and nothing of it is restored:
 * <ol>
 *   <li>header: the caller's position (the event log offset the state reflects: every event before
 *       it and none after), when it was written (wall time), the engine's newest event time and next
 *       expiry sweep, and the number of families;</li>
 *   <li>per stateful {@link RuleFamily}: its {@linkplain RuleFamily.Signature#fingerprint fingerprint}
 *       (SHA-256 of a canonical text of what makes its state: method, queries, grouping, options),
 *       its method and member rule ids (for messages) and its group count; then the detector's own
 *       fields (a new value rule's learning start) and one record per group, key first, in the state's
 *       iteration order (least recently touched first), so restoring in file order gives the same
 *       eviction order.</li>
 * </ol>
 * Restoring matches families by fingerprint: a current family with a match gets its state, one
 * without (a new rule, or one whose queries, grouping or state options changed) starts empty, a
 * snapshot family that no current rule has is skipped. A rule whose cases, severities, texts or
 * keep-alive changed keeps its state (they are not part of it). Restoring respects the engine's
 * current limits: groups beyond {@link EngineLimits#maxGroupsPerRule} are evicted as usual (the
 * least recently touched first) and values beyond {@link EngineLimits#maxValuesPerGroup} are
 * dropped (the oldest first), both counted in the rule's stats.
 */
public final class StateSnapshot {

    static final byte[] MAGIC = "VIGILSNP".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;

    private StateSnapshot() {}

    /**
     * @param position the position given to {@link DetectionEngine#writeSnapshot}
     * @param families stateful rule families written
     * @param groups   groups written, over all families
     * @param bytes    the snapshot's size
     */
    public record Written(long position, int families, long groups, long bytes) {}

    /**
     * What a restore did.
     *
     * @param position          the position the snapshot was written with
     * @param writtenAt         when it was written (epoch ms, wall time)
     * @param newestTime        the engine's newest event time it held
     * @param families          current rule families that got their state from the snapshot
     * @param startedEmpty      current stateful families with no match in the snapshot (new or changed rules)
     * @param skipped           snapshot families that no current rule has (removed or changed rules)
     * @param groups            groups restored
     * @param startedEmptyRules the rules of {@code startedEmpty}, by id
     * @param skippedRules      the rules of {@code skipped} as the snapshot names them
     */
    public record Restored(long position, long writtenAt, long newestTime, int families, int startedEmpty, int skipped,
                           long groups, List<String> startedEmptyRules, List<String> skippedRules) {}

    /** A snapshot that cannot be restored; the message says why (truncated, corrupt, another version...). */
    public static final class SnapshotException extends IOException {
        public SnapshotException(String message) { super(message); }

        public SnapshotException(String message, Throwable cause) { super(message, cause); }
    }

    /**
     * A snapshot read in full and checked (format and checksum) but not applied: the engine is
     * unchanged until {@link #apply}, so a caller can still decide against it (say, when its
     * position is one it cannot continue from).
     */
    public static final class Staged {
        private final DetectionEngine engine;
        private final RuleFamily[] families;
        private final long position;
        private final long writtenAt;
        private final long newest;
        private final long nextExpiry;
        private final List<RuleFamily> restored;
        private final List<Runnable> restores;
        private final long groups;
        private final List<String> startedEmpty;
        private final int startedEmptyFamilies;
        private final List<String> skipped;
        private final int skippedFamilies;
        private boolean applied;

        private Staged(DetectionEngine engine, RuleFamily[] families, long position, long writtenAt, long newest, long nextExpiry,
                       List<RuleFamily> restored, List<Runnable> restores, long groups, List<String> startedEmpty,
                       int startedEmptyFamilies, List<String> skipped, int skippedFamilies) {
            this.engine = engine;
            this.families = families;
            this.position = position;
            this.writtenAt = writtenAt;
            this.newest = newest;
            this.nextExpiry = nextExpiry;
            this.restored = restored;
            this.restores = restores;
            this.groups = groups;
            this.startedEmpty = startedEmpty;
            this.startedEmptyFamilies = startedEmptyFamilies;
            this.skipped = skipped;
            this.skippedFamilies = skippedFamilies;
        }

        /** The position the snapshot was written with. */
        public long position() { return position; }

        /** When it was written (epoch ms, wall time). */
        public long writtenAt() { return writtenAt; }

        /** Puts the state into the engine, which must not have processed an event or changed rules since it was read. */
        public Restored apply() {
            if (applied) throw new IllegalStateException("this snapshot was applied already");
            engine.beforeRestore(families);
            applied = true;
            for (Runnable r : restores) r.run();
            for (RuleFamily f : restored) f.used = true; // state that isn't empty: no rule may join any more
            engine.restored(newest, nextExpiry);
            return new Restored(position, writtenAt, newest, restored.size(), startedEmptyFamilies, skippedFamilies, groups,
                    List.copyOf(startedEmpty), List.copyOf(skipped));
        }
    }

    // ---- writing

    static Written write(OutputStream stream, long position, long writtenAt, long newest, long nextExpiry, RuleFamily[] families,
                         Map<RuleFamily, List<String>> members) throws IOException {
        SnapshotOutput out = new SnapshotOutput(stream);
        out.writeBytes(MAGIC);
        out.writeBytes(new byte[]{0, 0, 0, (byte) VERSION});
        List<RuleFamily> stateful = new ArrayList<>();
        for (RuleFamily f : families) if (f.detector.stateful()) stateful.add(f);
        out.record(o -> {
            o.writeZigzag(position);
            o.writeLong(writtenAt);
            o.writeLong(newest);
            o.writeLong(nextExpiry);
            o.writeVar(stateful.size());
        });
        out.baseTime = newest == Long.MIN_VALUE ? 0 : newest;
        long groups = 0;
        for (RuleFamily f : stateful) {
            int n = f.detector.groups();
            out.record(o -> {
                o.writeBytes(f.signature.fingerprint());
                o.writeString(f.lead.method().id());
                List<String> ids = members.getOrDefault(f, List.of());
                o.writeVar(ids.size());
                for (String id : ids) o.writeString(id);
                o.writeVar(n);
            });
            f.detector.write(out);
            groups += n;
        }
        long bytes = out.finish();
        return new Written(position, stateful.size(), groups, bytes);
    }

    /** What a detector writes per group after the key. */
    @FunctionalInterface
    interface GroupWriter<S> {
        void write(S state, SnapshotOutput out) throws IOException;
    }

    /** One record per group of {@code state}, in its iteration order: the key, then what {@code w} writes. */
    static <S> void writeGroups(SnapshotOutput out, KeyedState<S> state, GroupWriter<S> w) throws IOException {
        try {
            state.forEach((k, s) -> {
                try {
                    out.begin();
                    out.writeKey(k);
                    w.write(s, out);
                    out.end();
                } catch (IOException x) {
                    throw new UncheckedIOException(x);
                }
            });
        } catch (UncheckedIOException x) {
            throw x.getCause();
        }
    }

    /** A detector with no fields of its own: an empty record, then {@link #writeGroups}; {@link #readGroupsOnly} reads it. */
    static <S> void writeGroupsOnly(SnapshotOutput out, KeyedState<S> state, GroupWriter<S> w) throws IOException {
        out.record(o -> {});
        writeGroups(out, state, w);
    }

    // ---- reading

    static Staged read(DetectionEngine engine, InputStream stream, RuleFamily[] families, Map<RuleFamily, List<String>> members)
            throws IOException {
        SnapshotInput in = new SnapshotInput(stream);
        byte[] magic = in.readRaw(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) throw new SnapshotException("not a detection state snapshot (no VIGILSNP at its start)");
        byte[] v = in.readRaw(4);
        int version = (v[0] & 0xFF) << 24 | (v[1] & 0xFF) << 16 | (v[2] & 0xFF) << 8 | (v[3] & 0xFF);
        if (version != VERSION) {
            throw new SnapshotException("snapshot format version " + version + " is not supported (this version reads " + VERSION + ")");
        }
        in.next();
        long position = in.readZigzag();
        long writtenAt = in.readLong();
        long newest = in.readLong();
        long nextExpiry = in.readLong();
        int count = in.readCount(Integer.MAX_VALUE);
        in.done();
        in.baseTime = newest == Long.MIN_VALUE ? 0 : newest;

        // current stateful families by fingerprint (a fresh engine has one per fingerprint; any more are told apart by members)
        Map<String, List<RuleFamily>> current = new HashMap<>();
        List<RuleFamily> stateful = new ArrayList<>();
        for (RuleFamily f : families) {
            if (!f.detector.stateful()) continue;
            stateful.add(f);
            current.computeIfAbsent(HexFormat.of().formatHex(f.signature.fingerprint()), k -> new ArrayList<>()).add(f);
        }
        Set<RuleFamily> taken = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<RuleFamily> restored = new ArrayList<>();
        List<Runnable> restores = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int skippedFamilies = 0;
        long groups = 0;
        for (int i = 0; i < count; i++) {
            in.next();
            byte[] fp = in.readBytes(RuleFamily.Signature.FINGERPRINT_BYTES);
            String method = in.readString();
            int m = in.readLength();
            List<String> ids = new ArrayList<>(m);
            for (int k = 0; k < m; k++) ids.add(in.readString());
            long n = in.readVar();
            in.done();
            if (n < 0) throw in.malformed("family " + ids + " has " + n + " groups");
            RuleFamily f = match(current.getOrDefault(HexFormat.of().formatHex(fp), List.of()), ids, members, taken);
            if (f == null) {
                in.skip(1 + n);
                skippedFamilies++;
                skipped.addAll(ids);
                continue;
            }
            if (!f.lead.method().id().equals(method)) {
                throw in.malformed("family " + ids + " is " + method + " in the snapshot and " + f.lead.method().id() + " now, with one fingerprint");
            }
            taken.add(f);
            restores.add(f.detector.read(in, n));
            restored.add(f);
            groups += n;
        }
        in.verifyChecksum();
        List<String> empty = new ArrayList<>();
        int emptyFamilies = 0;
        for (RuleFamily f : stateful) {
            if (taken.contains(f)) continue;
            emptyFamilies++;
            empty.addAll(members.getOrDefault(f, List.of()));
        }
        return new Staged(engine, families, position, writtenAt, newest, nextExpiry, restored, restores, groups, empty,
                emptyFamilies, skipped, skippedFamilies);
    }

    /** Of the untaken families with the fingerprint, the first that shares a member with the snapshot's, else the first. */
    private static RuleFamily match(List<RuleFamily> candidates, List<String> ids, Map<RuleFamily, List<String>> members,
                                    Set<RuleFamily> taken) {
        RuleFamily first = null;
        for (RuleFamily f : candidates) {
            if (taken.contains(f)) continue;
            if (first == null) first = f;
            List<String> now = members.getOrDefault(f, List.of());
            for (String id : ids) if (now.contains(id)) return f;
        }
        return first;
    }

    /** What a detector reads per group after the key. */
    @FunctionalInterface
    interface GroupReader<S> {
        S read(SnapshotInput in) throws IOException;
    }

    /** Groups read in file order, put into a detector's state only when the snapshot is applied. */
    /**
     * Reads what {@link #writeGroupsOnly} wrote, changing nothing yet: the returned action puts
     * the groups into {@code state}.
     */
    static <S> Runnable readGroupsOnly(SnapshotInput in, long groups, KeyedState<S> state, GroupReader<S> r) throws IOException {
        in.next();
        in.done();
        StagedGroups<S> staged = StagedGroups.read(in, groups, r);
        return () -> staged.applyTo(state);
    }

    static final class StagedGroups<S> {
        private final List<GroupKey> keys = new ArrayList<>();
        private final List<S> states = new ArrayList<>();

        static <S> StagedGroups<S> read(SnapshotInput in, long groups, GroupReader<S> r) throws IOException {
            StagedGroups<S> g = new StagedGroups<>();
            for (long i = 0; i < groups; i++) {
                in.next();
                g.keys.add(in.readKey());
                g.states.add(r.read(in));
                in.done();
            }
            return g;
        }

        /** Adds the groups in file order (oldest first): over the state's bound, the oldest are evicted and counted as usual. */
        void applyTo(KeyedState<S> state) {
            for (int i = 0; i < keys.size(); i++) {
                S s = states.get(i);
                state.getOrCreate(keys.get(i), k -> s);
            }
        }
    }
}
