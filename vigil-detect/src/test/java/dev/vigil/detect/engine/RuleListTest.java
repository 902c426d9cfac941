package dev.vigil.detect.engine;

import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.RuleLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Literal groups skip only rules that cannot match: every rule matches exactly the events its query matches. */
class RuleListTest {

    private static DetectionRule rule(String id, String query) {
        return RuleLoader.parse("""
                id: %s
                name: %s
                method: match
                queries:
                  - query: '%s'
                cases:
                  - status: low
                """.formatted(id, id, query), id);
    }

    private static final List<DetectionRule> RULES = List.of(
            rule("shadow", "source:vigil-agent @evt.name:open @open.file.path:/etc/shadow -@process.comm:sshd"),
            rule("ssh-keys", "source:vigil-agent @evt.name:open @open.file.path:/root/.ssh/*"),
            rule("proc-env", "source:vigil-agent @evt.name:open @open.file.path:/proc/*/environ"),
            rule("either", "source:vigil-agent @evt.name:open @open.file.path:(/etc/passwd OR /etc/group*)"),
            rule("number", "source:vigil-agent @evt.name:open @open.file.path:22"),
            rule("truth", "source:vigil-agent @evt.name:open @open.file.path:true"),
            rule("suffix", "source:vigil-agent @evt.name:open @open.file.path:*.pem"),
            rule("status-first", "source:vigil-agent status:error @open.file.path:/var/*"),
            rule("anywhere", "@open.file.path:/etc/* @process.comm:cat"));

    private static LogEvent open(String attributes) {
        String json = "{\"time\":1000,\"source\":\"vigil-agent\",\"status\":\"error\",\"attributes\":{\"evt\":{\"name\":\"open\"},"
                + "\"process\":{\"comm\":\"cat\"}" + (attributes.isEmpty() ? "" : "," + attributes) + "}}";
        return LogEventJson.fromJson(json);
    }

    @Test
    void groupsRulesOnTheAttributeTheyShare() {
        DetectionEngine engine = new DetectionEngine(RULES);
        List<DetectionEngine.Compiled> all = new ArrayList<>(engine.rules().values());
        RuleList list = RuleList.of(all, "evt.name");
        assertThat(list.groups).hasSize(1);
        assertThat(list.groups[0].path.dotted()).isEqualTo("open.file.path");
        // grouped: the literal and prefix rules; not: a suffix has no prefix, status is cheaper than a lookup
        for (int i = 0; i < all.size(); i++) {
            String id = all.get(i).rule().id();
            boolean grouped = !List.of("suffix", "status-first").contains(id);
            assertThat(list.groupOf[i] >= 0).as(id).isEqualTo(grouped);
        }
        assertThat(RuleList.literals(RULES.get(3), null).get("open.file.path").prefixes()).containsExactly("/etc/group");
        assertThat(RuleList.literals(RULES.get(3), null).get("open.file.path").exact()).containsExactly("/etc/passwd");
    }

    @Test
    void everyRuleMatchesWhatItsQueryMatches() {
        List<LogEvent> events = new ArrayList<>();
        for (String a : List.of(
                "\"open\":{\"file\":{\"path\":\"/etc/shadow\"}}",
                "\"open\":{\"file\":{\"path\":\"/etc/shadow.bak\"}}",
                "\"open\":{\"file\":{\"path\":\"/root/.ssh/id_rsa\"}}",
                "\"open\":{\"file\":{\"path\":\"/root/.sshx\"}}",
                "\"open\":{\"file\":{\"path\":\"/proc/42/environ\"}}",
                "\"open\":{\"file\":{\"path\":\"/etc/group-\"}}",
                "\"open\":{\"file\":{\"path\":\"/etc/passwd\"}}",
                "\"open\":{\"file\":{\"path\":\"/srv/key.pem\"}}",
                "\"open\":{\"file\":{\"path\":\"/var/log/x\"}}",
                "\"open\":{\"file\":{\"path\":22}}",
                "\"open\":{\"file\":{\"path\":22.0}}",
                "\"open\":{\"file\":{\"path\":true}}",
                "\"open\":{\"file\":{\"path\":null}}",
                "\"open\":{\"file\":{\"path\":{\"nested\":1}}}",
                "\"open\":{\"file\":[{\"path\":\"/tmp/a\"},{\"path\":\"/root/.ssh/config\"}]}",
                "\"open\":{\"file.path\":\"/etc/shadow\"}",
                "\"open.file.path\":\"/proc/1/environ\"",
                "")) {
            events.add(open(a));
        }
        DetectionEngine engine = new DetectionEngine(RULES);
        for (LogEvent e : events) engine.process(e);
        for (DetectionRule r : RULES) {
            long expected = events.stream().filter(e -> r.queries().getFirst().query().matches(e)).count();
            assertThat(engine.rules().get(r.id()).stats().matchedEvents.sum()).as(r.id()).isEqualTo(expected);
        }
        assertThat(engine.rules().get("number").stats().matchedEvents.sum()).isEqualTo(2); // 22 and 22.0
        assertThat(engine.rules().get("ssh-keys").stats().matchedEvents.sum()).isEqualTo(2); // one of an array's values
    }

    @Test
    void literalsNeedEveryQueryToRequireTheAttribute() {
        DetectionRule two = RuleLoader.parse("""
                id: two
                name: two
                method: threshold
                queries:
                  - name: a
                    query: 'source:sshd @usr.name:admin* @evt.outcome:failure'
                  - name: b
                    query: 'source:sshd @usr.name:(root OR guest*)'
                cases:
                  - status: low
                    condition: a + b > 3
                """, "two");
        Map<String, LiteralGroup.Keys> keys = RuleList.literals(two, null);
        assertThat(keys.keySet()).containsExactly("usr.name");
        assertThat(keys.get("usr.name").exact()).containsExactly("root");
        assertThat(keys.get("usr.name").prefixes()).containsExactlyInAnyOrder("admin", "guest");
        DetectionRule or = rule("or", "source:sshd (@usr.name:admin OR @evt.outcome:failure)");
        assertThat(RuleList.literals(or, null)).isEmpty();
    }
}
