/**
 * FFM bindings to libbpf.so.1: {@link dev.vigil.sensor.bpf.Libbpf} holds the downcalls,
 * {@link dev.vigil.sensor.bpf.BpfObject} the open/configure/load/attach life cycle,
 * {@link dev.vigil.sensor.bpf.RingBuffer} the upcall-driven consumer. No JNI, no helper process.
 */
package dev.vigil.sensor.bpf;
