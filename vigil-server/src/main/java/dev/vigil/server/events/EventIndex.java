package dev.vigil.server.events;

import dev.vigil.detect.event.LogEvent;
import org.apache.lucene.document.LongField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSortField;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The embedded event index (Apache Lucene): every accepted event of the event log, laid out as
 * {@link EventDocument} says, sorted on event time so a time range is a run of document ids in
 * each segment (oldest first: events arrive about in time order, so flushed segments rarely need
 * reordering and merges of segments that do not overlap in time are concatenations). Written by one thread, the {@link EventIndexer}; searched by any.
 *
 * <p>Each commit records the event log position it covers ({@value #OFFSET_KEY}) in the commit
 * itself, so after a crash the index and its position agree: events indexed after the last commit
 * are gone from both and are indexed again, never twice.
 */
public final class EventIndex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventIndex.class);
    /**
     * Lucene says at first use, as a warning, that the JDK's incubating vector API is not enabled
     * (it would speed up vector search, which the event index does not use). Kept quiet; held here
     * because java.util.logging forgets the level of a logger nobody references.
     */
    private static final java.util.logging.Logger VECTOR_NOTICE = quiet("org.apache.lucene.internal.vectorization.VectorizationProvider");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setLevel(java.util.logging.Level.SEVERE);
        return l;
    }

    static final String OFFSET_KEY = "event_log_offset";
    static final String LOG_START_KEY = "event_log_start";
    static final Sort SORT = new Sort(new SortedNumericSortField(EventDocument.TIME, SortField.Type.LONG));

    private final Path path;
    private final Directory dir;
    private IndexWriter writer;
    private SearcherManager searchers;

    private EventIndex(Path path) throws IOException {
        this.path = path;
        Files.createDirectories(path);
        this.dir = FSDirectory.open(path);
        openWriter();
    }

    /** Opens (creating it if needed) the index in {@code path}. */
    public static EventIndex open(Path path) throws IOException {
        return new EventIndex(path);
    }

    private void openWriter() throws IOException {
        IndexWriterConfig c = new IndexWriterConfig()
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setIndexSort(SORT)
                .setRAMBufferSizeMB(64)
                .setCommitOnClose(false);
        writer = new IndexWriter(dir, c);
        searchers = new SearcherManager(writer, true, false, null);
    }

    /** The event log position the last commit covers, or -1 for an index never committed. */
    public long committedOffset() {
        String v = commitData().get(OFFSET_KEY);
        return v == null ? -1 : Long.parseLong(v);
    }

    /** What the last commit says, besides the offset: where the log started then (to tell a log that was reset). */
    Map<String, String> commitData() {
        try {
            if (!DirectoryReader.indexExists(dir)) return Map.of();
            return SegmentInfos.readLatestCommit(dir).getUserData();
        } catch (IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
    }

    /** Adds one event; {@code json} is its stored form (what the event log holds). */
    public void add(LogEvent e, byte[] json) throws IOException {
        writer.addDocument(EventDocument.of(e, json));
    }

    /** Makes everything added so far durable, together with the event log position it covers. */
    public void commit(long offset, long logStart) throws IOException {
        writer.setLiveCommitData(Map.of(OFFSET_KEY, Long.toString(offset), LOG_START_KEY, Long.toString(logStart)).entrySet());
        writer.commit();
    }

    /** Makes what was added visible to searches (not durable: see {@link #commit}). */
    public void refresh() throws IOException {
        searchers.maybeRefresh();
    }

    /** Deletes events older than {@code epochMs} (retention). */
    public void deleteBefore(long epochMs) throws IOException {
        writer.deleteDocuments(LongField.newRangeQuery(EventDocument.TIME, Long.MIN_VALUE, epochMs - 1));
    }

    /** Empties the index (its event log was replaced). */
    public void clear() throws IOException {
        writer.deleteAll();
    }

    /**
     * Drops what was added since the last commit and reopens: after a write failed, the index goes
     * back to a state that matches its committed position.
     */
    public synchronized void rollback() throws IOException {
        try {
            searchers.close();
        } catch (IOException | RuntimeException x) {
            LOG.debug("closing searchers: {}", x.toString());
        }
        try {
            writer.rollback();
        } catch (IOException | RuntimeException x) {
            LOG.debug("rollback: {}", x.toString());
        }
        openWriter();
    }

    /** A searcher on the latest refreshed state; give it back with {@link #release}. */
    public synchronized IndexSearcher acquire() throws IOException {
        return searchers.acquire();
    }

    public void release(IndexSearcher s) throws IOException {
        searchers.release(s);
    }

    /** Documents in the index, deleted ones not counted (as of the last refresh). */
    public long docs() {
        try {
            IndexSearcher s = acquire();
            try {
                return s.getIndexReader().numDocs();
            } finally {
                release(s);
            }
        } catch (IOException | RuntimeException x) {
            return -1;
        }
    }

    /** Bytes on disk. */
    public long sizeBytes() {
        try (var files = Files.list(path)) {
            return files.mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException x) {
                    return 0;
                }
            }).sum();
        } catch (IOException x) {
            return -1;
        }
    }

    /** Merges down to one segment: for benchmarks and tests that want a settled index. */
    public void forceMerge(int segments) throws IOException {
        writer.forceMerge(segments);
    }

    /** Waits for background merges to finish: for benchmarks that measure a settled index. */
    public void waitForMerges() throws IOException {
        writer.maybeMerge();
        if (writer.getConfig().getMergeScheduler() instanceof org.apache.lucene.index.ConcurrentMergeScheduler cms) cms.sync();
    }

    /** Segments in the searchable view. */
    public int segments() {
        try {
            IndexSearcher s = acquire();
            try {
                return s.getIndexReader().leaves().size();
            } finally {
                release(s);
            }
        } catch (IOException x) {
            return -1;
        }
    }

    public Path path() { return path; }

    /** Closes without committing: call {@link #commit} first to keep what was added. */
    @Override public synchronized void close() throws IOException {
        try {
            searchers.close();
        } finally {
            try {
                writer.rollback(); // commitOnClose is off: nothing uncommitted survives, by design
            } finally {
                dir.close();
            }
        }
    }
}
