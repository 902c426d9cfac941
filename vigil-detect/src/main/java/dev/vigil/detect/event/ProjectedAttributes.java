package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.Serial;

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

    ProjectedAttributes(JsonNodeFactory nodes, byte[] json) {
        super(nodes);
        this.json = json;
    }
}
