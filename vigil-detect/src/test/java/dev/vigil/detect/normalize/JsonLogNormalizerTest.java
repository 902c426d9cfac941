package dev.vigil.detect.normalize;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.event.LogEventJson;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static dev.vigil.detect.normalize.Json.attr;
import static dev.vigil.detect.normalize.Json.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** JSON log lines: the reserved-attribute remapping, auth messages inside JSON, CloudTrail and Kubernetes audit. */
class JsonLogNormalizerTest {

    private static final long INTAKE = Instant.parse("2026-11-22T12:00:00Z").toEpochMilli();
    private static final long T = Instant.parse("2026-11-22T10:01:02.345Z").toEpochMilli();

    private final Normalizer normalizer = new Normalizer(Clock.fixed(Instant.ofEpochMilli(INTAKE), ZoneOffset.UTC), ZoneOffset.UTC);
    private final Normalizer.Defaults defaults = new Normalizer.Defaults("json", "", "intake-host", List.of("intake:http"), INTAKE);

    private static List<String> names(LogEvent e) {
        List<String> names = new java.util.ArrayList<>();
        e.attributes().fieldNames().forEachRemaining(names::add);
        return names;
    }

    private LogEvent json(String line) {
        return normalizer.jsonLine(Json.parse(line), defaults);
    }

    @Test
    void reservedAttributesAreRemappedAndLeaveTheAttributes() {
        LogEvent e = json("""
                {"timestamp":"2026-11-22T11:01:02.345+01:00","host":"web-1","service":"checkout","level":"WARNING",
                 "message":"payment retry","ddtags":"env:prod, team:payments,","http":{"status_code":502},
                 "usr":{"id":"u-1"},"trace_id":"abc","time":"not this one"}""");
        assertThat(e.time()).isEqualTo(T);
        assertThat(e.host()).isEqualTo("web-1");
        assertThat(e.service()).isEqualTo("checkout");
        assertThat(e.source()).isEqualTo("json");
        assertThat(e.status()).isEqualTo("warn");
        assertThat(e.message()).isEqualTo("payment retry");
        assertThat(e.tags()).containsExactly("intake:http", "env:prod", "team:payments");
        assertThat(names(e)).containsExactly("http", "usr", "trace_id", "time");
        assertThat(attr(e, "http.status_code")).isEqualTo("502");
    }

    @Test
    void epochNumbersAreReadBySizeAndIsoWithoutZoneIsTheConfiguredZone() {
        assertThat(json("{\"ts\":1795341662}").time()).isEqualTo(T / 1000 * 1000);
        assertThat(json("{\"ts\":1795341662345}").time()).isEqualTo(T);
        assertThat(json("{\"ts\":1795341662345678}").time()).isEqualTo(T);
        assertThat(json("{\"ts\":1795341662345678901}").time()).isEqualTo(T);
        assertThat(json("{\"ts\":1795341662.345}").time()).isEqualTo(T);
        assertThat(json("{\"ts\":\"1795341662345\"}").time()).isEqualTo(T);
        assertThat(json("{\"date\":\"2026-11-22T10:01:02.345\"}").time()).isEqualTo(T);
        assertThat(json("{\"date\":\"2026-11-22 10:01:02.345\"}").time()).isEqualTo(T);
        assertThat(json("{\"@timestamp\":\"2026-11-22T10:01:02.345Z\"}").time()).isEqualTo(T);
        assertThat(json("{\"eventTime\":\"2026-11-22T10:01:02.345+0000\"}").time()).isEqualTo(T);
        assertThat(json("{\"syslog\":{\"timestamp\":\"2026-11-22T10:01:02.345Z\"}}").time()).isEqualTo(T);
    }

    @Test
    void aMissingOrImplausibleTimeIsTheIntakeTimeAndTheValueStays() {
        assertThat(json("{\"message\":\"x\"}").time()).isEqualTo(INTAKE);
        LogEvent duration = json("{\"time\":0.25,\"message\":\"request done\"}");
        assertThat(duration.time()).isEqualTo(INTAKE);
        assertThat(node(duration, "time").asDouble()).isEqualTo(0.25);
        LogEvent garbage = json("{\"timestamp\":\"yesterday\",\"ts\":1795341662345}");
        assertThat(garbage.time()).isEqualTo(T);
        assertThat(attr(garbage, "timestamp")).isEqualTo("yesterday");
    }

