package dev.vigil.detect.signal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EntityCollectorTest {

    private final EventCache cache = new EventCache();
    private final EventEntities entities = new EventEntities(cache);
    private final EntityCollector collector = new EntityCollector();

    private void add(String host, String user, String image, String tag) {
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.putObject("usr").put("name", new String(user)); // a new string per event, as parsing makes
        if (image != null) {
            ObjectNode i = a.putObject("container").putObject("image").put("name", image);
            if (tag != null) i.put("tag", tag);
        }
        a.putObject("network").putObject("client").put("ip", "203.0.113.9");
        cache.reset(new LogEvent("e", 0, new String(host), "sshd", "sshd", "info", "", List.of(), a));
        collector.add(entities.current());
    }

    @Test
    void collectsEachKindOnceInFirstSeenOrder() {
        add("web-1", "root", "acme/web", "1.0");
        add("web-2", "root", "acme/web", null);
        add("web-1", "alice", null, null);
        Entities e = collector.snapshot();
        assertThat(e.hosts()).containsExactly("web-1", "web-2");
        assertThat(e.users()).containsExactly("root", "alice");
        assertThat(e.images()).containsExactly("acme/web:1.0", "acme/web");
        assertThat(e.services()).containsExactly("sshd");
        assertThat(e.ips()).containsExactly("203.0.113.9");
        assertThat(e.overflow()).isEmpty();
    }

    @Test
    void beyondTheBoundEveryUnseenValueIsCountedEvenWhenRepeated() {
        for (int i = 0; i < Entities.MAX_PER_KIND + 10; i++) add("web-1", "u" + i, null, null);
        assertThat(collector.snapshot().users()).hasSize(Entities.MAX_PER_KIND).startsWith("u0", "u1");
        assertThat(collector.snapshot().overflow()).containsExactly(java.util.Map.entry("user", 10L));
        add("web-1", "u55", null, null); // left out before: counted again
        add("web-1", "u55", null, null);
        assertThat(collector.snapshot().overflow()).containsEntry("user", 12L);
        add("web-1", "u3", null, null); // kept: not counted
        add("web-1", "u3", null, null);
        assertThat(collector.snapshot().overflow()).containsEntry("user", 12L);
        assertThat(collector.snapshot().hosts()).containsExactly("web-1");
    }

    @Test
    void theSnapshotIsReusedUntilSomethingChanges() {
        add("web-1", "root", null, null);
        Entities first = collector.snapshot();
        add("web-1", "root", null, null);
        assertThat(collector.snapshot()).isSameAs(first);
        add("web-1", "alice", null, null);
        assertThat(collector.snapshot()).isNotSameAs(first);
        assertThat(collector.snapshot().users()).containsExactly("root", "alice");
        collector.addAll(new Entities(List.of("db-1"), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), java.util.Map.of()));
        assertThat(collector.snapshot().hosts()).containsExactly("web-1", "db-1");
    }
}
