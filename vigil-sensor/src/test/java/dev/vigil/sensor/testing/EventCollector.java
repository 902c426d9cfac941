package dev.vigil.sensor.testing;

import dev.vigil.model.Event;
import dev.vigil.model.ProcessInfo;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Collects the sensor's events that tests care about: those of processes descending from this JVM
 * (everything a test starts), those in containers, and the sensor's own lost_events reports. The
 * rest of the machine's activity (builds, other tests) is dropped on arrival to bound memory.
 */
public final class EventCollector implements Consumer<Event> {

    private final long self = ProcessHandle.current().pid();
    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

    @Override
    public void accept(Event e) {
        if (!e.container().isNone() || e.process() == ProcessInfo.NONE || descendsFromSelf(e.process())) {
            events.add(e);
        }
    }

    private boolean descendsFromSelf(ProcessInfo p) {
        for (ProcessInfo a = p.parent(); a != null; a = a.parent()) {
            if (a.pid() == self) return true;
        }
        return false;
    }

    /** Waits up to {@code timeout} for an event matching {@code what}, failing with {@code description}. */
    public Event await(String description, Duration timeout, Predicate<Event> what) {
        Event[] found = new Event[1];
        Awaitility.await(description).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (Event e : events) {
                if (what.test(e)) {
                    found[0] = e;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    public Event await(String description, Predicate<Event> what) {
        return await(description, Duration.ofSeconds(15), what);
    }

    public List<Event> all(Predicate<Event> what) {
        return events.stream().filter(what).toList();
    }

    public void clear() { events.clear(); }
}
