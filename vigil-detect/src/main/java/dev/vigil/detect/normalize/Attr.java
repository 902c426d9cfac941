package dev.vigil.detect.normalize;

/**
 * One attribute name, split into its segments once ({@code usr.name} -> {@code usr}, {@code name}),
 * so writing it costs no string work per event. The names the normalizers produce are declared
 * in {@link StandardAttributes}.
 */
final class Attr {

    private final String dotted;
    private final String[] segments;

    private Attr(String dotted) {
        this.dotted = dotted;
        this.segments = dotted.split("\\.", -1);
        for (String s : segments) {
            if (s.isEmpty()) throw new IllegalArgumentException("attribute name has an empty segment: '" + dotted + "'");
        }
    }

    static Attr of(String dotted) {
        return new Attr(dotted);
    }

    String dotted() { return dotted; }

    int length() { return segments.length; }

    String segment(int i) { return segments[i]; }

    @Override public String toString() { return dotted; }
}
