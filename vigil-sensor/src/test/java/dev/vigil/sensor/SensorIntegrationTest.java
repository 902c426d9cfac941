package dev.vigil.sensor;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.LinuxConstants;
import dev.vigil.model.Payload;
import dev.vigil.model.ProcessInfo;
import dev.vigil.model.json.EventJson;
import dev.vigil.sensor.testing.Commands;
import dev.vigil.sensor.testing.EventCollector;
import dev.vigil.sensor.testing.SensorMachine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real sensor against real programs: every test runs programs as children of this JVM and
 * asserts the events the kernel reported for them. Needs root and BTF (see {@link SensorMachine}).
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SensorIntegrationTest {

    private final EventCollector events = new EventCollector();
    private final long self = ProcessHandle.current().pid();
    private Sensor sensor;
    private DatagramSocket dns;
    private Thread dnsServer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Process preexisting;
    private Path preexistingFlag;

    @TempDir
    static Path tmp;

    @BeforeAll
    void startSensor() throws Exception {
        SensorMachine.require();
        dns = bindDnsServer();
        // a shell that starts before the sensor: its context must come from /proc
        preexistingFlag = Files.createTempDirectory("vigil-pre").resolve("go");
        preexisting = new ProcessBuilder("/bin/sh", "-c",
                "while [ ! -e " + preexistingFlag + " ]; do sleep 0.1; done; cat /dev/null", "vigil-preexisting").start();
        Thread.sleep(200);
        sensor = Sensor.start(SensorConfig.defaults()
                .withDnsExtraPort(dns.getLocalPort() == 53 ? 0 : dns.getLocalPort())
                .withHostTags(List.of("env:test", "team:vigil")), events);
    }

    @AfterAll
    void stopSensor() {
        running.set(false);
        if (preexisting != null) preexisting.destroyForcibly();
        if (dns != null) dns.close();
        if (sensor != null) {
            SensorStats s = sensor.stats();
            sensor.close();
            assertThat(s.malformed()).as("undecodable records").isZero();
            assertThat(s.consumerErrors()).isZero();
        }
    }

    @Test
    void shellStartedFromJavaHasTheJavaProcessInItsAncestryWithArgv() {
        String marker = "vigil-" + UUID.randomUUID();
        Commands.sh("echo " + marker + " > /dev/null");

        Event exec = events.await("exec of sh carrying the marker", e -> e.type() == EventType.EXEC
                && e.process().args().contains("echo " + marker + " > /dev/null"));
        ProcessInfo sh = exec.process();
        assertThat(sh.file().name()).isEqualTo("sh");
        assertThat(sh.argv0()).isEqualTo("/bin/sh");
        assertThat(sh.args()).containsExactly("-c", "echo " + marker + " > /dev/null");
        ProcessInfo java = sh.ancestors().stream().filter(a -> a.pid() == self).findFirst()
                .orElseThrow(() -> new AssertionError("this JVM (pid " + self + ") is not in " + sh.ancestors()));
        assertThat(java.file().name()).startsWith("java");
        assertThat(java.argv()).as("the JVM's own command line").isNotEmpty();
        assertThat(String.join(" ", java.argv())).contains("surefire");
        // ancestry continues above the JVM, up to pid 1
        assertThat(sh.ancestors().getLast().pid()).isEqualTo(1);
        assertThat(sh.uid()).isZero();
        assertThat(sh.capEffective() & LinuxConstants.family(LinuxConstants.Family.CAPABILITIES).get("CAP_SYS_ADMIN")).isNotZero();
    }

    @Test
    void processesStartedBeforeTheSensorAreKnownWithTheirCommandLine() throws Exception {
        Files.createFile(preexistingFlag);
        Event cat = events.await("cat run by the pre-existing shell", e -> e.type() == EventType.EXEC
                && e.process().file().name().equals("cat") && e.process().parent() != null
                && e.process().parent().pid() == preexisting.pid());
        ProcessInfo sh = cat.process().parent();
        assertThat(sh.argv()).startsWith("/bin/sh", "-c");
        assertThat(sh.file().path()).isEqualTo("/bin/sh");
        assertThat(sh.ancestors()).extracting(ProcessInfo::pid).contains((int) self);
    }

    @Test
    void everyEventCarriesTheHostNameKernelAndConfiguredTags() throws IOException {
        Commands.sh("true vigil-host-tags");
        Event exec = events.await("exec", e -> e.type() == EventType.EXEC && e.process().args().contains("true vigil-host-tags"));
        assertThat(exec.host().name()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim());
        assertThat(exec.host().kernel()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
        assertThat(exec.host().tags()).containsExactly("env:test", "team:vigil");
    }

    @Test
    void scriptsAreReportedAsThemselvesWithTheirInterpreter() throws IOException {
        Path script = tmp.resolve("vigil-script-" + System.nanoTime() + ".sh");
        Files.writeString(script, "#!/bin/sh\ntrue\n");
        script.toFile().setExecutable(true);
        Commands.run(List.of(script.toString(), "some-arg"));
        Event exec = events.await("exec of the script", e -> e.type() == EventType.EXEC
                && e.process().file().path().equals(script.toString()));
        assertThat(exec.process().interpreter().path()).isEqualTo("/bin/sh");
        assertThat(exec.process().argv()).containsExactly("/bin/sh", script.toString(), "some-arg");
    }

    @Test
    void aShellWhoseStdinAndStdoutAreATcpSocketIsVisibleAsSuch() throws IOException {
        // the shape of a reverse shell: sh with fd 0 and 1 on a TCP connection (here to a local listener)
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("exit\n".getBytes());
                    s.getInputStream().readAllBytes();
                } catch (IOException ignored) {
                    // done
                }
            });
            Commands.run(List.of("/bin/bash", "-c",
                    "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + "; /bin/sh -c 'read x; true vigil-revshell' <&3 >&3"));
            Event exec = events.await("sh on a socket", e -> e.type() == EventType.EXEC && e.process().file().name().equals("sh")
                    && e.process().args().contains("read x; true vigil-revshell"));
            assertThat(exec.process().stdinType()).isEqualTo("socket_inet");
            assertThat(exec.process().stdoutType()).isEqualTo("socket_inet");
        }
        Commands.sh("/bin/echo vigil-pipe-check | cat > /dev/null");
        Event piped = events.await("echo with a pipe on stdout", e -> e.type() == EventType.EXEC
                && e.process().file().name().equals("echo") && e.process().args().contains("vigil-pipe-check"));
        assertThat(piped.process().stdoutType()).isEqualTo("pipe");
    }

    @Test
    void aProcessOnATerminalCarriesItsTtyName() {
        // script(1) runs the command on a fresh pseudo-terminal
        Commands.run(List.of("script", "-qec", "/bin/sh -c 'true vigil-tty'", "/dev/null"));
        Event exec = events.await("exec on a pty", e -> e.type() == EventType.EXEC && e.process().file().name().equals("sh")
                && e.process().args().contains("true vigil-tty"));
        assertThat(exec.process().tty()).matches("pts/\\d+");
        assertThat(exec.process().stdinType()).isEqualTo("tty");
    }

    @Test
    void capsetIsReportedWithTheResultingCapabilities() {
        Commands.run(List.of("setpriv", "--inh-caps=-all", "--bounding-set=-all", "/bin/true"));
        Event capset = events.await("capset by setpriv", e -> e.payload() instanceof Payload.Capset
                && e.process().file().name().equals("setpriv"));
        assertThat(((Payload.Capset) capset.payload()).retval()).isZero();
        assertThat(((Payload.Capset) capset.payload()).capEffective()).isNotZero(); // root keeps its effective set
    }

    @Test
    void environmentVariableNamesAreReportedButNeverTheirValues() {
        String secret = "s3cr3t-" + UUID.randomUUID();
        Commands.run(List.of("/bin/sh", "-c", "true vigil-env-test"), null, Map.of("VIGIL_TEST_TOKEN", secret));

        Event exec = events.await("exec with the test env", e -> e.type() == EventType.EXEC
                && e.process().args().contains("true vigil-env-test"));
        assertThat(exec.process().envs()).contains("VIGIL_TEST_TOKEN", "PATH");
        String json = new EventJson().toJson(exec);
        assertThat(json).contains("VIGIL_TEST_TOKEN").doesNotContain(secret);
    }

    @Test
    void writeOpenRenameSetuidChmodAndUnlinkUnderTmpAreReportedWithAbsolutePaths() throws IOException {
        Path dir = Files.createTempDirectory("vigil-it");
        Path a = dir.resolve("a.txt"), b = dir.resolve("b.txt");
        // relative paths from the shell's cwd: the sensor must still report absolute ones
        Commands.run(List.of("/bin/sh", "-c", "echo hi > a.txt && mv a.txt b.txt && chmod u+s b.txt && rm b.txt"),
                dir, Map.of());

        Event open = events.await("write open of a.txt", e -> e.payload() instanceof Payload.Open o
                && o.file().path().equals(a.toString()));
        Payload.Open o = (Payload.Open) open.payload();
        assertThat(o.flags() & LinuxConstants.O_WRONLY).isNotZero();
        assertThat(o.flags() & LinuxConstants.O_CREAT).isNotZero();
        assertThat(o.retval()).isGreaterThanOrEqualTo(0);
        assertThat(open.process().file().name()).isEqualTo("sh");

        Event rename = events.await("rename a.txt -> b.txt", e -> e.payload() instanceof Payload.Rename r
                && r.file().path().equals(a.toString()));
        assertThat(((Payload.Rename) rename.payload()).destination().path()).isEqualTo(b.toString());
        assertThat(((Payload.Rename) rename.payload()).retval()).isZero();
        assertThat(rename.process().file().name()).isEqualTo("mv");

        Event chmod = events.await("chmod u+s b.txt", e -> e.payload() instanceof Payload.Chmod c
                && c.file().path().equals(b.toString()));
        assertThat(((Payload.Chmod) chmod.payload()).mode() & LinuxConstants.S_ISUID).isNotZero();

        Event unlink = events.await("unlink b.txt", e -> e.payload() instanceof Payload.Unlink u
                && u.file().path().equals(b.toString()));
        assertThat(((Payload.Unlink) unlink.payload()).retval()).isZero();
        assertThat(unlink.process().parent().file().name()).isEqualTo("sh");
    }

    @Test
    void failedAttemptsCarryTheErrno() {
        String missing = "/tmp/vigil-missing-" + UUID.randomUUID() + "/x";
        Commands.sh("cat " + missing + " 2>/dev/null; true");
        Event open = events.await("failed open", e -> e.payload() instanceof Payload.Open o && o.file().path().equals(missing));
        assertThat(((Payload.Open) open.payload()).retval()).isEqualTo(-2); // ENOENT
    }

    @Test
    void moduleLoadAttemptFromABogusFileIsReportedWithItsFileAndError() throws IOException {
        Path bogus = Files.write(tmp.resolve("vigil_bogus-" + System.nanoTime() + ".ko"), new byte[] {1, 2, 3, 4});
        // perl (Debian's essential perl-base) calls finit_module(2) directly: no kernel module tooling needed
        Commands.run(List.of("perl", "-e", "open(my $f, '<', $ARGV[0]) or die; my $p = ''; syscall(313, fileno($f), $p, 0);",
                bogus.toString()));

        Event load = events.await("finit_module attempt", e -> e.payload() instanceof Payload.LoadModule m
                && m.file().path().equals(bogus.toString()));
        Payload.LoadModule m = (Payload.LoadModule) load.payload();
        assertThat(m.fromMemory()).isFalse();
        assertThat(m.retval()).isNegative(); // ENOSYS without module support, ENOEXEC/EINVAL with it
        assertThat(m.name()).startsWith("vigil_bogus");
        assertThat(load.process().file().name()).startsWith("perl");
    }

    @Test
    void bpfProgramLoadIsReportedWithTypeAndName() throws IOException {
        Path pin = Path.of("/sys/fs/bpf/vigil-it-" + System.nanoTime());
        Path object = tmp.resolve("vigil.bpf.o");
        try (var in = Sensor.class.getResourceAsStream("vigil.bpf.o")) {
            Files.copy(in, object);
        }
        try {
            Commands.run(List.of("bpftool", "prog", "loadall", object.toString(), pin.toString()));
            Event load = events.await("BPF_PROG_LOAD of on_exec by bpftool", e -> e.payload() instanceof Payload.Bpf b
                    && b.cmd() == 5 && b.progName().equals("on_exec"));
            Payload.Bpf b = (Payload.Bpf) load.payload();
            assertThat(b.progType()).isEqualTo(26); // BPF_PROG_TYPE_TRACING: tp_btf programs
            assertThat(b.retval()).isPositive();    // a program fd
            assertThat(load.process().file().name()).isEqualTo("bpftool");
            events.await("BPF_MAP_CREATE of the events ring buffer", e -> e.payload() instanceof Payload.Bpf mb
                    && mb.cmd() == 0 && mb.mapType() == 27 && mb.mapName().equals("events"));
        } finally {
            Commands.run(List.of("rm", "-rf", pin.toString()));
        }
    }

    @Test
    void connectToALocalListenerIsReportedWithAddressPortAndFamily() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().readAllBytes();
                } catch (IOException ignored) {
                    // the client closed
                }
            });
            Commands.run(List.of("/bin/bash", "-c", "echo hello > /dev/tcp/127.0.0.1/" + port));
            Event connect = events.await("connect to 127.0.0.1:" + port, e -> e.payload() instanceof Payload.Connect c
                    && c.addr().port() == port);
            Payload.Connect c = (Payload.Connect) connect.payload();
            assertThat(c.addr().ip()).isEqualTo("127.0.0.1");
            assertThat(c.addr().family()).isEqualTo(LinuxConstants.AF_INET);
            assertThat(c.protocol()).isEqualTo(6); // TCP
            assertThat(c.retval()).isZero();
            acceptor.interrupt();
        }
    }

    @Test
    void bindAndAcceptByAChildListenerAreReported() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process listener = new ProcessBuilder("busybox", "nc", "-l", "-p", Integer.toString(port)).start();
        try {
            events.await("bind of port " + port, e -> e.payload() instanceof Payload.Bind b && b.addr().port() == port);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.getOutputStream().write("x\n".getBytes());
            }
            Event accept = events.await("accept on port " + port, e -> e.payload() instanceof Payload.Accept a
                    && a.localPort() == port && a.retval() >= 0);
            Payload.Accept a = (Payload.Accept) accept.payload();
            assertThat(a.addr().ip()).isEqualTo("127.0.0.1");
            assertThat(a.addr().port()).isPositive();
        } finally {
            listener.destroyForcibly();
        }
    }

    @Test
    void dnsQueryToALocalUdpServerIsReportedWithNameAndType() {
        String name = "vigil-" + Long.toHexString(System.nanoTime()) + ".example";
        int port = dns.getLocalPort();
        // busybox's resolver connect()s a UDP socket and write()s the query; glibc would use sendmmsg
        Commands.run(List.of("busybox", "nslookup", name, port == 53 ? "127.0.0.1" : "127.0.0.1:" + port));
        Event q = events.await("DNS question for " + name, e -> e.payload() instanceof Payload.Dns d && d.questionName().equals(name));
        Payload.Dns d = (Payload.Dns) q.payload();
        assertThat(d.questionType()).isIn(1, 28); // A or AAAA
        assertThat(d.questionClass()).isEqualTo(1);
        assertThat(d.server().ip()).isEqualTo("127.0.0.1");
        assertThat(d.server().port()).isEqualTo(port);
    }

    @Test
    void exitCodesAndKillingSignalsAreReported() {
        Commands.sh("exit 7");
        events.await("exit 7", e -> e.payload() instanceof Payload.Exit x && x.code() == 7 && x.cause().equals("EXITED")
                && e.process().args().contains("exit 7"));
        // let the child exec sleep before it is killed, so the target is "sleep" and not the forked shell
        Commands.sh("sleep 30 & sleep 0.5; kill -KILL $!; wait");
        Event signal = events.await("kill -KILL", e -> e.payload() instanceof Payload.Signal s && s.signal() == 9
                && s.target().file().name().equals("sleep"));
        assertThat(((Payload.Signal) signal.payload()).retval()).isZero();
        events.await("sleep killed by SIGKILL", e -> e.payload() instanceof Payload.Exit x && x.cause().equals("SIGNALED")
                && x.code() == 9 && e.process().file().name().equals("sleep"));
    }

    @Test
    void ptraceAttachIsReportedWithItsTarget() {
        Commands.sh("sleep 30 & pid=$!; strace -p $pid -e trace=none -o /dev/null & s=$!; sleep 1; kill $s; kill $pid; wait");
        // strace also probes ptrace on a forked helper of its own first: look for the attach to sleep
        Event ptrace = events.await("ptrace attach by strace to sleep", e -> e.payload() instanceof Payload.Ptrace p
                && (p.request() == 0x4206 || p.request() == 16) && p.tracee().file().name().equals("sleep"));
        assertThat(ptrace.process().file().name()).isEqualTo("strace");
        assertThat(((Payload.Ptrace) ptrace.payload()).retval()).isZero();
    }

    @Test
    void mountIsReportedWithFilesystemTypeAndMountPoint() throws IOException {
        Path mnt = Files.createTempDirectory("vigil-mnt");
        Commands.run(List.of("mount", "-t", "tmpfs", "vigil-test", mnt.toString()));
        try {
            Event mount = events.await("tmpfs mount", e -> e.payload() instanceof Payload.Mount m && m.mountpoint().equals(mnt.toString()));
            Payload.Mount m = (Payload.Mount) mount.payload();
            assertThat(m.fsType()).isEqualTo("tmpfs");
            assertThat(m.source()).isEqualTo("vigil-test");
            assertThat(m.retval()).isZero();
        } finally {
            Commands.run(List.of("umount", mnt.toString()));
        }
    }

    @Test
    void credentialChangesAreReportedAndFollowedByTheProcessContext() {
        Commands.run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", "-c", "true vigil-setuid"));
        Event setuid = events.await("setuid to nobody", e -> e.payload() instanceof Payload.SetUid s && s.uid() == 65534);
        assertThat(((Payload.SetUid) setuid.payload()).euid()).isEqualTo(65534);
        events.await("setgid to nogroup", e -> e.payload() instanceof Payload.SetGid s && s.gid() == 65534);
        Event exec = events.await("exec of sh as nobody", e -> e.type() == EventType.EXEC
                && e.process().file().name().equals("sh") && e.process().args().contains("true vigil-setuid"));
        assertThat(exec.process().uid()).isEqualTo(65534);
        assertThat(exec.process().user()).isEqualTo("nobody");
    }

    @Test
    void lostEventsAreCountedAndReportedWhenTheConsumerFallsBehind() throws Exception {
        EventCollector slow = new EventCollector();
        // a one-page ring buffer and a consumer that sleeps: the kernel must drop, and say so
        SensorConfig tiny = SensorConfig.defaults().withRingBufferBytes(4096).withEventTypes(java.util.Set.of(EventType.OPEN));
        try (Sensor s = Sensor.start(tiny, e -> {
            slow.accept(e);
            try {
                Thread.sleep(2);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        })) {
            Commands.sh("i=0; while [ $i -lt 3000 ]; do : > /tmp/vigil-loss; i=$((i+1)); done; rm -f /tmp/vigil-loss");
            Event lost = slow.await("a lost_events report", e -> e.type() == EventType.LOST_EVENTS);
            assertThat(((Payload.LostEvents) lost.payload()).count()).isPositive();
            assertThat(s.stats().lost()).isPositive();
        }
    }

    /** A tiny DNS responder (NXDOMAIN for everything) on 127.0.0.1:53, or a free port if 53 is taken. */
    private DatagramSocket bindDnsServer() throws IOException {
        DatagramSocket socket;
        try {
            socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 53));
        } catch (IOException taken) {
            socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        }
        DatagramSocket s = socket;
        dnsServer = Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[512];
            while (running.get()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    byte[] reply = java.util.Arrays.copyOf(p.getData(), p.getLength());
                    reply[2] = (byte) 0x81; // QR=1, RD=1
                    reply[3] = (byte) 0x83; // RA=1, RCODE=3 (NXDOMAIN)
                    s.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return s;
    }
}
