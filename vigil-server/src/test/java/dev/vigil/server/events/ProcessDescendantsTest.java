package dev.vigil.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.detect.normalize.Normalizer;
import dev.vigil.detect.signal.Entities;
import dev.vigil.detect.signal.ProcessTrees;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The trigger's descendants, read from a real event index the way the signal panel reads them. */
class ProcessDescendantsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long T0 = 1_767_225_600_000L; // 2026-01-01, ms
    static final Normalizer NORMALIZER = new Normalizer();

    @TempDir Path dir;
    EventIndex index;
    EventSearch search;

    /** The alerted shell: pid 700 under sshd (pid 600), exec'd at T0. */
    final ObjectNode sshd = process(600, 1, "/usr/sbin/sshd", T0 - 3_600_000, "sshd: alice");
    final ObjectNode shell = process(700, 600, "/bin/sh", T0, "sh", "-i");

    @BeforeEach
    void open() throws Exception {
        index = EventIndex.open(dir.resolve("index"));
        search = new EventSearch(index, () -> 0L);
    }

    @AfterEach
    void close() throws Exception {
        index.close();
    }

    @Test
    void childrenAndGrandchildrenOfTheTriggerInTheOrderTheyStarted() throws Exception {
        ObjectNode curl = process(701, 700, "/usr/bin/curl", T0 + 1_000, "curl", "http://203.0.113.7/<script>x</script>");
        ObjectNode wget = process(702, 700, "/usr/bin/wget", T0 + 2_000, "wget", "-q", "http://x");
        ObjectNode bash = process(703, 701, "/bin/bash", T0 + 3_000, "bash");
        ObjectNode bashExecsTar = process(703, 701, "/usr/bin/tar", T0 + 4_000, "tar", "czf", "/tmp/o.tgz", "/etc");
        add("web-1", curl, shell, sshd);
        add("web-1", wget, shell, sshd);
        add("web-1", bash, curl, shell, sshd);
        add("web-1", bashExecsTar, curl, shell, sshd); // the same process exec'd tar: one node, what it ran last
        add("web-1", wget, shell, sshd); // another event of a known process adds nothing
        // not the trigger's: pid 700 reused by an older process, the same pid on another host, and long after
        add("web-1", process(800, 700, "/usr/bin/decoy-reused", T0 + 5_000, "x"), process(700, 600, "/bin/sh", T0 - 60_000, "sh"), sshd);
        add("db-1", process(801, 700, "/usr/bin/decoy-host", T0 + 5_000, "x"), shell, sshd);
        add("web-1", process(802, 700, "/usr/bin/decoy-late", T0 + 3_600_000, "x"), shell, sshd);
        index.commit(1, 0);
        index.refresh();

        ObjectNode tree = ProcessDescendants.treeOf(signal("web-1"), search, T0 + 7_200_000);
        List<String> rows = new ArrayList<>();
        for (JsonNode n : tree.path("nodes")) {
            rows.add(n.path("path").asText() + " pid " + n.path("pid").asLong() + " ppid " + n.path("ppid").asLong()
                    + (n.path("trigger").asBoolean() ? " trigger" : "") + (n.path("descendant").asBoolean() ? " depth " + n.path("depth").asInt() : ""));
        }
        assertThat(rows).containsExactly(
                "/usr/sbin/sshd pid 600 ppid 1",
                "/bin/sh pid 700 ppid 600 trigger",
                "/usr/bin/curl pid 701 ppid 700 depth 1",
                "/usr/bin/wget pid 702 ppid 700 depth 1",
                "/usr/bin/tar pid 703 ppid 701 depth 2");
        assertThat(tree.path("nodes").get(2).path("argv").toString()).contains("<script>x</script>");
        assertThat(tree.has("descendants_more")).isFalse();
        // the signal's stored tree is not changed
        assertThat(signal("web-1").processTree().path("nodes")).hasSize(2);
    }

    @Test
    void aBusyShellShowsTheFirstHundredAndCountsTheRest() throws Exception {
        for (int i = 0; i < ProcessDescendants.MAX_NODES + 5; i++) {
            add("web-1", process(1000 + i, 700, "/usr/bin/job-" + i, T0 + 1_000 + i, "job"), shell, sshd);
        }
        index.commit(1, 0);
        index.refresh();
        ObjectNode tree = ProcessDescendants.treeOf(signal("web-1"), search, T0 + 7_200_000);
        assertThat(tree.path("nodes")).hasSize(2 + ProcessDescendants.MAX_NODES);
        assertThat(tree.path("nodes").get(2).path("path").asText()).isEqualTo("/usr/bin/job-0");
        assertThat(tree.path("descendants_more").asInt()).isEqualTo(5);
    }

    @Test
    void withoutDescendantsInTheIndexTheTreeIsTheSignals() throws Exception {
        add("web-1", process(900, 1, "/usr/bin/other", T0 + 1_000, "other"), sshd);
        index.commit(1, 0);
        index.refresh();
        Signal s = signal("web-1");
        assertThat(ProcessDescendants.treeOf(s, search, T0 + 7_200_000)).isSameAs(s.processTree());
    }

    // ---- fixtures

    static ObjectNode process(int pid, int ppid, String path, long execMillis, String... argv) {
        ObjectNode p = JSON.createObjectNode();
        p.put("pid", pid).put("tid", pid).put("ppid", ppid).put("uid", 1000).put("user", "alice")
                .put("comm", path.substring(path.lastIndexOf('/') + 1)).put("exec_time", execMillis * 1_000_000L);
        p.putObject("file").put("path", path);
        ArrayNode a = p.putArray("argv");
        for (String s : argv) a.add(s);
        return p;
    }

    /** An agent exec event of {@code process} (its ancestors nearest first) on {@code host}. */
    LogEvent agentEvent(String host, ObjectNode process, ObjectNode... ancestors) {
        ObjectNode line = JSON.createObjectNode();
        long ns = process.path("exec_time").asLong();
        line.put("v", 1).putObject("event").put("type", "exec").put("timestamp", ns);
        line.putObject("host").put("name", host);
        ObjectNode p = process.deepCopy();
        ArrayNode a = p.putArray("ancestors");
        for (ObjectNode x : ancestors) a.add(x.deepCopy());
        line.set("process", p);
        return NORMALIZER.agentLine(line);
    }

    void add(String host, ObjectNode process, ObjectNode... ancestors) throws Exception {
        LogEvent e = agentEvent(host, process, ancestors);
        index.add(e, LogEventJson.toBytes(e));
    }

    /** The signal an alert on the shell made: its tree is the shell's ancestry. */
    Signal signal(String host) {
        LogEvent alert = agentEvent(host, shell, sshd);
        return new Signal("sig-1", "rule", "Rule", "Shell", "m", Severity.HIGH, SignalStatus.OPEN, null, null, Map.of(),
                1, T0 + 500, T0 + 500, T0 + 500, T0 + 500, "", "", List.of(), "",
                new Entities(List.of(host), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Map.of()),
                List.of(), ProcessTrees.of(alert));
    }
}
