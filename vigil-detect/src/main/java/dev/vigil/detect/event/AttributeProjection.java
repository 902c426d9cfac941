package dev.vigil.detect.event;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The attribute paths a consumer reads, as a tree of path segments: what a projected decode
 * ({@link LogEventJson#fromJson(byte[], AttributeProjection)}) keeps of an event's attributes.
 * Detection reads a few dozen paths of events whose stored form averages kilobytes (an agent
 * event carries its whole process ancestry); a decode that builds only what those paths reach
 * and skips the rest costs a fraction of a full one.
 *
 * <p>Exact for the paths it was made of: every {@link AttributePath} in it finds in the projected
 * attributes exactly the nodes it finds in the full ones, through arrays and literal dotted keys
 * ({@code "usr.name": "x"}) alike. A node where some path ends is kept whole, so a path that
 * names an object or an array sees all of it.
 *
 * <p>Immutable; {@link #ALL} keeps everything.
 */
public final class AttributeProjection {

    /** Keeps every attribute: the full decode. */
    public static final AttributeProjection ALL = new AttributeProjection(null, Set.of(), List.of(), new boolean[0]);

    /** One segment of the tree: its children by key, and whether some path ends here. */
    static final class Node {
        private final Map<String, Node> children = new HashMap<>();
        private boolean end;
        /** The index of the path that ends here when the decode {@linkplain AttributeProjection#listed(int) lists} its values; else -1. */
        private int listedPath = -1;

        /**
         * The node reached by the key {@code key} of an object at this node, or null when no path
         * goes there: a plain key is one segment, a dotted key is several ({@code "file.path"}).
         */
        Node child(String key) {
            Node n = children.get(key);
            if (n != null || key.indexOf('.') < 0) return n;
            n = this;
            for (String s : key.split("\\.", -1)) {
                n = n.children.get(s);
                if (n == null) return null;
            }
            return n;
        }

        /** Whether some path ends here: the node is kept whole. */
        boolean end() { return end; }

        /** The index of the path ending here whose values the decode lists as it reads them, or -1. */
        int listedPath() { return listedPath; }
    }

    private final Node root;
    private final Set<String> paths;
    private final List<AttributePath> ordered;
    /** Per path index, whether the decode lists the path's values. */
    private final boolean[] listed;

    private AttributeProjection(Node root, Set<String> paths, List<AttributePath> ordered, boolean[] listed) {
        this.root = root;
        this.paths = paths;
        this.ordered = ordered;
        this.listed = listed;
    }

    /**
     * The projection that keeps what {@code paths} reach. A path's index is its position in
     * {@code paths} (counting each dotted path once): the decode lists the values it reads under
     * that index ({@link #listed(int)}).
     */
    public static AttributeProjection of(Collection<AttributePath> paths) {
        Node root = new Node();
        Set<String> dotted = new TreeSet<>();
        List<AttributePath> ordered = new ArrayList<>();
        for (AttributePath p : paths) {
            if (!dotted.add(p.dotted())) continue;
            ordered.add(p);
            Node n = root;
            for (String s : p.dotted().split("\\.", -1)) n = n.children.computeIfAbsent(s, k -> new Node());
            n.end = true;
        }
        boolean[] listed = new boolean[ordered.size()];
        for (int i = 0; i < ordered.size(); i++) {
            // under a node where another path ends the decode builds everything whole, listing nothing
            Node n = root;
            boolean underAnEnd = false;
            for (String s : ordered.get(i).dotted().split("\\.", -1)) {
                underAnEnd |= n.end;
                n = n.children.get(s);
            }
            if (!underAnEnd) {
                n.listedPath = i;
                listed[i] = true;
            }
        }
        return new AttributeProjection(root, Set.copyOf(dotted), List.copyOf(ordered), listed);
    }

    /** The paths in index order. */
    public List<AttributePath> ordered() { return ordered; }

    /**
     * Whether the decode lists the values of path {@code index} as it reads them: the path does
     * not run through a node where another path ends (that node is decoded whole, unlisted). In
     * an event whose list holds (no repeated or literal dotted key on a projected path), a listed
     * path's values are exactly the nodes {@link AttributePath#collect} finds, in its order.
     */
    public boolean listed(int index) { return listed[index]; }

    /** Whether this keeps every attribute. */
    public boolean all() { return root == null; }

    /** The tree's root (the {@code attributes} object); null for {@link #ALL}. */
    Node root() { return root; }

    /** The paths this was made of, sorted; empty for {@link #ALL}. */
    public Set<String> paths() { return paths; }

    @Override public String toString() { return all() ? "AttributeProjection[all]" : "AttributeProjection" + paths; }
}
