package dev.vigil.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Several appenders and readers at once: every record is read exactly once, in the order of the log. */
class JournalConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    void concurrentAppendersAndTwoReadersSeeEveryRecordExactlyOnceInOrder() throws Exception {
        long seed = new Random().nextLong();
        try {
            run(seed);
        } catch (AssertionError | Exception e) {
            throw new AssertionError("failed with seed " + seed + ": " + e, e);
        }
    }

    private void run(long seed) throws Exception {
        int writers = 4;
        int perWriter = 3000;
        JournalConfig config = JournalConfig.defaults().withSegmentBytes(16 << 10).withDurability(Durability.NONE);
        try (Journal j = Journal.open(dir, config); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> tasks = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Random random = new Random(seed + w);
                tasks.add(pool.submit(() -> {
                    go.await();
                    int seq = 0;
                    while (seq < perWriter) {
                        int n = Math.min(perWriter - seq, 1 + random.nextInt(20));
                        List<byte[]> batch = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) {
                            byte[] r = new byte[8 + random.nextInt(64)];
                            ByteBuffer.wrap(r).putInt(writer).putInt(seq++);
                            batch.add(r);
                        }
                        j.append(batch);
                    }
                    return null;
                }));
            }
            List<Future<List<JournalRecord>>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    List<JournalRecord> seen = new ArrayList<>();
                    try (JournalReader reader = j.reader(0)) {
                        go.await();
                        while (seen.size() < writers * perWriter) {
                            seen.addAll(reader.poll(500, 64 << 10, Duration.ofSeconds(5)).records());
                        }
                    }
                    return seen;
                }));
            }
            go.countDown();
            for (Future<?> t : tasks) t.get(60, TimeUnit.SECONDS);
            for (Future<List<JournalRecord>> reader : readers) {
                List<JournalRecord> seen = reader.get(60, TimeUnit.SECONDS);
                assertThat(seen).hasSize(writers * perWriter);
                int[] next = new int[writers];
                long offset = 0;
                for (JournalRecord rec : seen) {
                    assertThat(rec.offset()).isEqualTo(offset);
                    offset = rec.nextOffset();
                    ByteBuffer b = ByteBuffer.wrap(rec.payload());
                    int writer = b.getInt();
                    int seq = b.getInt();
                    assertThat(seq).as("writer %d's records in order, none twice or missing", writer).isEqualTo(next[writer]++);
                }
                assertThat(offset).isEqualTo(j.endOffset());
            }
            assertThat(j.stats().recordsAppended()).isEqualTo((long) writers * perWriter);
        }
    }
}
