/**
 * Process context: {@link dev.vigil.sensor.process.ProcessCache} keeps pid to process with
 * ancestry links, fed by fork/exec/exit events and bootstrapped from /proc
 * ({@link dev.vigil.sensor.process.ProcFs}); {@link dev.vigil.sensor.process.UserNames} names ids.
 */
package dev.vigil.sensor.process;
