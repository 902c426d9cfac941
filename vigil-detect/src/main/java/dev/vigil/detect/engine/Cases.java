package dev.vigil.detect.engine;

import dev.vigil.detect.rule.DetectionRule;

/** Case selection shared by the methods: cases are tried in order, the first that holds wins. */
final class Cases {

    private Cases() {}

    /** The index of the first case whose condition holds (no condition = holds), or -1. */
    static int first(DetectionRule rule, double[] values) {
        var cases = rule.cases();
        for (int i = 0; i < cases.size(); i++) {
            var c = cases.get(i).condition();
            if (c == null || c.test(values)) return i;
        }
        return -1;
    }
}
