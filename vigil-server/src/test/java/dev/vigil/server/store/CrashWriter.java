package dev.vigil.server.store;

import dev.vigil.detect.signal.Signal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.vigil.server.store.TestSignals.signal;

/**
 * The process {@link SignalStoreContract#aWriterKilledMidBatchLeavesSignalsAndCheckpointInStep} kills:
 * stores batch after batch, as the detection engine does, until SIGKILL. Batch {@code i} sets the
 * counter signal's count to {@code i}, adds {@value #PER_BATCH} new signals and moves the
 * checkpoint to {@code i}, with a rebuild offset that moves every tenth batch.
 *
 * <p>Arguments: {@code sqlite DATA_DIR} or {@code postgresql URL USER PASSWORD SCHEMA}.
 */
final class CrashWriter {

    static final int PER_BATCH = 200;

    private CrashWriter() {}

    public static void main(String[] args) {
        StoreConfig config = args[0].equals("sqlite") ? StoreConfig.sqlite(Path.of(args[1]))
                : StoreConfig.postgres(args[1], args[2], args[3]).withSchema(args[4]).withPoolSize(2);
        try (Store store = Store.open(config)) {
            for (long i = 1; ; i++) {
                store.signals().applyEngineUpdates(batch(i), new DetectionCheckpoint(i, rebuildOffset(i)));
                System.out.println("committed " + i);
            }
        }
    }

    static List<Signal> batch(long i) {
        List<Signal> batch = new ArrayList<>(PER_BATCH + 1);
        batch.add(signal("sig-counter").count(i).build());
        for (int j = 0; j < PER_BATCH; j++) batch.add(signal("sig-" + i + "-" + j).host("host-" + j).build());
        return batch;
    }

    static long rebuildOffset(long i) {
        return i - i % 10;
    }
}
