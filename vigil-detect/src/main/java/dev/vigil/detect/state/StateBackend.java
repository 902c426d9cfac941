package dev.vigil.detect.state;

/** Where detectors keep per-group state: in memory by default; a Flink job would supply keyed state. */
public interface StateBackend {

    <S> KeyedState<S> keyed(String ruleId, String name, int maxKeys, StateStats stats);

    /** The default: bounded hash maps in this process. */
    StateBackend IN_MEMORY = new StateBackend() {
        @Override public <S> KeyedState<S> keyed(String ruleId, String name, int maxKeys, StateStats stats) {
            return new InMemoryKeyedState<>(maxKeys, stats);
        }
    };
}
