package dev.vigil.sensor;

import dev.vigil.sensor.bpf.Libbpf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What the sensor needs from the machine, checked up front so that a missing piece gives one clear
 * message instead of a verifier dump: Linux, root, kernel BTF, libbpf.so.1, and tracefs (mounted here
 * if absent, since syscall tracepoints are attached through it).
 */
public final class Prerequisites {

    public static final Path BTF = Path.of("/sys/kernel/btf/vmlinux");
    public static final Path TRACEFS = Path.of("/sys/kernel/tracing");

    private Prerequisites() {}

    /** The problems that stop the sensor here; empty when it can run. Does not change the machine. */
    public static List<String> problems() {
        List<String> out = new ArrayList<>();
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            out.add("the sensor needs Linux (this is " + System.getProperty("os.name") + ")");
            return out;
        }
        if (!isRoot()) {
            out.add("the sensor needs root (eBPF programs need CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN): run it with sudo");
        }
        if (!Files.isReadable(BTF)) {
            out.add("the kernel exposes no BTF at " + BTF + " (needs CONFIG_DEBUG_INFO_BTF=y, Linux 5.8 or later)");
        }
        if (!Libbpf.available()) {
            out.add("libbpf.so.1 was not found (Debian/Ubuntu: apt-get install libbpf1; Fedora: dnf install libbpf)");
        }
        return out;
    }

    /** Effective uid 0, read from /proc/self/status. */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).trim().split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** Mounts tracefs at /sys/kernel/tracing unless something is mounted there already. */
    static void ensureTracefs() throws SensorUnavailableException {
        if (Files.isDirectory(TRACEFS.resolve("events"))) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            MethodHandle mount = linker.downcallHandle(linker.defaultLookup().find("mount").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
            int rc = (int) mount.invokeExact(arena.allocateFrom("nodev"), arena.allocateFrom(TRACEFS.toString()),
                    arena.allocateFrom("tracefs"), 0L, MemorySegment.NULL);
            if (rc != 0 || !Files.isDirectory(TRACEFS.resolve("events"))) {
                throw new SensorUnavailableException("tracefs is not mounted at " + TRACEFS
                        + " and mounting it failed; run: mount -t tracefs nodev " + TRACEFS);
            }
        } catch (SensorUnavailableException e) {
            throw e;
        } catch (Throwable t) {
            throw new SensorUnavailableException("cannot mount tracefs at " + TRACEFS + ": " + t.getMessage(), t);
        }
    }

    /** Whether the tracepoint a program section names exists on this kernel. */
    static boolean tracepointExists(String section) {
        if (section.startsWith("tp/")) {
            return Files.isDirectory(TRACEFS.resolve("events").resolve(section.substring(3)));
        }
        return true; // tp_btf: checked by libbpf against the kernel's BTF
    }
}
