package dev.vigil.detect.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.event.LogEvent;

import java.time.Instant;
import java.util.List;

/** Builds the events the tests feed the engine: sshd auth events and agent exec events. */
final class Events {

    static final long T0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
    private static long ids;

    private Events() {}

    static LogEvent ssh(long time, String outcome, String user, String ip) {
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.putObject("evt").put("name", "authentication").put("outcome", outcome);
        a.putObject("usr").put("name", user);
        a.putObject("network").putObject("client").put("ip", ip).put("port", 50022);
        return new LogEvent("e" + (++ids), time, "bastion-1", "sshd", "sshd", "info",
                (outcome.equals("success") ? "Accepted" : "Failed") + " password for " + user + " from " + ip, List.of("env:prod"), a);
    }

    static LogEvent exec(long time, String host, String container, String image, String path) {
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.putObject("evt").put("name", "exec").put("category", "process").put("kind", "event");
        ObjectNode p = a.putObject("process");
        p.put("pid", 4242).put("ppid", 4200).put("user", "www-data").put("uid", 33).put("comm", "xmrig");
        p.putObject("file").put("path", path);
        p.putArray("argv").add("-o").add("pool.minexmr.com:443");
        ObjectNode parent = p.putArray("ancestors").addObject();
        parent.put("pid", 4200).put("ppid", 1).put("user", "www-data").put("comm", "sh");
        parent.putObject("file").put("path", "/bin/sh");
        a.putObject("usr").put("name", "www-data");
        ObjectNode c = a.putObject("container");
        c.put("id", container + "-id").put("name", container);
        c.putObject("image").put("name", image).put("tag", "1.0");
        return new LogEvent("e" + (++ids), time, host, "vigil-agent", "", "info", "exec " + path, List.of(), a);
    }
}
