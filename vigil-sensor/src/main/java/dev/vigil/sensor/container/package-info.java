/**
 * Which container a process runs in, and what image it was started from.
 *
 * <p>Start at {@link dev.vigil.sensor.container.ContainerResolver}: it takes the cgroup names the
 * kernel reports for a task (or a {@code /proc/<pid>/cgroup} file), finds the container id with
 * {@link dev.vigil.sensor.container.ContainerIds}, and fills in name, image and tag
 * ({@link dev.vigil.sensor.container.ImageRef}) from the podman or docker Engine API through
 * {@link dev.vigil.sensor.container.DockerEngineClient}, caching per container. The result is the
 * model's {@link dev.vigil.model.ContainerInfo}, whose {@code tags()} rules match on.
 *
 * <p>Nothing here needs root or an engine to be present: without one, containers are still told
 * apart from host processes by id, only without image metadata.
 */
package dev.vigil.sensor.container;
