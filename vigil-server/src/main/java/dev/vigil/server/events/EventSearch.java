package dev.vigil.server.events;

import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.detect.query.Query;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Searches the event index: the newest events matching a query in a time range, and how many
 * match per time bucket (the histogram), in one pass.
 *
 * <h2>How</h2>
 * The query is translated ({@link EventQueries}) into a Lucene query that selects at least the
 * matching events, exactly them when it can. Segments are sorted on time, so each bucket of the range is
 * a run of document ids in each segment, found by binary search on the time doc values. One
 * forward pass over the query's matches in the range counts them per bucket (reading no
 * document; a query that selects everything is counted from the runs alone). Buckets are then
 * walked newest first, each segment backwards, which yields the newest matches: after the bucket
 * where the list fills up, no older event can enter it, and only the listed events' stored JSON is
 * read.
 *
 * <p>When the translation is not exact, every candidate is read and checked with the real
 * {@link Query#matches} (so results are what detection would match), newest bucket first, within a
 * time budget. Candidates left unchecked when the budget runs out are counted, and the histogram
 * estimates their matches from the share seen so far; the result then says it is an estimate.
 */
public final class EventSearch {

    /** Most events one search returns. */
    public static final int MAX_LIMIT = 1000;
    /** Most histogram buckets. */
    public static final int MAX_BUCKETS = 1000;

    /** One event found: its time, the event, and its JSON as stored. */
    public record Hit(long time, LogEvent event, byte[] json) {}

    /**
     * What a search found.
     *
     * @param events       the newest matching events, newest first, at most the limit (when {@code exact} is
     *                     false: the newest among the candidates checked, each a match)
     * @param from         start of the range (inclusive), epoch ms
     * @param to           end of the range (exclusive): {@code from + counts.length * bucketMillis}
     * @param bucketMillis width of a histogram bucket
     * @param counts       matching events per bucket, oldest bucket first
     * @param total        matching events in the range (the sum of the counts)
     * @param exact        whether the counts are exact; false when some candidates were left unchecked and estimated
     * @param indexExact   whether the index alone answered (no event had to be read to decide)
     * @param candidates   events the index selected for checking (0 when it answered alone)
     * @param checked      of those, how many were read and checked
     * @param tookNanos    time spent
     * @param lagBytes     event log bytes the index has not taken in yet (events accepted but not yet searchable)
     */
    public record Result(List<Hit> events, long from, long to, long bucketMillis, long[] counts, long total,
                         boolean exact, boolean indexExact, long candidates, long checked, long tookNanos, long lagBytes) {}

    private final EventIndex index;
    private final LongSupplier lagBytes;
    private final long budgetNanos;

    /**
     * @param budgetNanos how long a search may spend reading candidate events to check them
     */
    public EventSearch(EventIndex index, LongSupplier lagBytes, long budgetNanos) {
        this.index = index;
        this.lagBytes = lagBytes;
        this.budgetNanos = budgetNanos;
    }

    public EventSearch(EventIndex index, LongSupplier lagBytes) {
        this(index, lagBytes, 120_000_000L);
    }

    /**
     * Searches {@code [from, from + n * bucketMillis)} where n is the fewest buckets that cover
     * {@code to}.
     *
     * @param limit how many of the newest matching events to return (0 for the histogram alone)
     */
    public Result search(Query query, long from, long to, int limit, long bucketMillis) throws IOException {
        if (bucketMillis <= 0) throw new IllegalArgumentException("bucket width must be positive");
        if (to <= from) throw new IllegalArgumentException("the range is empty: 'to' must be after 'from'");
        if (limit < 0 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be 0 to " + MAX_LIMIT);
        long n = Math.ceilDiv(to - from, bucketMillis);
        if (n > MAX_BUCKETS) throw new IllegalArgumentException("too many buckets: " + n + " (at most " + MAX_BUCKETS + ")");
        long started = System.nanoTime();
        IndexSearcher searcher = index.acquire();
        try {
            return new Run(searcher, query, from, (int) n, bucketMillis, limit, started).run();
        } finally {
            index.release(searcher);
        }
    }

    /** The event with this id, if the index has it. */
    public java.util.Optional<Hit> byId(String id) throws IOException {
        if (id == null || id.isEmpty() || !EventDocument.termable(id)) return java.util.Optional.empty();
        IndexSearcher searcher = index.acquire();
        try {
            var top = searcher.search(new org.apache.lucene.search.TermQuery(new org.apache.lucene.index.Term(EventDocument.ID, id)), 1);
            if (top.scoreDocs.length == 0) return java.util.Optional.empty();
            int doc = top.scoreDocs[0].doc;
            LeafReaderContext ctx = searcher.getIndexReader().leaves().get(org.apache.lucene.index.ReaderUtil.subIndex(doc, searcher.getIndexReader().leaves()));
            Leaf l = new Leaf(ctx, new int[0], ctx.reader().getLiveDocs());
            byte[] json = l.json(doc - ctx.docBase);
            LogEvent e = LogEventJson.fromJson(json);
            return java.util.Optional.of(new Hit(e.time(), e, json));
        } finally {
            index.release(searcher);
        }
    }

    /** One search. */
    private final class Run {
        final IndexSearcher searcher;
        final Query query;
        final long from;
        final int buckets;
        final long width;
        final int limit;
        final long started;
        final long deadline;
        EventQueries.Plan plan;
        final List<Leaf> leaves = new ArrayList<>();
        /** Per bucket: matches found, candidates the index selected (inexact plans), candidates checked. */
        final long[] matched, candidates, checked;
        final List<Hit> list = new ArrayList<>();

        Run(IndexSearcher searcher, Query query, long from, int buckets, long width, int limit, long started) {
            this.searcher = searcher;
            this.query = query;
            this.from = from;
            this.buckets = buckets;
            this.width = width;
            this.limit = limit;
            this.started = started;
            this.deadline = started + budgetNanos;
            EventQueries.Plan p;
            try {
                p = new EventQueries(searcher.getIndexReader()).translate(query.clause());
            } catch (IndexSearcher.TooManyClauses x) {
                p = EventQueries.Plan.ALL_WIDENED; // see run()
            }
            this.plan = p;
            this.matched = new long[buckets];
            this.candidates = new long[buckets];
            this.checked = new long[buckets];
        }

        Result run() throws IOException {
            Weight weight;
            try {
                weight = plan.all() ? null : searcher.createWeight(searcher.rewrite(plan.query()), ScoreMode.COMPLETE_NO_SCORES, 1f);
            } catch (IndexSearcher.TooManyClauses x) {
                // more alternatives than Lucene takes in one query: every event is a candidate for the matcher
                plan = EventQueries.Plan.ALL_WIDENED;
                weight = null;
            }
            long to = from + buckets * width;
            for (LeafReaderContext ctx : searcher.getIndexReader().leaves()) {
                Leaf l = Leaf.of(ctx, from, to, buckets, width);
                if (l != null && l.select(weight, plan.exact() ? matched : candidates)) leaves.add(l);
            }
            // newest bucket first: the list fills from there, and unread candidates are the oldest
            boolean budgetLeft = true;
            for (int k = buckets - 1; k >= 0; k--) {
                int need = limit - list.size();
                List<Pending> found = new ArrayList<>();
                for (Leaf l : leaves) {
                    int lo = l.bounds[k], hi = l.bounds[k + 1];
                    if (lo >= hi) continue;
                    int taken = 0;
                    for (int d = l.prev(hi - 1, lo); d >= lo; d = l.prev(d - 1, lo)) {
                        if (plan.exact()) {
                            if (taken++ >= need) break;
                            found.add(new Pending(l, d, l.time(d), null, null));
                            continue;
                        }
                        if (budgetLeft && (checked[k] & 63) == 0 && System.nanoTime() > deadline) budgetLeft = false;
                        if (!budgetLeft) break;
                        checked[k]++;
                        byte[] json = l.json(d);
                        LogEvent e;
                        try {
                            e = LogEventJson.fromJson(json);
                        } catch (IllegalArgumentException x) {
                            continue; // the indexer only stores what it could read: never a match
                        }
                        if (!query.matches(e)) continue;
                        matched[k]++;
                        if (taken++ < need) found.add(new Pending(l, d, e.time(), e, json));
                    }
                }
                if (need > 0 && !found.isEmpty()) {
                    // each segment gave its newest; the newest of all of them fill the list
                    found.sort(Comparator.comparingLong(Pending::time).reversed());
                    for (Pending h : found.subList(0, Math.min(need, found.size()))) list.add(h.hit());
                }
                if (plan.exact() && list.size() >= limit) break; // counts are complete already
            }
            long totalChecked = 0, totalCandidates = 0, matchedChecked = 0;
            for (int k = 0; k < buckets; k++) {
                totalChecked += checked[k];
                totalCandidates += candidates[k];
                matchedChecked += matched[k];
            }
            double share = totalChecked == 0 ? 0 : (double) matchedChecked / totalChecked;
            long[] counts = new long[buckets];
            long total = 0;
            for (int k = 0; k < buckets; k++) {
                counts[k] = matched[k] + (plan.exact() ? 0 : Math.round((candidates[k] - checked[k]) * share));
                total += counts[k];
            }
            boolean complete = plan.exact() || totalChecked == totalCandidates;
            return new Result(List.copyOf(list), from, to, width, counts, total, complete, plan.exact(), totalCandidates,
                    totalChecked, System.nanoTime() - started, lagBytes.getAsLong());
        }
    }

    /** A match found in a bucket, read only when it makes the list. */
    private record Pending(Leaf leaf, int doc, long time, LogEvent event, byte[] json) {
        Hit hit() {
            if (event != null) return new Hit(time, event, json);
            byte[] j = leaf.json(doc);
            return new Hit(time, LogEventJson.fromJson(j), j);
        }
    }

    /**
     * A segment of the index: the document runs of each bucket (documents are sorted oldest
     * first), and which documents of the range the query selects.
     */
    private static final class Leaf {
        final LeafReaderContext ctx;
        final LeafReader reader;
        final int[] bounds;
        final Bits live;
        /** The selected documents, or null when every live document of the range is. */
        FixedBitSet selected;
        private StoredFields stored;

        private Leaf(LeafReaderContext ctx, int[] bounds, Bits live) {
            this.ctx = ctx;
            this.reader = ctx.reader();
            this.bounds = bounds;
            this.live = live;
        }

        /** The leaf, or null when it has nothing in the range. */
        static Leaf of(LeafReaderContext ctx, long from, long to, int buckets, long width) throws IOException {
            LeafReader r = ctx.reader();
            PointValues pv = r.getPointValues(EventDocument.TIME);
            if (pv == null || pv.size() == 0) return null;
            long min = LongPoint.decodeDimension(pv.getMinPackedValue(), 0);
            long max = LongPoint.decodeDimension(pv.getMaxPackedValue(), 0);
            if (max < from || min >= to) return null;
            // bounds[k]: the first document at or after the start of bucket k; bucket k is [bounds[k], bounds[k + 1])
            int[] bounds = new int[buckets + 1];
            int maxDoc = r.maxDoc();
            int floor = 0;
            for (int k = 0; k <= buckets; k++) {
                long b = from + k * width;
                int at;
                if (b <= min) at = 0;
                else if (b > max) at = maxDoc;
                else at = firstAtOrAfter(r, b, floor, maxDoc);
                bounds[k] = at;
                floor = at;
            }
            return new Leaf(ctx, bounds, r.getLiveDocs());
        }

        /**
         * Marks what {@code weight} selects in the range ({@code null}: every document) and counts
         * it per bucket into {@code counts}; false when nothing is selected.
         */
        boolean select(Weight weight, long[] counts) throws IOException {
            int buckets = bounds.length - 1;
            int lo = bounds[0], hi = bounds[buckets];
            if (lo >= hi) return false;
            // deleted documents (retention) as a bit set, to count and mask in bulk
            FixedBitSet liveSet = live == null ? null : FixedBitSet.copyOf(live);
            long n = 0;
            if (weight == null) {
                for (int k = 0; k < buckets; k++) {
                    long c = liveSet == null ? bounds[k + 1] - bounds[k] : cardinality(liveSet, bounds[k], bounds[k + 1]);
                    counts[k] += c;
                    n += c;
                }
                return n > 0;
            }
            Scorer s = weight.scorer(ctx);
            if (s == null) return false;
            DocIdSetIterator it = s.iterator();
            FixedBitSet bits = new FixedBitSet(reader.maxDoc());
            if (it.advance(lo) < hi) it.intoBitSet(hi, bits, 0); // in bulk: no per-document work here
            if (liveSet != null) bits.and(liveSet);
            for (int k = 0; k < buckets; k++) {
                long c = cardinality(bits, bounds[k], bounds[k + 1]);
                counts[k] += c;
                n += c;
            }
            selected = bits;
            return n > 0;
        }

        private static long cardinality(FixedBitSet bits, int from, int to) {
            return from >= to ? 0 : bits.cardinality(from, to);
        }

        /** The last selected live document at or before {@code d} and at or after {@code lo}, or -1. */
        int prev(int d, int lo) {
            if (selected != null) {
                if (d < lo) return -1;
                int p = selected.prevSetBit(d);
                return p >= lo ? p : -1;
            }
            while (d >= lo && live != null && !live.get(d)) d--;
            return d >= lo ? d : -1;
        }

        /** The first document in [lo, hi) whose time is at or after {@code t}, or hi. */
        private static int firstAtOrAfter(LeafReader r, long t, int lo, int hi) throws IOException {
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (time(r, mid) >= t) hi = mid;
                else lo = mid + 1;
            }
            return lo;
        }

        private static long time(LeafReader r, int doc) throws IOException {
            SortedNumericDocValues dv = r.getSortedNumericDocValues(EventDocument.TIME);
            if (dv == null || !dv.advanceExact(doc)) throw new IllegalStateException("event without a time in the index");
            return dv.nextValue();
        }

        long time(int doc) {
            try {
                return time(reader, doc);
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        }

        byte[] json(int doc) {
            try {
                if (stored == null) stored = reader.storedFields();
                byte[][] out = new byte[1][];
                stored.document(doc, new StoredFieldVisitor() {
                    @Override public Status needsField(FieldInfo f) {
                        if (out[0] != null) return Status.STOP;
                        return f.name.equals(EventDocument.JSON) ? Status.YES : Status.NO;
                    }

                    @Override public void binaryField(FieldInfo f, byte[] value) {
                        out[0] = value;
                    }
                });
                if (out[0] == null) throw new IllegalStateException("event without its JSON in the index");
                return out[0];
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        }
    }
}
