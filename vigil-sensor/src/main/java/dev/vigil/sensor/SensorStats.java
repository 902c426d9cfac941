package dev.vigil.sensor;

import dev.vigil.model.EventType;

import java.util.Map;

/**
 * A snapshot of the sensor's counters. Every way an event can fail to reach the consumer has a
 * counter here: nothing is dropped silently.
 *
 * @param records        records read from the ring buffer
 * @param events         events handed to the consumer
 * @param byType         events handed to the consumer, per type
 * @param lost           records the kernel could not write (ring buffer full)
 * @param untracked      syscalls not followed because the in-flight table was full
 * @param malformed      records that could not be decoded
 * @param consumerErrors events whose consumer threw
 * @param processes      entries in the process cache
 * @param procReads      process lookups that read /proc
 * @param evictions      process cache evictions (bound reached)
 * @param programs       eBPF programs attached
 */
public record SensorStats(long records, long events, Map<EventType, Long> byType, long lost, long untracked,
                          long malformed, long consumerErrors, int processes, long procReads, long evictions,
                          int programs) {}
