package dev.vigil.detect.engine;

import java.time.Duration;

/**
 * Bounds on the engine's memory. Every bound that bites is counted ({@link RuleStats},
 * {@link DetectionEngine#stats()}), never silent.
 *
 * @param maxGroupsPerRule   groups of one rule kept in state; the least recently active go first
 * @param maxValuesPerGroup  distinct values a cardinality or new value group remembers
 * @param maxOpenSignals     signals that can still be extended; the least recently extended close first
 * @param expireEvery        how often (event time) idle state is swept
 */
public record EngineLimits(int maxGroupsPerRule, int maxValuesPerGroup, int maxOpenSignals, Duration expireEvery) {

    public static final EngineLimits DEFAULT = new EngineLimits(100_000, 10_000, 100_000, Duration.ofSeconds(10));
}
