package dev.vigil.server.intake;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateHistoryTest {

    static final long T = 1_800_000_000_000L; // a multiple of 10 s

    @Test
    void countsLandInTheirBucketOldestFirst() {
        RateHistory r = new RateHistory(10_000, 6);
        r.add(T, 5);
        r.add(T + 9_999, 2);
        r.add(T + 10_000, 1);
        r.add(T + 30_500, 4);

        RateHistory.Window w = r.window(T + 30_500);
        assertThat(w.size()).isEqualTo(6);
        assertThat(w.from()).isEqualTo(T - 20_000);
        assertThat(w.counts()).containsExactly(0, 0, 7, 1, 0, 4);
        assertThat(w.bucketStart(2)).isEqualTo(T);
        assertThat(w.perSecond(2)).isEqualTo(0.7);
        assertThat(w.total()).isEqualTo(12);
    }

    @Test
    void oldBucketsAreReusedAsTimeMovesOn() {
        RateHistory r = new RateHistory(10_000, 3);
        r.add(T, 100);
        r.add(T + 30_000, 1); // the same slot as T, three buckets later

        assertThat(r.window(T + 30_000).counts()).containsExactly(0, 0, 1);
        // long after: everything has aged out, nothing stale shows up
        assertThat(r.window(T + 3_600_000).total()).isZero();
        // a time older than what a slot holds is dropped rather than mixed in
        r.add(T, 50);
        assertThat(r.window(T + 30_000).counts()).containsExactly(0, 0, 1);
    }

    @Test
    void theRecentRateLeavesOutTheBucketStillFilling() {
        RateHistory r = new RateHistory(10_000, 360);
        for (int i = 0; i < 7; i++) r.add(T + i * 10_000L, 100);
        RateHistory.Window w = r.window(T + 60_001);
        // six complete buckets of 100 events in 10 s; the current one (also 100 so far) is not counted
        assertThat(w.recentPerSecond(6)).isEqualTo(10.0);
        assertThat(w.recentPerSecond(3)).isEqualTo(10.0);
        assertThat(r.window(T + 70_000).recentPerSecond(6)).isEqualTo(10.0);
    }

    @Test
    void windowsAreCopies() {
        RateHistory r = new RateHistory(1_000, 2);
        r.add(T, 1);
        RateHistory.Window w = r.window(T);
        w.counts()[1] = 99;
        assertThat(w.count(1)).isEqualTo(1);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new RateHistory(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateHistory(1000, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
