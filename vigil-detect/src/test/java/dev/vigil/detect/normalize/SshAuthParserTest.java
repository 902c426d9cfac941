package dev.vigil.detect.normalize;

import dev.vigil.detect.event.LogEvent;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.vigil.detect.normalize.Json.attr;
import static dev.vigil.detect.normalize.Json.node;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * sshd, PAM, sudo and su messages, through {@link Normalizer#syslogLine} as intake reads them.
 * {@code auth.log} is one morning on a web server: an admin logs in with a key and uses sudo, a
 * scanner tries {@code admin} and {@code root} from one address, a user over IPv6 fails a key and
 * then passes keyboard-interactive, sudo and su refusals, OpenSSH 9.8's {@code sshd-session}, and
 * lines no rule reads (logind, {@code check pass}).
 */
class SshAuthParserTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC);
    private static final List<String> AUTH_LOG = Json.resourceLines("auth.log");

    private final Normalizer normalizer = new Normalizer(CLOCK, ZoneOffset.UTC);
    private final List<LogEvent> events = AUTH_LOG.stream()
            .map(l -> normalizer.syslogLine(l, Normalizer.Defaults.at(0))).toList();

    /** The one event whose message contains {@code fragment}. */
    private LogEvent event(String fragment) {
        List<LogEvent> found = events.stream().filter(e -> e.message().contains(fragment)).toList();
        assertThat(found).as("events with '%s'", fragment).hasSize(1);
        return found.getFirst();
    }

    @Test
    void everyRuleOfTheTableReadsALineOfTheFixture() {
        SyslogParser syslog = new SyslogParser(CLOCK, ZoneOffset.UTC);
        SshAuthParser parser = new SshAuthParser();
        Set<String> matched = new LinkedHashSet<>();
        List<String> unread = new ArrayList<>();
        for (String line : AUTH_LOG) {
            SyslogParser.Message m = syslog.parse(line);
            String rule = parser.parse(m.program(), m.text(), Attrs.empty());
            if (rule != null) matched.add(rule);
            else unread.add(m.text());
        }
        assertThat(matched).containsExactlyInAnyOrderElementsOf(SshAuthParser.ruleIds());
        assertThat(unread).containsExactly(
                "New session 14 of user alice.",
                "pam_unix(sshd:auth): check pass; user unknown",
                "PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.23  user=root",
                "Session 15 logged out. Waiting for processes to exit.");
    }

    @Test
    void anAcceptedPublickeyHasUserAddressPortMethodAndKey() {
        LogEvent e = event("Accepted publickey for alice from 203.0.113.5");
        assertThat(e.source()).isEqualTo("sshd");
        assertThat(e.service()).isEqualTo("sshd");
        assertThat(e.host()).isEqualTo("web-1");
        assertThat(e.time()).isEqualTo(Instant.parse("2026-11-22T10:01:02Z").toEpochMilli());
        assertThat(attr(e, "evt.name")).isEqualTo("authentication");
        assertThat(attr(e, "evt.outcome")).isEqualTo("success");
        assertThat(attr(e, "ssh.event")).isEqualTo("accepted");
        assertThat(attr(e, "usr.name")).isEqualTo("alice");
        assertThat(attr(e, "network.client.ip")).isEqualTo("203.0.113.5");
        assertThat(node(e, "network.client.port").isInt()).isTrue();
        assertThat(node(e, "network.client.port").asInt()).isEqualTo(52144);
        assertThat(attr(e, "ssh.auth_method")).isEqualTo("publickey");
        assertThat(attr(e, "ssh.key.type")).isEqualTo("ED25519");
        assertThat(attr(e, "ssh.key.fingerprint")).isEqualTo("SHA256:Uo6Yf0cJf3D1m4yJg3mFv8xF3gDk9qv2m0q7QYH1n0w");
        assertThat(attr(e, "syslog.appname")).isEqualTo("sshd");
        assertThat(node(e, "process.pid").asInt()).isEqualTo(812);

        LogEvent cert = event("Accepted publickey for ci");
        assertThat(attr(cert, "ssh.key.type")).isEqualTo("RSA-CERT");
        assertThat(attr(cert, "ssh.key.fingerprint")).isEqualTo("SHA256:Zx1Yq4n8o0pWm5tE3rL2kJ9hG7fD6sA1qW2eR3tY4uI");

        LogEvent byName = event("from bastion.corp.example");
        assertThat(node(byName, "network.client.ip")).isNull();
        assertThat(attr(byName, "network.client.hostname")).isEqualTo("bastion.corp.example");

        LogEvent password = event("Accepted password for deploy");
        assertThat(attr(password, "ssh.auth_method")).isEqualTo("password");
        assertThat(node(password, "ssh.key.type")).isNull();
    }

    @Test
    void ipv6ClientsAndKeyboardInteractive() {
        LogEvent failed = event("Failed publickey for bob");
        assertThat(attr(failed, "evt.outcome")).isEqualTo("failure");
        assertThat(attr(failed, "network.client.ip")).isEqualTo("2001:db8:4006:812::200e");
        assertThat(node(failed, "network.client.port").asInt()).isEqualTo(60422);
        assertThat(attr(failed, "ssh.key.type")).isEqualTo("RSA");
        assertThat(node(failed, "ssh.invalid_user").asBoolean()).isFalse();

        LogEvent accepted = event("Accepted keyboard-interactive/pam for bob");
        assertThat(attr(accepted, "ssh.auth_method")).isEqualTo("keyboard-interactive/pam");
        assertThat(attr(accepted, "network.client.ip")).isEqualTo("2001:db8:4006:812::200e");

        LogEvent zone = event("oracle test");
        assertThat(attr(zone, "usr.name")).isEqualTo("oracle test");
        assertThat(attr(zone, "network.client.ip")).isEqualTo("fe80::1ff:fe23:4567:890a%eth0");
        assertThat(node(zone, "ssh.invalid_user").asBoolean()).isTrue();

        LogEvent disconnected = event("Disconnected from user bob");
        assertThat(attr(disconnected, "evt.name")).isEqualTo("connection");
        assertThat(attr(disconnected, "usr.name")).isEqualTo("bob");
        assertThat(node(disconnected, "ssh.preauth").asBoolean()).isFalse();
    }

    @Test
    void aScannerLeavesInvalidUserAndFailedPasswordLinesCountableByAddress() {
        LogEvent invalid = event("Invalid user admin from");
        assertThat(attr(invalid, "evt.outcome")).isEqualTo("failure");
        assertThat(attr(invalid, "ssh.event")).isEqualTo("invalid_user");
        assertThat(node(invalid, "ssh.invalid_user").asBoolean()).isTrue();
        assertThat(attr(invalid, "usr.name")).isEqualTo("admin");
        assertThat(node(invalid, "network.client.port").asInt()).isEqualTo(41180);

        LogEvent failedInvalid = event("Failed password for invalid user admin");
        assertThat(node(failedInvalid, "ssh.invalid_user").asBoolean()).isTrue();
        assertThat(attr(failedInvalid, "usr.name")).isEqualTo("admin");

        LogEvent repeated = event("message repeated 2 times");
        assertThat(attr(repeated, "ssh.event")).isEqualTo("failed");
        assertThat(node(repeated, "evt.count").asInt()).isEqualTo(2);
        assertThat(attr(repeated, "usr.name")).isEqualTo("root");

        long attempts = events.stream()
                .filter(e -> "198.51.100.23".equals(attr(e, "network.client.ip")) && "failed".equals(attr(e, "ssh.event")))
                .mapToLong(e -> node(e, "evt.count") == null ? 1 : node(e, "evt.count").asLong()).sum();
        assertThat(attempts).isEqualTo(4);

        LogEvent max = event("maximum authentication attempts exceeded");
        assertThat(attr(max, "evt.outcome")).isEqualTo("failure");
        assertThat(attr(max, "ssh.event")).isEqualTo("max_auth_attempts");
        assertThat(node(max, "ssh.preauth").asBoolean()).isTrue();

        LogEvent closed = event("Connection closed by invalid user admin");
        assertThat(attr(closed, "evt.name")).isEqualTo("connection");
        assertThat(node(closed, "evt.outcome")).isNull();
        assertThat(node(closed, "ssh.invalid_user").asBoolean()).isTrue();
        assertThat(node(closed, "ssh.preauth").asBoolean()).isTrue();

        LogEvent disconnecting = event("Disconnecting authenticating user root");
        assertThat(attr(disconnecting, "ssh.disconnect.reason")).isEqualTo("Too many authentication failures");
        assertThat(attr(disconnecting, "usr.name")).isEqualTo("root");

        LogEvent empty = event("Invalid user  from 192.0.2.81");
        assertThat(node(empty, "usr.name")).isNull();
        assertThat(attr(empty, "network.client.ip")).isEqualTo("192.0.2.81");
    }

    @Test
    void preauthConnectionNoise() {
        LogEvent noId = event("Did not receive identification string");
        assertThat(attr(noId, "ssh.event")).isEqualTo("no_identification");
        assertThat(attr(noId, "network.client.ip")).isEqualTo("192.0.2.77");
        assertThat(node(noId, "network.client.port").asInt()).isEqualTo(53124);

        LogEvent reset = event("Connection reset by 192.0.2.78");
        assertThat(attr(reset, "ssh.event")).isEqualTo("connection_reset");
        assertThat(node(reset, "usr.name")).isNull();

        LogEvent received = event("Received disconnect from 192.0.2.79");
        assertThat(node(received, "ssh.disconnect.code").asInt()).isEqualTo(11);
        assertThat(attr(received, "ssh.disconnect.reason")).isEqualTo("Bye Bye");
        assertThat(node(received, "ssh.preauth").asBoolean()).isTrue();

        LogEvent notAllowed = event("not allowed because");
        assertThat(attr(notAllowed, "evt.outcome")).isEqualTo("failure");
        assertThat(attr(notAllowed, "ssh.deny_reason")).isEqualTo("not listed in AllowUsers");
        assertThat(attr(notAllowed, "usr.name")).isEqualTo("guest");

        LogEvent session = event("Failed password for root from 192.0.2.90");
        assertThat(session.source()).isEqualTo("sshd-session");
        assertThat(attr(session, "ssh.event")).isEqualTo("failed");
    }

    @Test
    void pamSessionsAndFailures() {
        LogEvent opened = event("session opened for user alice(uid=1000)");
        assertThat(attr(opened, "evt.name")).isEqualTo("session");
        assertThat(attr(opened, "evt.outcome")).isEqualTo("success");
        assertThat(attr(opened, "usr.name")).isEqualTo("alice");
        assertThat(attr(opened, "usr.id")).isEqualTo("1000");
        assertThat(attr(opened, "pam.service")).isEqualTo("sshd");
        assertThat(attr(opened, "pam.event")).isEqualTo("session_opened");
        assertThat(attr(opened, "pam.by_uid")).isEqualTo("0");

        LogEvent sudoSession = event("pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)");
        assertThat(attr(sudoSession, "pam.service")).isEqualTo("sudo");
        assertThat(attr(sudoSession, "pam.by_user")).isEqualTo("alice");
        assertThat(attr(sudoSession, "usr.name")).isEqualTo("root");

        LogEvent closed = event("session closed for user bob");
        assertThat(attr(closed, "pam.event")).isEqualTo("session_closed");
        assertThat(node(closed, "evt.outcome")).isNull();

        LogEvent cron = events.getFirst();
        assertThat(cron.source()).isEqualTo("CRON");
        assertThat(attr(cron, "pam.service")).isEqualTo("cron");

        LogEvent scan = event("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.23  user=root");
        assertThat(attr(scan, "evt.name")).isEqualTo("authentication");
        assertThat(attr(scan, "evt.outcome")).isEqualTo("failure");
        assertThat(attr(scan, "network.client.ip")).isEqualTo("198.51.100.23");
        assertThat(attr(scan, "usr.name")).isEqualTo("root");
        assertThat(attr(scan, "pam.tty")).isEqualTo("ssh");

        LogEvent noUser = events.get(10);
        assertThat(attr(noUser, "pam.event")).isEqualTo("auth_failure");
        assertThat(node(noUser, "usr.name")).isNull();

        LogEvent sudoAuth = event("ruser=bob rhost=  user=bob");
        assertThat(attr(sudoAuth, "pam.service")).isEqualTo("sudo");
        assertThat(attr(sudoAuth, "pam.logname")).isEqualTo("bob");
        assertThat(attr(sudoAuth, "pam.tty")).isEqualTo("/dev/pts/1");
        assertThat(node(sudoAuth, "network.client.ip")).isNull();
    }

    @Test
    void sudoCommandsAndRefusals() {
        LogEvent ok = event("COMMAND=/usr/bin/systemctl restart nginx");
        assertThat(ok.source()).isEqualTo("sudo");
        assertThat(attr(ok, "evt.name")).isEqualTo("sudo");
        assertThat(attr(ok, "evt.outcome")).isEqualTo("success");
        assertThat(attr(ok, "usr.name")).isEqualTo("alice");
        assertThat(attr(ok, "sudo.target_user")).isEqualTo("root");
        assertThat(attr(ok, "sudo.command")).isEqualTo("/usr/bin/systemctl restart nginx");
        assertThat(attr(ok, "sudo.tty")).isEqualTo("pts/0");
        assertThat(attr(ok, "sudo.pwd")).isEqualTo("/home/alice");
        assertThat(node(ok, "sudo.reason")).isNull();

        LogEvent wrong = event("3 incorrect password attempts");
        assertThat(attr(wrong, "evt.outcome")).isEqualTo("failure");
        assertThat(attr(wrong, "usr.name")).isEqualTo("bob");
        assertThat(node(wrong, "sudo.failed_attempts").asInt()).isEqualTo(3);
        assertThat(attr(wrong, "sudo.reason")).isEqualTo("3 incorrect password attempts");
        assertThat(attr(wrong, "sudo.command")).isEqualTo("/bin/cat /etc/shadow");

        LogEvent notInSudoers = event("user NOT in sudoers");
        assertThat(attr(notInSudoers, "evt.outcome")).isEqualTo("failure");
        assertThat(attr(notInSudoers, "sudo.reason")).isEqualTo("user NOT in sudoers");
        assertThat(node(notInSudoers, "sudo.failed_attempts")).isNull();
        assertThat(attr(notInSudoers, "sudo.command")).isEqualTo("/bin/bash -c 'id; whoami'");
    }

    @Test
    void suSwitchesAndFailures() {
        LogEvent ok = event("(to root) alice on pts/0");
        assertThat(attr(ok, "evt.name")).isEqualTo("su");
        assertThat(attr(ok, "evt.outcome")).isEqualTo("success");
        assertThat(attr(ok, "usr.name")).isEqualTo("alice");
        assertThat(attr(ok, "su.target_user")).isEqualTo("root");
        assertThat(attr(ok, "su.tty")).isEqualTo("pts/0");

        LogEvent failed = event("FAILED SU (to root) bob on pts/1");
        assertThat(attr(failed, "evt.outcome")).isEqualTo("failure");
        assertThat(attr(failed, "usr.name")).isEqualTo("bob");

        assertThat(attr(event("Successful su for postgres by root"), "su.target_user")).isEqualTo("postgres");
        LogEvent mallory = event("FAILED su for root by mallory");
        assertThat(attr(mallory, "usr.name")).isEqualTo("mallory");
        assertThat(attr(mallory, "evt.outcome")).isEqualTo("failure");
    }

    /** A client can choose a user name that is mostly " from x port 1 ": reading it stays bounded. */
    @Test
    void hostileUserNamesDoNotMakeReadingSlow() {
        SshAuthParser parser = new SshAuthParser();
        String name = " from 1.2.3.4 port 1".repeat(50);
        Attrs a = Attrs.empty();
        assertThat(parser.parse("sshd", "Failed password for invalid user " + name + " from 192.0.2.1 port 22 ssh2", a)).isEqualTo("failed");
        assertThat(Json.attr(new LogEvent("", 0, "", "", "", "", "", List.of(), a.root()), "network.client.ip")).isEqualTo("192.0.2.1");
        String huge = "Failed password for invalid user " + " from 1.2.3.4 port 1".repeat(1000) + "x";
        long start = System.nanoTime();
        assertThat(parser.parse("sshd", huge, Attrs.empty())).isNull();
        assertThat(System.nanoTime() - start).isLessThan(100_000_000L);
    }

    @Test
    void messagesOfOtherProgramsAreNotReadAsSsh() {
        Attrs a = Attrs.empty();
        assertThat(new SshAuthParser().parse("nginx", "Accepted password for x from 1.2.3.4 port 1 ssh2", a)).isNull();
        assertThat(a.root().isEmpty()).isTrue();
        assertThat(new SshAuthParser().parse("/usr/sbin/sshd", "Accepted password for x from 1.2.3.4 port 1 ssh2", a)).isEqualTo("accepted");
        assertThat(SshAuthParser.applies("login", "pam_unix(login:session): session opened for user root(uid=0) by LOGIN(uid=0)")).isTrue();
        assertThat(SshAuthParser.applies("login", "ROOT LOGIN ON tty1")).isFalse();
    }
}
