package dev.vigil.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The life of a long-running command: it runs until SIGINT/SIGTERM, an optional time limit, or
 * {@link #stop()}; then its finish work (close the sensor, flush output, print a summary) runs
 * exactly once, whether the shutdown hook or the command's own thread gets there first.
 */
final class UntilStopped {

    private final CountDownLatch done = new CountDownLatch(1);

    /** Ends the wait early (e.g. --max-events reached, output closed). */
    void stop() {
        done.countDown();
    }

    /** Waits for a signal, {@code limit} (null: none) or {@link #stop()}, then runs {@code finish} once. */
    void await(Duration limit, Runnable finish) throws InterruptedException {
        AtomicBoolean finished = new AtomicBoolean();
        Runnable once = () -> {
            if (finished.compareAndSet(false, true)) finish.run();
        };
        Thread hook = new Thread(() -> {
            once.run();
            done.countDown();
        }, "vigil-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (limit != null) {
            done.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            done.await();
        }
        once.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it already did the finish work
        }
    }
}
