package dev.vigil.bench;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.ProcessInfo;
import dev.vigil.model.json.EventJson;
import dev.vigil.model.json.NdjsonReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A recorded event trace held in memory, read from a gzipped NDJSON resource under {@code traces/}
 * (see {@code traces/README.md} for how {@link #HOST_MIX} was recorded).
 *
 * <p>In a recording every event carries its own copy of its process and ancestry. The live agent's
 * process cache hands the same {@link ProcessInfo} instance to every event of a process, so the
 * loader does the same: equal processes (same fields, same parent) become one shared instance. Rule
 * evaluation then touches as much memory per event as it would in the agent, not a 10 KB private copy.
 */
final class Trace {

    /** ~8,700 events of ordinary activity on a 2-vCPU host (builds, shells, HTTP, podman, /tmp churn). */
    static final String HOST_MIX = "traces/host-mix.ndjson.gz";

    private Trace() {}

    /** The events of resource {@code name}, in recorded order, processes shared as described above. */
    static List<Event> load(String name) {
        try (InputStream raw = Trace.class.getClassLoader().getResourceAsStream(name)) {
            if (raw == null) {
                throw new IllegalStateException("trace " + name + " is not on the classpath (expected under vigil-bench/src/main/resources/)");
            }
            List<Event> out = new ArrayList<>();
            Map<ProcessInfo, ProcessInfo> shared = new HashMap<>();
            try (NdjsonReader reader = new NdjsonReader(new InputStreamReader(new GZIPInputStream(raw, 1 << 16),
                    StandardCharsets.UTF_8), new EventJson())) {
                for (Event e : reader) {
                    out.add(new Event(e.timestamp(), e.tid(), e.host(), share(e.process(), shared), e.payload()));
                }
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + name + ": " + e.getMessage(), e);
        }
    }

    /** The one instance equal to {@code p} once its ancestry is shared (parents first, so equality is cheap). */
    private static ProcessInfo share(ProcessInfo p, Map<ProcessInfo, ProcessInfo> shared) {
        if (p == null) return null;
        ProcessInfo parent = share(p.parent(), shared);
        ProcessInfo q = parent == p.parent() ? p : p.withParent(parent);
        return shared.computeIfAbsent(q, k -> k);
    }

    /** Events per type, most frequent first. */
    static Map<EventType, Integer> typeCounts(List<Event> events) {
        Map<EventType, Integer> counts = new EnumMap<>(EventType.class);
        for (Event e : events) counts.merge(e.type(), 1, Integer::sum);
        Map<EventType, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<EventType, Integer>comparingByValue().reversed())
                .forEachOrdered(en -> sorted.put(en.getKey(), en.getValue()));
        return sorted;
    }
}
