package dev.vigil.bench;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Detection throughput of several builds of the engine in one JVM, side by side: each build's
 * {@code lib/} (its vigil-detect and the rest) in a class loader of its own, with this benchmark's
 * classes on top, {@link DetectionBenchmark#process} itself (the same mix, re-stamping and
 * drains) timed by thread CPU time in short rounds that alternate between the builds.
 *
 * <p>Separate JMH runs on this shared 2-vCPU machine moved by 10-25% from one run to the next, more
 * than most changes to the engine; rounds of a second or two, alternating in one process, see the
 * same machine and compare within a few percent. Reported per build: the median, minimum and
 * maximum of the rounds, in events per CPU second. Run it in both load orders: in some runs the
 * build loaded second ran 2-5% faster than the same build loaded first (seen with one build
 * twice), so one order alone can show a gain that is not there; {@code bench/detect-compare.sh}
 * runs both.
 *
 * <pre>
 *   java -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' dev.vigil.bench.SideBySide \
 *        RULES INPUT ROUNDS MILLIS LIB-DIR...
 *   (INPUT: normalized, decoded or whole; bench/detect-compare.sh runs it with VIGIL_COMPARE_MODE=jvm)
 * </pre>
 */
public final class SideBySide {

    public static void main(String[] args) throws Exception {
        int rules = Integer.parseInt(args[0]);
        String input = args[1];
        int rounds = Integer.parseInt(args[2]);
        long millis = Long.parseLong(args[3]);
        List<String> libs = List.of(args).subList(4, args.length);
        URL own = SideBySide.class.getProtectionDomain().getCodeSource().getLocation();
        Method[] round = new Method[libs.size()];
        for (int b = 0; b < libs.size(); b++) {
            List<URL> urls = new ArrayList<>();
            urls.add(own);
            try (var jars = Files.newDirectoryStream(Path.of(libs.get(b)), "*.jar")) {
                for (Path j : jars) urls.add(j.toUri().toURL());
            }
            ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            Class<?> runner = Class.forName(Runner.class.getName(), true, loader);
            runner.getMethod("setUp", int.class, String.class).invoke(null, rules, input);
            round[b] = runner.getMethod("round", long.class);
        }
        for (int w = 0; w < 3; w++) for (Method m : round) m.invoke(null, millis); // warm-up, not counted
        double[][] rate = new double[libs.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int b = 0; b < libs.size(); b++) {
                long[] x = (long[]) round[b].invoke(null, millis);
                rate[b][r] = x[0] * 1e9 / x[1];
            }
        }
        for (int b = 0; b < libs.size(); b++) {
            double[] sorted = rate[b].clone();
            Arrays.sort(sorted);
            StringBuilder each = new StringBuilder();
            for (double v : rate[b]) each.append(each.isEmpty() ? "" : " ").append(Math.round(v / 1000)).append('k');
            System.out.printf(Locale.ROOT, "%s: median %,.0f events per CPU second (min %,.0f, max %,.0f); rounds %s%n",
                    name(libs.get(b)), sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], each);
        }
    }

    /** A build's name: its lib directory's parent ({@code .../baseline/lib} is {@code baseline}). */
    private static String name(String lib) {
        Path p = Path.of(lib).toAbsolutePath().normalize();
        return p.getParent() != null && p.getFileName().toString().equals("lib") ? p.getParent().getFileName().toString() : p.toString();
    }

    /**
     * One build's engine over the mix: a {@link DetectionBenchmark} set up as JMH would, whose
     * {@link DetectionBenchmark#process} (the timed loop itself) runs until a round's time is up.
     * Loaded once per build, in that build's class loader.
     */
    public static final class Runner {
        private static DetectionBenchmark bench;

        public static void setUp(int rules, String input) {
            bench = new DetectionBenchmark();
            bench.rules = rules;
            bench.input = input;
            bench.setUp();
        }

        /** Runs {@link DetectionBenchmark#process} for about {@code millis}; returns {events, thread CPU nanoseconds}. */
        public static long[] round(long millis) {
            var threads = ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long end = System.nanoTime() + millis * 1_000_000L;
            long n = 0;
            while (System.nanoTime() < end) {
                bench.process();
                n += DetectionBenchmark.BATCH;
            }
            return new long[] {n, threads.getCurrentThreadCpuTime() - cpu0};
        }
    }
}