    @Test
    void statusesAreNormalised() {
        assertThat(json("{\"status\":\"err\"}").status()).isEqualTo("error");
        assertThat(json("{\"level\":\"Fatal\"}").status()).isEqualTo("emerg");
        assertThat(json("{\"severity\":\"crit\"}").status()).isEqualTo("critical");
        assertThat(json("{\"level\":\"NOTICE\"}").status()).isEqualTo("notice");
        assertThat(json("{\"level\":\"trace\"}").status()).isEqualTo("debug");
        assertThat(json("{\"level\":\"SEVERE\"}").status()).isEqualTo("error");
        assertThat(json("{\"severity\":3}").status()).isEqualTo("error");
        assertThat(json("{\"level\":40}").status()).isEqualTo("warn");
        assertThat(json("{\"status\":\"OK\"}").status()).isEqualTo("ok");
        assertThat(json("{\"level\":\"whatever\"}").status()).isEqualTo("warn");
        assertThat(json("{\"level\":\"zzz\"}").status()).isEqualTo("info");
        assertThat(json("{\"syslog\":{\"severity\":2}}").status()).isEqualTo("critical");
        assertThat(json("{\"msg\":\"x\"}").status()).isEqualTo("info");
    }

    @Test
    void pinoAndEcsShapes() {
        LogEvent pino = json("{\"level\":30,\"time\":1795341662345,\"pid\":7,\"hostname\":\"api-1\",\"msg\":\"listening\",\"port\":8080}");
        assertThat(pino.status()).isEqualTo("info");
        assertThat(pino.time()).isEqualTo(T);
        assertThat(pino.host()).isEqualTo("api-1");
        assertThat(pino.message()).isEqualTo("listening");
        assertThat(names(pino)).containsExactly("pid", "port");

        LogEvent ecs = json("{\"@timestamp\":\"2026-11-22T10:01:02.345Z\",\"host\":{\"name\":\"web-2\",\"os\":{\"family\":\"debian\"}},"
                + "\"log\":{\"level\":\"error\",\"logger\":\"app\"},\"message\":\"boom\",\"tags\":[\"a\",\"b\",7]}");
        assertThat(ecs.host()).isEqualTo("web-2");
        assertThat(attr(ecs, "host.os.family")).isEqualTo("debian");
        assertThat(attr(ecs, "log.logger")).isEqualTo("app");
        assertThat(ecs.message()).isEqualTo("boom");
        assertThat(ecs.tags()).containsExactly("intake:http", "a", "b", "7");
    }

    @Test
    void sourceServiceAndHostFallBackToTheDefaults() {
        LogEvent none = json("{\"message\":\"x\"}");
        assertThat(none.source()).isEqualTo("json");
        assertThat(none.host()).isEqualTo("intake-host");
        assertThat(none.service()).isEmpty();
        LogEvent own = json("{\"ddsource\":\"nginx\",\"source\":\"other\",\"message\":\"x\"}");
        assertThat(own.source()).isEqualTo("nginx");
        assertThat(attr(own, "source")).isEqualTo("other");
        assertThat(json("{\"tags\":\"a:1,b:2\"}").tags()).containsExactly("intake:http", "a:1", "b:2");
        assertThat(json("{\"syslog\":{\"appname\":\"cron\",\"hostname\":\"h9\"}}").service()).isEqualTo("cron");
    }

    @Test
    void unknownFieldsAndOddUnicodeAreKeptIntact() {
        String line = "{\"message\":\"caf\\u00e9 \\u2615 \\u0000 \\ud834\\udd1e \\u202e\\ufeff\",\"emoji\":\"\\ud83d\\udc69\\u200d\\ud83d\\udcbb\","
                + "\"nested\":{\"deep\":{\"deeper\":{\"list\":[1,{\"\\u043a\\u043b\\u044e\\u0447\":\"\\u0437\\u043d\\u0430\\u0447\\u0435\\u043d\\u0438\\u0435\"},null,true]}}},"
                + "\"\":\"empty key\",\"a.b\":\"dotted key\",\"big\":123456789012345678901234567890,\"lone\":\"\\ud800\"}";
        ObjectNode in = Json.parse(line);
        LogEvent e = normalizer.jsonLine(in, defaults);
        assertThat(e.message()).isEqualTo("café ☕ \u0000 𝄞 \u202e\ufeff");
        assertThat(attr(e, "emoji")).isEqualTo("👩‍💻");
        assertThat(e.attributes().get("nested")).isEqualTo(in.get("nested"));
        assertThat(e.attributes().get("nested").get("deep").get("deeper").get("list").get(1).get("ключ").asText()).isEqualTo("значение");
        assertThat(attr(e, "a.b")).isEqualTo("dotted key");
        assertThat(e.attributes().get("").asText()).isEqualTo("empty key");
        assertThat(e.attributes().get("big").bigIntegerValue().toString()).isEqualTo("123456789012345678901234567890");
        assertThat(e.attributes().get("lone").asText()).isEqualTo("\ud800");
        LogEvent back = LogEventJson.fromJson(LogEventJson.toJson(e));
        assertThat(back.attributes()).isEqualTo(e.attributes());
        assertThat(back.message()).isEqualTo(e.message());
    }

