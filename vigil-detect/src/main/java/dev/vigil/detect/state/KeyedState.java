package dev.vigil.detect.state;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Per-group state of one rule's detector. The in-process engine keeps it in memory
 * ({@link InMemoryKeyedState}); inside Apache Flink the same detectors would run over keyed
 * state, which is why detectors only ever touch their state through this interface.
 * Implementations are bounded and count what a bound costs ({@link StateStats}).
 */
public interface KeyedState<S> {

    /** The state of a group, or null. */
    S get(GroupKey key);

    /**
     * The state of a group, created when absent; may evict another group to stay within bounds
     * (counted). {@code key} may be a {@linkplain GroupKey#scratch scratch} key refilled after the
     * call: a group created here is keyed by {@link GroupKey#stored()}.
     */
    S getOrCreate(GroupKey key, Function<GroupKey, S> create);

    void remove(GroupKey key);

    int size();

    /** Visits every group; {@code visitor} must not add or remove groups. */
    void forEach(BiConsumer<GroupKey, S> visitor);

    /** Removes the groups for which {@code expired} answers true; returns how many. */
    int removeIf(java.util.function.BiPredicate<GroupKey, S> expired);
}
