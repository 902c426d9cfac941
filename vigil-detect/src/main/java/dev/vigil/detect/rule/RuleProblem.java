package dev.vigil.detect.rule;

/** One thing wrong with a detection rule: the field path ({@code queries[1].query}), where it starts, and what is wrong. */
public record RuleProblem(String path, LocatedTree.Position position, String message) {
    @Override public String toString() {
        return position + (path.isEmpty() ? "" : " " + path) + ": " + message;
    }
}
