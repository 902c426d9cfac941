package dev.vigil.detect.engine;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.state.GroupKey;

/**
 * Every matching event is a detection; the first case whose condition holds (conditions see 1
 * for the queries the event matched, 0 for the others) gives the severity. Stateless: the
 * aggregator folds the detections of one group into one signal.
 */
final class MatchDetector implements Detector {

    private final double[] values;

    MatchDetector(DetectionRule rule) {
        this.values = new double[rule.queries().size()];
    }

    @Override public boolean onEvent(LogEvent e, EventCache ec, boolean[] matched, GroupKey key) {
        for (int i = 0; i < values.length; i++) values[i] = matched[i] ? 1 : 0;
        return true;
    }

    @Override public int caseFor(DetectionRule member) { return Cases.first(member, values); }

    @Override public void expire(long watermark) {}

    @Override public int groups() { return 0; }

    @Override public boolean stateful() { return false; }
}
