package dev.vigil.sensor.container;

import java.util.List;
import java.util.Objects;

/**
 * An image reference split into the name and tag that rules match on ({@code image_name:acme/web},
 * {@code image_tag:1.0}).
 *
 * <p>Engines report the reference with the registry they defaulted to ({@code localhost/acme/web:1.0}
 * from podman, {@code docker.io/library/nginx} from some docker setups) while users write
 * {@code acme/web} or {@code nginx}; stripping the default prefixes makes both spell it the same way.
 * Other registries stay part of the name ({@code quay.io/org/app}).
 *
 * @param name the repository without a default registry prefix, e.g. {@code acme/web}
 * @param tag  the tag; {@code latest} when the reference has none, {@code ""} when it is pinned only
 *             by digest
 */
public record ImageRef(String name, String tag) {

    /** Longest first, so {@code docker.io/library/} wins over {@code docker.io/}. */
    private static final List<String> DEFAULT_PREFIXES = List.of(
            "index.docker.io/library/", "docker.io/library/", "index.docker.io/", "docker.io/", "localhost/");

    public ImageRef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tag, "tag");
    }

    /**
     * Parses {@code [registry[:port]/]repository[:tag][@digest]}.
     *
     * @throws IllegalArgumentException when the reference is blank or has an empty name or tag
     */
    public static ImageRef parse(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("image reference is empty");
        }
        String ref = reference.strip();
        int at = ref.indexOf('@');
        boolean hasDigest = at >= 0;
        if (hasDigest) {
            ref = ref.substring(0, at);
        }
        for (String prefix : DEFAULT_PREFIXES) {
            if (ref.startsWith(prefix)) {
                ref = ref.substring(prefix.length());
                break;
            }
        }
        // A ':' before the last '/' is a registry port, not a tag.
        int colon = ref.lastIndexOf(':');
        String name = ref;
        String tag = hasDigest ? "" : "latest";
        if (colon > ref.lastIndexOf('/')) {
            name = ref.substring(0, colon);
            tag = ref.substring(colon + 1);
            if (tag.isEmpty()) {
                throw new IllegalArgumentException("image reference '" + reference + "' has an empty tag");
            }
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("image reference '" + reference + "' has an empty name");
        }
        return new ImageRef(name, tag);
    }

    @Override
    public String toString() {
        return tag.isEmpty() ? name : name + ":" + tag;
    }
}
