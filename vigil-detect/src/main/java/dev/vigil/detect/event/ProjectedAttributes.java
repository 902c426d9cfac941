package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.Serial;
import java.util.Arrays;

/**
 * The attributes of an event decoded with an {@link AttributeProjection}: only what its paths
 * reach, and the event's stored form, from which {@link LogEventJson#complete} decodes the whole
 * event when something needs more than the projection (a signal's sample, its process tree).
 */
final class ProjectedAttributes extends EventObject {

    @Serial private static final long serialVersionUID = 1L;

    /** The event's stored form, as given to the decode (not copied: the caller hands it over). */
    final transient byte[] json;

    /** Where the {@code attributes} object's text is in {@link #json} ({@code end} exclusive); -1 when it has none. Set by the decode. */
    transient int start = -1, end = -1;

    /** The projection it was decoded with: the list's path indexes are its ({@link AttributeProjection#ordered}). */
    final transient AttributeProjection projection;

    /**
     * The values of the projection's {@linkplain AttributeProjection#listed(int) listed} paths,
     * as the decode read them: {@code listedNodes[k]} is a value of path {@code listedPaths[k]}.
     * {@code listed} is how many, or -1 when the event has a repeated key or a literal dotted key
     * on a projected path: then a path's values in document order need not be its values in the
     * tree's order, and readers walk the tree.
     */
    transient int[] listedPaths;
    transient JsonNode[] listedNodes;
    transient int listed;

    ProjectedAttributes(JsonNodeFactory nodes, byte[] json, AttributeProjection projection) {
        super(nodes);
        this.json = json;
        this.projection = projection;
    }

    /** Lists {@code value} under path {@code path}, as {@link AttributePath#collect} would find it at the path's end: arrays fanned out. */
    void list(int path, JsonNode value) {
        if (listed < 0 || value == null || value instanceof MissingNode) return;
        if (value instanceof ArrayNode a) {
            for (int k = 0, n = a.size(); k < n; k++) list(path, a.get(k));
            return;
        }
        if (listedPaths == null) {
            listedPaths = new int[8];
            listedNodes = new JsonNode[8];
        } else if (listed == listedPaths.length) {
            listedPaths = Arrays.copyOf(listedPaths, listed * 2);
            listedNodes = Arrays.copyOf(listedNodes, listed * 2);
        }
        listedPaths[listed] = path;
        listedNodes[listed++] = value;
    }

    /** The list no longer holds: readers walk the tree. */
    void unlisted() {
        listed = -1;
        listedPaths = null;
        listedNodes = null;
    }
}
