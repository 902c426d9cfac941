package dev.vigil.sensor.process;

import dev.vigil.model.ContainerInfo;
import dev.vigil.model.ProcessInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProcFsTest {

    @TempDir
    Path proc;

    /** Writes a /proc/PID directory like the kernel's (only the files ProcFs reads). */
    static void fakeProcess(Path proc, int pid, int ppid, String comm, String cmdline, String environ) throws IOException {
        Path d = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(d.resolve("stat"), pid + " (" + comm + ") S " + ppid
                + " 1 1 34816 1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 12345 1000 100 0 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0");
        Files.writeString(d.resolve("status"), "Name:\t" + comm + "\nUid:\t1000\t1000\t1000\t1000\nGid:\t100\t100\t100\t100\n"
                + "CapEff:\t0000000000000000\nCapPrm:\t000001ffffffffff\n");
        Files.write(d.resolve("cmdline"), cmdline.getBytes(StandardCharsets.UTF_8));
        Files.write(d.resolve("environ"), environ.getBytes(StandardCharsets.UTF_8));
        Files.writeString(d.resolve("cgroup"), "0::/user.slice\n");
    }

    @Test
    void readsIdentityCredentialsCommandLineAndOnlyEnvironmentNames() throws IOException {
        fakeProcess(proc, 42, 1, "my (weird) app", "/usr/bin/python3\0-m\0http.server\0", "HOME=/root\0API_TOKEN=hunter2\0EMPTY=\0");
        ProcFs fs = new ProcFs(proc, cg -> ContainerInfo.NONE);
        ProcessInfo p = fs.read(42, new UserNames(proc.resolve("none"), proc.resolve("none")), boot -> 1_000 + boot);
        assertThat(p.pid()).isEqualTo(42);
        assertThat(p.ppid()).isEqualTo(1);
        assertThat(p.comm()).isEqualTo("my (weird) app");
        assertThat(p.uid()).isEqualTo(1000);
        assertThat(p.gid()).isEqualTo(100);
        assertThat(p.capPermitted()).isEqualTo(0x1ffffffffffL);
        assertThat(p.argv()).containsExactly("/usr/bin/python3", "-m", "http.server");
        assertThat(p.file().path()).isEqualTo("/usr/bin/python3");
        assertThat(p.envs()).containsExactly("HOME", "API_TOKEN", "EMPTY");
        assertThat(p.toString() + p.envs()).doesNotContain("hunter2");
        assertThat(p.tty()).isEqualTo("pts/0"); // tty_nr 34816 = major 136, minor 0
        assertThat(p.execTime()).isEqualTo(1_000 + 12345 * 10_000_000L);
    }

    @Test
    void aVanishedProcessReadsAsNull() {
        assertThat(new ProcFs(proc, cg -> ContainerInfo.NONE).read(99, new UserNames(), b -> b)).isNull();
    }

    @Test
    void environmentNamesOnlyNeverValues() {
        byte[] env = "A=1\0NO_EQUALS\0B=x=y\0".getBytes(StandardCharsets.UTF_8);
        assertThat(ProcFs.namesOnly(env, env.length)).containsExactly("A", "NO_EQUALS", "B");
    }

    @Test
    void ttyNumbersBecomeNames() {
        assertThat(ProcFs.ttyName(0)).isEmpty();
        assertThat(ProcFs.ttyName((136 << 8) | 3)).isEqualTo("pts/3");
        assertThat(ProcFs.ttyName((4 << 8) | 1)).isEqualTo("tty1");
        assertThat(ProcFs.ttyName((4 << 8) | 65)).isEqualTo("ttyS1");
    }
}
