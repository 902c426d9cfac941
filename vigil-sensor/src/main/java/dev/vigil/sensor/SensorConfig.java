package dev.vigil.sensor;

import dev.vigil.model.EventType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * How the sensor runs.
 *
 * @param eventTypes      types to report; empty means all. Process lifecycle is always traced internally
 *                        (the process cache needs it) but reported only if listed.
 * @param ringBufferBytes kernel-to-agent ring buffer size, a power of two of at least one page (default 16 MiB)
 * @param hostTags        tags added to every event's host, e.g. {@code env:prod}
 * @param engineSockets   container engine API sockets tried in order (Docker Engine API; podman serves it too)
 * @param dnsExtraPort    a DNS port watched besides 53 (0: none)
 * @param maxProcesses    bound on the process cache
 * @param pollTimeout     longest wait in one ring-buffer poll: bounds delivery latency, since the kernel side
 *                        wakes the agent only when much data is pending
 */
public record SensorConfig(Set<EventType> eventTypes, int ringBufferBytes, List<String> hostTags,
                           List<Path> engineSockets, int dnsExtraPort, int maxProcesses, Duration pollTimeout) {

    public static final int DEFAULT_RING_BUFFER_BYTES = 16 << 20;
    /** The poll period: at most this long between a kernel event and its delivery when the agent is idle. */
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(10);

    public SensorConfig {
        eventTypes = eventTypes == null || eventTypes.isEmpty() ? EnumSet.noneOf(EventType.class) : EnumSet.copyOf(eventTypes);
        if (ringBufferBytes < 4096 || Integer.bitCount(ringBufferBytes) != 1) {
            throw new IllegalArgumentException("ringBufferBytes must be a power of two >= 4096, got " + ringBufferBytes);
        }
        hostTags = List.copyOf(hostTags);
        engineSockets = List.copyOf(engineSockets);
        if (dnsExtraPort < 0 || dnsExtraPort > 65535) {
            throw new IllegalArgumentException("dnsExtraPort must be 0..65535, got " + dnsExtraPort);
        }
        if (maxProcesses < 1024) {
            throw new IllegalArgumentException("maxProcesses must be >= 1024, got " + maxProcesses);
        }
        if (pollTimeout.isNegative() || pollTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("pollTimeout must be at least 1ms, got " + pollTimeout);
        }
    }

    public static SensorConfig defaults() {
        return new SensorConfig(Set.of(), DEFAULT_RING_BUFFER_BYTES, List.of(),
                dev.vigil.sensor.container.ContainerResolver.defaultSockets(), 0, 65_536, DEFAULT_POLL_TIMEOUT);
    }

    /** Whether events of {@code type} are reported. */
    public boolean reports(EventType type) {
        return eventTypes.isEmpty() || eventTypes.contains(type);
    }

    public SensorConfig withEventTypes(Set<EventType> types) {
        return new SensorConfig(types, ringBufferBytes, hostTags, engineSockets, dnsExtraPort, maxProcesses, pollTimeout);
    }

    public SensorConfig withRingBufferBytes(int bytes) {
        return new SensorConfig(eventTypes, bytes, hostTags, engineSockets, dnsExtraPort, maxProcesses, pollTimeout);
    }

    public SensorConfig withHostTags(List<String> tags) {
        return new SensorConfig(eventTypes, ringBufferBytes, tags, engineSockets, dnsExtraPort, maxProcesses, pollTimeout);
    }

    public SensorConfig withEngineSockets(List<Path> sockets) {
        return new SensorConfig(eventTypes, ringBufferBytes, hostTags, sockets, dnsExtraPort, maxProcesses, pollTimeout);
    }

    public SensorConfig withDnsExtraPort(int port) {
        return new SensorConfig(eventTypes, ringBufferBytes, hostTags, engineSockets, port, maxProcesses, pollTimeout);
    }
}
