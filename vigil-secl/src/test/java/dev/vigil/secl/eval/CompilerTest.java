package dev.vigil.secl.eval;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.json.EventJson;
import dev.vigil.secl.ast.Expr;
import dev.vigil.secl.parse.Parser;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompilerTest {

    private static final long NOW = 1_800_000_000_000_000_000L;
    private final EventJson json = new EventJson();
    private final Variables vars = new Variables();

    /** A shell run by a Java web server, itself run by a shell: sh -> java -> bash -> init. */
    private final Event shellFromJava = json.parse("""
            {"event":{"type":"exec","timestamp":1800000000000000000},
             "process":{"pid":300,"ppid":200,"comm":"sh","file":{"path":"/bin/sh","name":"sh"},"argv0":"sh",
               "argv":["-c","cat /etc/shadow"],"envs":["PATH","HOME"],"exec_time":1799999998000000000,
               "ancestors":[
                 {"pid":200,"file":{"path":"/usr/lib/jvm/java-17/bin/java","name":"java"},"argv0":"java","argv":["-jar","app.jar"]},
                 {"pid":100,"file":{"path":"/bin/bash","name":"bash"},"argv0":"sh","argv":["-l"]},
                 {"pid":1,"file":{"path":"/sbin/init","name":"init"},"argv0":"/sbin/init"}]}}""");

    private final Event openShadow = json.parse("""
            {"event":{"type":"open"},"process":{"pid":301,"file":{"path":"/bin/cat","name":"cat"},"argv0":"cat","argv":["/etc/shadow"]},
             "open":{"file":{"path":"/etc/shadow","name":"shadow"},"flags":524288,"retval":3}}""");

    private final Event writeCron = json.parse("""
            {"event":{"type":"open"},"process":{"pid":302,"file":{"path":"/usr/bin/tee","name":"tee"}},
             "container":{"id":"%s"},
             "open":{"file":{"path":"/etc/cron.d/backdoor","name":"backdoor"},"flags":577,"retval":3}}""".formatted("ab".repeat(32)));

    private final Event connectMetadata = json.parse("""
            {"event":{"type":"connect"},"process":{"pid":303,"file":{"path":"/usr/bin/curl","name":"curl"}},
             "connect":{"addr":{"family":2,"ip":"169.254.169.254","port":80},"protocol":6,"retval":0}}""");

    private final Event dnsMiner = json.parse("""
            {"event":{"type":"dns"},"process":{"pid":304,"file":{"path":"/tmp/xmrig","name":"xmrig"}},
             "dns":{"id":1,"question":{"name":"pool.supportxmr.com","type":1,"class":1,"count":1}},
             "network":{"destination":{"family":2,"ip":"127.0.0.53","port":53}}}""");

    private boolean eval(String expr, Event e) {
        return eval(expr, e, Compiler.Definitions.NONE);
    }

    private boolean eval(String expr, Event e, Compiler.Definitions defs) {
        Compiler.Compiled c = Compiler.compile(Parser.parse(expr), defs);
        assertThat(c.eventType()).as("event type of " + expr).isEqualTo(e.type());
        return c.eval().eval(new EvalContext(vars).reset(e, NOW));
    }

    @Test
    void fieldsArraysAndAncestorsMatchAsInSecl() {
        assertThat(eval("exec.file.name == \"sh\" && process.ancestors.file.name in [\"java\", \"node\"]", shellFromJava)).isTrue();
        assertThat(eval("exec.file.name == \"sh\" && process.ancestors.file.name in [\"node\"]", shellFromJava)).isFalse();
        assertThat(eval("exec.argv in [\"-c\"] && exec.args =~ \"*shadow*\"", shellFromJava)).isTrue();
        assertThat(eval("process.parent.file.name == \"java\" && exec.file.path != \"/bin/bash\"", shellFromJava)).isTrue();
        assertThat(eval("exec.envs in [\"AWS_SECRET_ACCESS_KEY\"]", shellFromJava)).isFalse();
    }

    @Test
    void conditionsOnAncestorsJoinedByAndReferToTheSameAncestor() {
        // java's argv0 is "java" and bash's argv0 is "sh": no single ancestor is both java and argv0 sh
        assertThat(eval("exec.file.name == \"sh\" && process.ancestors.file.name == \"java\" && process.ancestors.argv0 == \"sh\"",
                shellFromJava)).isFalse();
        assertThat(eval("exec.file.name == \"sh\" && process.ancestors.file.name == \"bash\" && process.ancestors.argv0 == \"sh\"",
                shellFromJava)).isTrue();
        // in separate conditions (through ||) each may be a different ancestor
        assertThat(eval("exec.file.name == \"sh\" && (process.ancestors.file.name == \"nope\" || process.ancestors.argv in [\"-jar\"])",
                shellFromJava)).isTrue();
        assertThat(eval("exec.file.name == \"sh\" && !(process.ancestors.file.name == \"node\")", shellFromJava)).isTrue();
        // negative conditions mean "no ancestor matches", also next to positive ones and without any ancestor
        assertThat(eval("exec.file.name == \"sh\" && process.ancestors.file.name == \"java\" && !(process.ancestors.file.name in [\"bash\"])",
                shellFromJava)).isFalse();
        assertThat(eval("exec.file.name == \"sh\" && process.ancestors.file.name == \"java\" && process.ancestors.file.name not in [\"bash\"]",
                shellFromJava)).isFalse();
        Event orphan = json.parse("{\"event\":{\"type\":\"exec\"},\"process\":{\"pid\":5,\"file\":{\"name\":\"sh\"}}}");
        assertThat(eval("exec.file.name == \"sh\" && !(process.ancestors.file.name in [\"dpkg\"])", orphan)).isTrue();
        assertThat(eval("exec.file.name == \"sh\" && process.ancestors.file.name != \"dpkg\"", orphan)).isTrue();
    }

    @Test
    void flagsPatternsAndRegexes() {
        assertThat(eval("open.flags & O_CREAT > 0 && open.flags & (O_WRONLY | O_RDWR) > 0", writeCron)).isTrue();
        assertThat(eval("open.flags & O_CREAT > 0", openShadow)).isFalse();
        assertThat(eval("open.file.path =~ \"/etc/cron.d/*\"", writeCron)).isTrue();
        assertThat(eval("open.file.path =~ \"/etc/*\"", writeCron)).as("* stays within one path segment").isFalse();
        assertThat(eval("open.file.path =~ \"/etc/**\"", writeCron)).isTrue();
        assertThat(eval("open.file.path in [~\"/etc/sudoers.d/*\", \"/etc/shadow\"]", openShadow)).isTrue();
        assertThat(eval("process.file.name =~ r\"^(cat|less|more)$\" && open.file.name == \"shadow\"", openShadow)).isTrue();
        assertThat(eval("dns.question.name =~ \"*xmr*\"", dnsMiner)).as("* spans everything outside paths").isTrue();
        assertThat(eval("dns.question.name !~ \"*.example.com\"", dnsMiner)).isTrue();
        assertThat(eval("open.retval >= 0 && open.file.path == ~\"/etc/s*\"", openShadow)).isTrue();
    }

    @Test
    void ipsCidrsDurationsLengthsAndAllin() {
        assertThat(eval("connect.addr.ip in [10.0.0.0/8, 169.254.169.254] && connect.addr.port == 80", connectMetadata)).isTrue();
        assertThat(eval("connect.addr.ip == 169.254.0.0/16", connectMetadata)).isTrue();
        assertThat(eval("connect.addr.ip in [192.168.0.0/16, ::1]", connectMetadata)).isFalse();
        assertThat(eval("exec.file.name == \"sh\" && process.created_at < 5s", shellFromJava)).as("started 2 s ago").isTrue();
        assertThat(eval("exec.file.name == \"sh\" && process.created_at > 1m", shellFromJava)).isFalse();
        assertThat(eval("dns.question.name.length > 15", dnsMiner)).isTrue();
        assertThat(eval("exec.argv.length == 2", shellFromJava)).isTrue();
        assertThat(eval("exec.argv allin [\"-c\", \"cat /etc/shadow\"]", shellFromJava)).isTrue();
        assertThat(eval("exec.argv allin [\"-c\"]", shellFromJava)).isFalse();
        assertThat(eval("exec.file.name not in [\"bash\", \"zsh\"]", shellFromJava)).isTrue();
    }

    @Test
    void macrosExpandAndValueMacrosServeAsLists() {
        var defs = new Compiler.Definitions(
                Map.of("from_web_server", Parser.parse("process.ancestors.file.name in web_servers")),
                Map.of("web_servers", List.of(new Expr.StringLit("java", null), new Expr.StringLit("node", null)),
                        "shells", List.of(new Expr.StringLit("sh", null), new Expr.StringLit("bash", null))),
                Map.of());
        assertThat(eval("exec.file.name in shells && from_web_server", shellFromJava, defs)).isTrue();
        // Datadog also allows an expression macro whose expression is a list
        var listMacro = new Compiler.Definitions(Map.of("servers", Parser.parse("[\"java\", \"node\"]")), Map.of(), Map.of());
        assertThat(eval("exec.file.name == \"sh\" && process.ancestors.file.name in servers", shellFromJava, listMacro)).isTrue();
        assertThatThrownBy(() -> eval("exec.file.name in [sh, bash]", shellFromJava))
                .hasMessageContaining("'sh' in a list is not a field, macro or constant: quote it to make it a string (\"sh\")");
        var cyclic = new Compiler.Definitions(Map.of("a", Parser.parse("b && exec.file.name == \"x\""), "b", Parser.parse("a")), Map.of(), Map.of());
        assertThatThrownBy(() -> eval("a", shellFromJava, cyclic)).hasMessageContaining("refers to itself");
    }

    @Test
    void variablesSetByActionsAreReadInTheirScope() {
        var defs = new Compiler.Definitions(Map.of(), Map.of(), Map.of("container.downloaded", Compiler.VarType.STRINGS,
                "process.flagged", Compiler.VarType.BOOL));
        assertThat(eval("open.file.path in ${container.downloaded}", writeCron, defs)).isFalse();
        vars.set(Variables.Scope.CONTAINER, "downloaded", "/etc/cron.d/backdoor", true, 0, writeCron, NOW);
        assertThat(eval("open.file.path in ${container.downloaded}", writeCron, defs)).isTrue();
        assertThat(eval("${container.downloaded.length} == 1 && open.retval > 0", writeCron, defs)).isTrue();
        assertThat(eval("${process.flagged} && open.retval > 0", writeCron, defs)).isFalse();
        vars.set(Variables.Scope.PROCESS, "flagged", true, false, 1_000, writeCron, NOW);
        assertThat(eval("${process.flagged} && open.retval > 0", writeCron, defs)).isTrue();
        assertThat(Compiler.compile(Parser.parse("${process.flagged} && open.retval > 0"), defs).eval()
                .eval(new EvalContext(vars).reset(writeCron, NOW + 2_000))).as("past its TTL").isFalse();
    }

    @Test
    void typeErrorsAndUnknownNamesAreReportedWithPositionAndHint() {
        assertThatThrownBy(() -> eval("exec.file.nam == \"sh\"", shellFromJava))
                .hasMessage("line 1, column 1: 'exec.file.nam' is not a field, macro or constant (did you mean exec.file.name?)");
        assertThatThrownBy(() -> eval("exec.file.name == 3", shellFromJava))
                .hasMessageContaining("'==' compares a string with the integer 3");
        assertThatThrownBy(() -> eval("open.flags == \"x\"", openShadow))
                .hasMessageContaining("needs integers, found the string \"x\"");
        assertThatThrownBy(() -> eval("exec.file.name == \"sh\" && open.file.path == \"/etc\"", shellFromJava))
                .hasMessageContaining("mixes event types: open.file.path is a field of open events, but other fields are of exec events");
        assertThatThrownBy(() -> eval("process.file.name == \"sh\"", shellFromJava))
                .hasMessageContaining("names no event type");
        assertThatThrownBy(() -> eval("exec.file.path =~ r\"([a-z\"", shellFromJava))
                .hasMessageContaining("line 1, column 19: invalid regular expression");
        assertThatThrownBy(() -> eval("exec.file.name", shellFromJava)).hasMessageContaining("expected a condition");
        assertThatThrownBy(() -> eval("open.file.path in ${container.nope}", openShadow)).hasMessageContaining("unknown variable ${container.nope}");
        assertThatThrownBy(() -> eval("process.created_at < 5s && connect.addr.port == 5s", connectMetadata))
                .hasMessageContaining("a duration compares with a time field");
    }

    @Test
    void approversNameTheValuesAnEventMustHave() {
        var c = Compiler.compile(Parser.parse("exec.file.name in [\"sh\", \"bash\"] && process.ancestors.file.name == \"java\""),
                Compiler.Definitions.NONE);
        assertThat(c.eventType()).isEqualTo(EventType.EXEC);
        assertThat(c.approvers()).containsExactly(new Compiler.Approver("exec.file.name", java.util.Set.of("sh", "bash"), false));
        var p = Compiler.compile(Parser.parse("open.file.path =~ \"/etc/cron.d/*\" && open.flags & O_CREAT > 0"), Compiler.Definitions.NONE);
        assertThat(p.approvers()).containsExactly(new Compiler.Approver("open.file.path", java.util.Set.of("/etc/cron.d/"), true));
        var partial = Compiler.compile(Parser.parse("open.file.path in [~\"/dev/sd*\", ~\"/root/.ssh/id_*\"]"), Compiler.Definitions.NONE);
        assertThat(partial.approvers()).containsExactly(new Compiler.Approver("open.file.path", java.util.Set.of("/dev/", "/root/.ssh/"), true));
        var ports = Compiler.compile(Parser.parse("connect.addr.port in [3333, 4444] && connect.addr.family in [AF_INET, AF_INET6]"),
                Compiler.Definitions.NONE);
        assertThat(ports.approvers()).containsExactly(
                new Compiler.Approver("connect.addr.port", java.util.Set.of(), false, java.util.Set.of(3333L, 4444L)),
                new Compiler.Approver("connect.addr.family", java.util.Set.of(), false, java.util.Set.of(2L, 10L)));
        var none = Compiler.compile(Parser.parse("open.file.path =~ r\"x\""), Compiler.Definitions.NONE);
        assertThat(none.approvers()).isEmpty();
    }
}