    @Test
    void theInputIsNotModifiedEvenWhereAttributesAreAddedUnderItsObjects() {
        ObjectNode in = Json.parse("{\"source\":\"sshd\",\"message\":\"Failed password for root from 192.0.2.9 port 22 ssh2\","
                + "\"usr\":{\"email\":\"root@example.com\"},\"network\":{\"bytes_read\":10}}");
        String before = in.toString();
        LogEvent e = normalizer.jsonLine(in, defaults);
        assertThat(in.toString()).isEqualTo(before);
        assertThat(attr(e, "usr.name")).isEqualTo("root");
        assertThat(attr(e, "usr.email")).isEqualTo("root@example.com");
        assertThat(attr(e, "network.client.ip")).isEqualTo("192.0.2.9");
        assertThat(attr(e, "network.bytes_read")).isEqualTo("10");

        LogEvent scalar = json("{\"source\":\"sshd\",\"usr\":\"kept\",\"message\":\"Failed password for root from 192.0.2.9 port 22 ssh2\"}");
        assertThat(attr(scalar, "usr")).isEqualTo("kept");
        assertThat(attr(scalar, "evt.outcome")).isEqualTo("failure");
    }

    @Test
    void authMessagesAreReadBySourceServiceAppnameOrAnEmbeddedSyslogLine() {
        LogEvent bySource = json("{\"source\":\"sshd\",\"host\":\"web-1\",\"message\":\"Invalid user test from 2001:db8::5 port 4444\"}");
        assertThat(attr(bySource, "usr.name")).isEqualTo("test");
        assertThat(attr(bySource, "network.client.ip")).isEqualTo("2001:db8::5");
        assertThat(node(bySource, "ssh.invalid_user").asBoolean()).isTrue();

        LogEvent byService = json("{\"service\":\"sudo\",\"message\":\"alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash\"}");
        assertThat(attr(byService, "sudo.command")).isEqualTo("/bin/bash");

        LogEvent journald = json("{\"syslog\":{\"appname\":\"sshd\",\"hostname\":\"web-3\",\"severity\":6},"
                + "\"message\":\"Accepted publickey for alice from 203.0.113.5 port 52144 ssh2: ED25519 SHA256:abc\"}");
        assertThat(journald.host()).isEqualTo("web-3");
        assertThat(journald.service()).isEqualTo("sshd");
        assertThat(attr(journald, "ssh.key.fingerprint")).isEqualTo("SHA256:abc");

        LogEvent raw = json("{\"source\":\"syslog\",\"message\":\"<38>Nov 22 10:01:02 web-4 sshd[812]: Failed password for root from 192.0.2.5 port 4444 ssh2\"}");
        assertThat(raw.host()).isEqualTo("intake-host");
        assertThat(attr(raw, "syslog.hostname")).isEqualTo("web-4");
        assertThat(attr(raw, "syslog.appname")).isEqualTo("sshd");
        assertThat(attr(raw, "evt.outcome")).isEqualTo("failure");
        assertThat(raw.message()).startsWith("<38>Nov 22");

        LogEvent noHost = normalizer.jsonLine(Json.parse("{\"message\":\"Nov 22 10:01:02 web-4 sshd[812]: Invalid user a from 192.0.2.5 port 1\"}"),
                Normalizer.Defaults.at(INTAKE));
        assertThat(noHost.host()).isEqualTo("web-4");

        LogEvent other = json("{\"message\":\"Nov 22 10:01:02 web-4 nginx[1]: Failed password for root from 192.0.2.5 port 4444 ssh2\"}");
        assertThat(node(other, "evt.outcome")).isNull();
        assertThat(node(other, "syslog")).isNull();
    }

