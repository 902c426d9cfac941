package dev.vigil.sensor.testing;

import dev.vigil.sensor.Prerequisites;
import dev.vigil.sensor.bpf.Libbpf;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;

/**
 * The policy for tests that need the real sensor: they skip only where this machine truly cannot
 * run it (not root, or a kernel without BTF) and say why; anything else missing is a failure, so
 * that CI (root, BTF) can never pass by skipping.
 */
public final class SensorMachine {
    private SensorMachine() {}

    public static void require() {
        Assumptions.assumeTrue(Prerequisites.isRoot(),
                "SKIPPED: the sensor tests need root (eBPF); run the test command as root");
        Assumptions.assumeTrue(Files.isReadable(Prerequisites.BTF),
                "SKIPPED: this kernel has no BTF at " + Prerequisites.BTF + "; the sensor cannot run here");
        if (!Libbpf.available()) {
            throw new AssertionError("libbpf.so.1 is missing: apt-get install libbpf1 (bin/setup installs it)");
        }
    }
}
