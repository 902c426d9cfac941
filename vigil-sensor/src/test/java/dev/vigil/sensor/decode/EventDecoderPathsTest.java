package dev.vigil.sensor.decode;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How an exec's program path is chosen: as invoked, except for indirect invocations. */
class EventDecoderPathsTest {

    @Test
    void theProgramAsInvokedKeepsItsNameThroughSymlinks() {
        // /bin/sh -> dash on Debian: rules say "sh"
        assertThat(EventDecoder.programPath("/bin/sh", "/usr/bin/dash", "/", List.of("sh"))).isEqualTo("/bin/sh");
        assertThat(EventDecoder.programPath("./run.sh", "/usr/bin/dash", "/srv", List.of("./run.sh"))).isEqualTo("/srv/run.sh");
    }

    @Test
    void busyboxAppletsRunThroughProcSelfExeAreNamedByArgv0() {
        assertThat(EventDecoder.programPath("/proc/self/exe", "/bin/busybox", "/", List.of("cat", "/etc/passwd")))
                .isEqualTo("/bin/cat");
        assertThat(EventDecoder.programPath("/proc/self/exe", "/bin/busybox", "/", List.of("busybox", "ls")))
                .isEqualTo("/bin/busybox");
    }

    @Test
    void otherIndirectInvocationsReportTheRealBinary() {
        assertThat(EventDecoder.programPath("/dev/fd/6", "/usr/bin/runc", "/", List.of("runc", "init"))).isEqualTo("/usr/bin/runc");
        assertThat(EventDecoder.programPath("", "/usr/bin/true", "/", List.of())).isEqualTo("/usr/bin/true");
    }

    @Test
    void moduleFileNamesBecomeModuleNames() {
        assertThat(EventDecoder.moduleName("nf_tables.ko.xz")).isEqualTo("nf_tables");
        assertThat(EventDecoder.moduleName("snd-hda-intel.ko")).isEqualTo("snd_hda_intel");
    }

    @Test
    void kernelPtyNamesGetTheirSlash() {
        assertThat(EventDecoder.ttyName("pts3")).isEqualTo("pts/3");
        assertThat(EventDecoder.ttyName("tty1")).isEqualTo("tty1");
        assertThat(EventDecoder.ttyName("")).isEmpty();
    }
}