    @Test
    void cloudTrailRecords() {
        List<LogEvent> ct = Json.resourceLines("cloudtrail.ndjson").stream().map(this::json).toList();

        LogEvent failedLogin = ct.get(0);
        assertThat(failedLogin.source()).isEqualTo("cloudtrail");
        assertThat(failedLogin.service()).isEqualTo("cloudtrail");
        assertThat(failedLogin.host()).isEqualTo("intake-host");
        assertThat(failedLogin.time()).isEqualTo(Instant.parse("2026-11-22T09:15:27Z").toEpochMilli());
        assertThat(attr(failedLogin, "evt.name")).isEqualTo("ConsoleLogin");
        assertThat(attr(failedLogin, "evt.outcome")).isEqualTo("failure");
        assertThat(attr(failedLogin, "usr.name")).isEqualTo("alice");
        assertThat(attr(failedLogin, "usr.id")).isEqualTo("arn:aws:iam::111122223333:user/alice");
        assertThat(attr(failedLogin, "network.client.ip")).isEqualTo("198.51.100.23");
        assertThat(attr(failedLogin, "http.useragent")).startsWith("Mozilla/5.0");
        assertThat(attr(failedLogin, "eventTime")).isEqualTo("2026-11-22T09:15:27Z");
        assertThat(failedLogin.tags()).containsExactly("intake:http", "region:us-east-1", "aws_account:111122223333");
        assertThat(failedLogin.message()).isEqualTo("ConsoleLogin (signin) by alice from 198.51.100.23 failed: Failed authentication");

        LogEvent assumed = ct.get(1);
        assertThat(attr(assumed, "evt.outcome")).isEqualTo("success");
        assertThat(attr(assumed, "usr.name")).isEqualTo("bob@example.com");
        assertThat(attr(assumed, "network.client.ip")).isEqualTo("2001:db8:85a3::8a2e:370:7334");
        assertThat(attr(assumed, "requestParameters.userName")).isEqualTo("svc-backup");

        LogEvent denied = ct.get(2);
        assertThat(attr(denied, "evt.outcome")).isEqualTo("failure");
        assertThat(denied.message()).isEqualTo("GetSecretValue (secretsmanager) by ci-deployer from 203.0.113.50 failed: AccessDenied");
        assertThat(denied.tags()).contains("region:eu-west-1");

        LogEvent root = ct.get(3);
        assertThat(attr(root, "usr.name")).isEqualTo("root");
        assertThat(attr(root, "evt.outcome")).isEqualTo("success");

        LogEvent service = ct.get(4);
        assertThat(attr(service, "usr.name")).isEqualTo("ec2.amazonaws.com");
        assertThat(node(service, "usr.id")).isNull();
        assertThat(node(service, "network.client.ip")).isNull();
        assertThat(attr(service, "sourceIPAddress")).isEqualTo("ec2.amazonaws.com");
    }

    @Test
    void kubernetesAuditEvents() {
        List<LogEvent> k8s = Json.resourceLines("k8s-audit.ndjson").stream().map(this::json).toList();

        LogEvent exec = k8s.get(0);
        assertThat(exec.source()).isEqualTo("kubernetes.audit");
        assertThat(exec.service()).isEqualTo("kube-apiserver");
        assertThat(exec.status()).isEqualTo("info");
        assertThat(exec.time()).isEqualTo(Instant.parse("2026-11-22T09:30:00.123Z").toEpochMilli());
        assertThat(attr(exec, "evt.name")).isEqualTo("create");
        assertThat(attr(exec, "evt.outcome")).isEqualTo("success");
        assertThat(attr(exec, "usr.name")).isEqualTo("alice@example.com");
        assertThat(attr(exec, "usr.id")).isEqualTo("u-4711");
        assertThat(attr(exec, "network.client.ip")).isEqualTo("203.0.113.5");
        assertThat(node(exec, "http.status_code").asInt()).isEqualTo(101);
        assertThat(attr(exec, "objectRef.subresource")).isEqualTo("exec");
        assertThat(attr(exec, "level")).isEqualTo("RequestResponse");
        assertThat(exec.message()).isEqualTo("create pods/exec payments/web-7d9f8 by alice@example.com (101)");

        LogEvent forbidden = k8s.get(1);
        assertThat(attr(forbidden, "evt.outcome")).isEqualTo("failure");
        assertThat(attr(forbidden, "network.client.ip")).isEqualTo("2001:db8::bad:1");
        assertThat(attr(forbidden, "usr.name")).isEqualTo("system:anonymous");
        assertThat(forbidden.message()).isEqualTo("list secrets by system:anonymous (403)");

        LogEvent secret = k8s.get(2);
        assertThat(attr(secret, "usr.name")).isEqualTo("system:serviceaccount:payments:web");
        assertThat(secret.message()).isEqualTo("get secrets payments/db-credentials by system:serviceaccount:payments:web (200)");
    }

    @Test
    void aLineThatIsNotAnObjectIsRejected() {
        assertThatThrownBy(() -> normalizer.jsonLine(JsonNodeFactory.instance.textNode("hello"), defaults))
                .isInstanceOf(NormalizeException.class).hasMessage("a JSON log line must be a JSON object, got STRING");
    }
}
