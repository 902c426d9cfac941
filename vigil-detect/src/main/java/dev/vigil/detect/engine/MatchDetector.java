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

    private final DetectionRule rule;
    private final double[] values;

    MatchDetector(DetectionRule rule) {
        this.rule = rule;
        this.values = new double[rule.queries().size()];
    }

    @Override public void onEvent(LogEvent e, EventCache ec, boolean[] matched, GroupKey key, Emitter out) {
        for (int i = 0; i < values.length; i++) values[i] = matched[i] ? 1 : 0;
        int c = Cases.first(rule, values);
        if (c >= 0) out.detect(c, key, e);
    }

    @Override public void expire(long watermark) {}

    @Override public int groups() { return 0; }
}
