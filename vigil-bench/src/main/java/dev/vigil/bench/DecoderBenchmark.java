package dev.vigil.bench;

import dev.vigil.model.Event;
import dev.vigil.model.Payload;
import dev.vigil.sensor.HostInfos;
import dev.vigil.sensor.container.ContainerResolver;
import dev.vigil.sensor.decode.EventDecoder;
import dev.vigil.sensor.process.ProcFs;
import dev.vigil.sensor.process.ProcessCache;
import dev.vigil.sensor.process.UserNames;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decoding alone: {@link EventDecoder#decode(byte[], int)} on one ring-buffer record, in events per
 * second, with the process cache and container resolver wired as the sensor wires them. Both record
 * kinds run side by side ({@code @Param record}):
 * <ul>
 *   <li>{@code open}: a successful open of a 40-byte path, the full path resolved from dentry
 *       components; the process is in the cache (its exec was decoded in setup), so this is the
 *       steady-state cost of the most frequent event.</li>
 *   <li>{@code exec}: curl exec'd in a podman container, with argv, environment names, cwd and
 *       cgroup names; each decode builds a new process entry and replaces the cached one. The
 *       container has no engine to ask (empty socket list), so its id comes from the cgroup name and
 *       the negative cache answers.</li>
 * </ul>
 * Comparing this with the harness's records/s tells how much of the poll thread's time goes to
 * decoding and how much to the ring buffer, the upcall and the consumer.
 *
 * <pre>
 *   java -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' org.openjdk.jmh.Main DecoderBenchmark \
 *        -f 1 -wi 3 -w 1s -i 5 -r 2s -prof gc
 * </pre>
 * ({@code gc.alloc.rate.norm} is bytes allocated per decoded event.)
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class DecoderBenchmark {

    /** A pid no real process has (above the default pid_max of 4194304), so /proc is never asked about it. */
    static final int PID = 4_000_001;
    static final String PATH = "/var/lib/app/data/cache/index/segment.db";
    static final String CONTAINER = "3f8d1c2b4a5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";

    @Param({"open", "exec"})
    public String record;

    private ContainerResolver containers;
    private EventDecoder decoder;
    private byte[] bytes;

    @Setup
    public void setUp() {
        containers = new ContainerResolver(List.of(), Duration.ofSeconds(2));
        ProcFs procFs = new ProcFs(Path.of("/proc"), containers::fromProcCgroup);
        ProcessCache processes = new ProcessCache(procFs, new UserNames(), ProcessCache.DEFAULT_MAX_ENTRIES,
                HostInfos.bootTimeUnixNanos());
        long monoToUnix = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        decoder = new EventDecoder(processes, containers, HostInfos.local(List.of()), mono -> mono + monoToUnix);

        int ppid = (int) ProcessHandle.current().pid(); // a real parent: read from /proc once, then cached
        byte[] exec = Records.exec(PID, ppid, CONTAINER);
        Event e = decoder.decode(exec, exec.length);
        check(e != null && e.process().file().path().equals("/usr/bin/curl")
                && e.process().argv().size() == 7 && e.process().envs().size() == 8
                && e.container().id().equals(CONTAINER) && e.process().cwd().equals("/srv/app"), "exec", e);

        byte[] open = Records.open(PID, PATH);
        e = decoder.decode(open, open.length);
        check(e != null && e.payload() instanceof Payload.Open o && o.file().path().equals(PATH)
                && e.process().file().path().equals("/usr/bin/curl"), "open", e);

        bytes = record.equals("open") ? open : exec;
    }

    /** The records must decode to what they describe, or the numbers measure an error path. */
    private static void check(boolean ok, String what, Event e) {
        if (!ok) {
            throw new IllegalStateException("the synthetic " + what + " record decoded wrongly (Records no longer matches vigil.h?): " + e);
        }
    }

    @TearDown
    public void tearDown() {
        containers.close();
    }

    @Benchmark
    public Event decode() {
        return decoder.decode(bytes, bytes.length);
    }
}
