package dev.vigil.server.store;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand. */
final class TestClock implements InstantSource {

    private final AtomicLong millis;

    TestClock(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    long advance(long ms) {
        return millis.addAndGet(ms);
    }
}
