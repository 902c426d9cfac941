package dev.vigil.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The container a process runs in, as resolved from its cgroup and the container runtime's API.
 * Host processes carry {@link #NONE}, whose id is empty.
 *
 * @param id        the full 64-hex container id
 * @param name      the container's name in its runtime, or {@code ""}
 * @param imageName the image repository without registry prefixes added by default
 *                  ({@code localhost/}, {@code docker.io/library/}), e.g. {@code acme/web}
 * @param imageTag  the image tag, e.g. {@code 1.0}; {@code latest} when the reference has none
 * @param runtime   the engine that runs it: {@code podman}, {@code docker}, {@code containerd}, {@code cri-o}
 * @param createdAt creation time in Unix nanoseconds, 0 when unknown
 */
public record ContainerInfo(String id, String name, String imageName, String imageTag, String runtime, long createdAt) {

    public static final ContainerInfo NONE = new ContainerInfo("", "", "", "", "", 0);

    public ContainerInfo {
        id = id == null ? "" : id;
        name = name == null ? "" : name;
        imageName = imageName == null ? "" : imageName;
        imageTag = imageTag == null ? "" : imageTag;
        runtime = runtime == null ? "" : runtime;
    }

    public boolean isNone() { return id.isEmpty(); }

    /** Datadog-style tags, so rules written as {@code "image_name:acme/web" in container.tags} work. */
    public List<String> tags() {
        if (isNone()) {
            return List.of();
        }
        List<String> tags = new ArrayList<>(4);
        if (!imageName.isEmpty()) {
            tags.add("image_name:" + imageName);
            int slash = imageName.lastIndexOf('/');
            tags.add("short_image:" + imageName.substring(slash + 1));
        }
        if (!imageTag.isEmpty()) {
            tags.add("image_tag:" + imageTag);
        }
        if (!name.isEmpty()) {
            tags.add("container_name:" + name);
        }
        return tags;
    }
}
