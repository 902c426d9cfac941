package dev.vigil.detect.rule;

import java.util.List;
import java.util.stream.Collectors;

/** A detection rule that cannot be loaded, with every problem found (not just the first). */
public final class RuleException extends IllegalArgumentException {

    private final String source;
    private final List<RuleProblem> problems;

    public RuleException(String source, List<RuleProblem> problems) {
        super(problems.stream().map(p -> source + ":" + p).collect(Collectors.joining("\n")));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public RuleException(String source, RuleProblem problem) {
        this(source, List.of(problem));
    }

    public String source() { return source; }

    public List<RuleProblem> problems() { return problems; }
}
