/**
 * The runtime sensor. Start at {@link dev.vigil.sensor.Sensor}: it loads the eBPF programs
 * (src/main/bpf/vigil.bpf.c), reads their ring buffer through {@code dev.vigil.sensor.bpf}, decodes
 * records in {@code dev.vigil.sensor.decode}, and attaches process ({@code dev.vigil.sensor.process})
 * and container ({@code dev.vigil.sensor.container}) context.
 */
package dev.vigil.sensor;
