package dev.vigil.detect.normalize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.vigil.detect.normalize.StandardAttributes.*;

/**
 * Authentication messages of sshd, PAM, sudo and su, as written to /var/log/auth.log (the message
 * part, after {@code sshd[812]: }), turned into standard attributes:
 *
 * <table>
 *   <caption>What each message gives</caption>
 *   <tr><th>message</th><th>evt.name</th><th>evt.outcome</th><th>also</th></tr>
 *   <tr><td>Accepted password|publickey|keyboard-interactive for U from IP port N ssh2[: TYPE SHA256:fp]</td>
 *       <td>authentication</td><td>success</td><td>ssh.auth_method, ssh.key.type/fingerprint</td></tr>
 *   <tr><td>Failed password|publickey for [invalid user] U from IP port N ssh2</td>
 *       <td>authentication</td><td>failure</td><td>ssh.auth_method, ssh.invalid_user</td></tr>
 *   <tr><td>Invalid user U from IP port N</td><td>authentication</td><td>failure</td><td>ssh.invalid_user=true</td></tr>
 *   <tr><td>User U from IP not allowed because ...</td><td>authentication</td><td>failure</td><td>ssh.deny_reason</td></tr>
 *   <tr><td>maximum authentication attempts exceeded for [invalid user] U from IP port N</td>
 *       <td>authentication</td><td>failure</td><td></td></tr>
 *   <tr><td>Connection closed|reset by [authenticating|invalid user U] IP port N [preauth];
 *       Disconnected from [authenticating|invalid] [user U] IP port N; Disconnecting ...: reason;
 *       Received disconnect from IP port N:code: reason; Did not receive identification string from IP</td>
 *       <td>connection</td><td></td><td>ssh.preauth, ssh.disconnect.code/reason</td></tr>
 *   <tr><td>pam_unix(S:session): session opened|closed for user U(uid=N) [by B(uid=M)]</td>
 *       <td>session</td><td>success (opened)</td><td>pam.service, pam.event, pam.by_user/by_uid</td></tr>
 *   <tr><td>pam_unix(S:auth): authentication failure; logname= uid= euid= tty= ruser= rhost= [user=]</td>
 *       <td>authentication</td><td>failure</td><td>pam.*</td></tr>
 *   <tr><td>U : [reason ; ]TTY=t ; PWD=d ; USER=target ; COMMAND=c (sudo)</td>
 *       <td>sudo</td><td>success, failure with a reason</td><td>sudo.target_user/command/tty/pwd/reason/failed_attempts</td></tr>
 *   <tr><td>(to T) U on tty; FAILED SU (to T) U on tty; Successful su for T by U; FAILED su for T by U</td>
 *       <td>su</td><td>success|failure</td><td>su.target_user, su.tty</td></tr>
 * </table>
 *
 * Every sshd message also sets {@code ssh.event} (accepted, failed, invalid_user...), which tells
 * apart messages that describe the same attempt: a client trying a wrong user logs
 * {@code Invalid user} and then {@code Failed password for invalid user}, both authentication
 * failures, so a rule counting attempts should count {@code ssh.event:failed}. Users, addresses and
 * ports go to {@code usr.name}, {@code network.client.ip} (or {@code .hostname} when sshd logged a
 * name) and {@code network.client.port}; IPv6 addresses are taken as written.
 *
 * <p>The table is declarative: a rule is a family (which programs it applies to), a literal the
 * message must start with (or contain) before the regular expression runs, the expression compiled
 * once, and constant attributes; each named group of an expression maps to one attribute through
 * {@link #CAPTURES}, checked when the class loads. rsyslog's {@code message repeated N times: [ ... ]}
 * is unwrapped and gives {@code evt.count}; sshd's {@code error: } prefix is dropped. Stateless and
 * thread-safe.
 */
final class SshAuthParser {

    /** Which programs a rule applies to. PAM rules apply to any program (sshd, sudo, su, login...). */
    enum Family { SSHD, PAM, SUDO, SU }

    /** How a captured group becomes an attribute. */
    private enum Kind {
        TEXT,
        INT,
        /** true when the group matched, false when it did not (written either way). */
        FLAG,
        /** an address or a host name: network.client.ip or network.client.hostname. */
        CLIENT
    }

    private record Capture(Attr attr, Kind kind) {}

    /** Named group -> attribute. Group names are Java identifiers, so the mapping is spelled out here once. */
    private static final Map<String, Capture> CAPTURES = Map.ofEntries(
            Map.entry("user", new Capture(USR_NAME, Kind.TEXT)),
            Map.entry("uid", new Capture(USR_ID, Kind.TEXT)),
            Map.entry("ip", new Capture(CLIENT_IP, Kind.CLIENT)),
            Map.entry("rhost", new Capture(CLIENT_IP, Kind.CLIENT)),
            Map.entry("port", new Capture(CLIENT_PORT, Kind.INT)),
            Map.entry("method", new Capture(SSH_AUTH_METHOD, Kind.TEXT)),
            Map.entry("invalid", new Capture(SSH_INVALID_USER, Kind.FLAG)),
            Map.entry("preauth", new Capture(SSH_PREAUTH, Kind.FLAG)),
            Map.entry("keytype", new Capture(SSH_KEY_TYPE, Kind.TEXT)),
            Map.entry("fp", new Capture(SSH_KEY_FINGERPRINT, Kind.TEXT)),
            Map.entry("code", new Capture(SSH_DISCONNECT_CODE, Kind.INT)),
            Map.entry("reason", new Capture(SSH_DISCONNECT_REASON, Kind.TEXT)),
            Map.entry("deny", new Capture(SSH_DENY_REASON, Kind.TEXT)),
            Map.entry("pamService", new Capture(PAM_SERVICE, Kind.TEXT)),
            Map.entry("byUser", new Capture(PAM_BY_USER, Kind.TEXT)),
            Map.entry("byUid", new Capture(PAM_BY_UID, Kind.TEXT)),
            Map.entry("pamTty", new Capture(PAM_TTY, Kind.TEXT)),
            Map.entry("ruser", new Capture(PAM_RUSER, Kind.TEXT)),
            Map.entry("logname", new Capture(PAM_LOGNAME, Kind.TEXT)),
            Map.entry("sudoTarget", new Capture(SUDO_TARGET_USER, Kind.TEXT)),
            Map.entry("sudoGroup", new Capture(SUDO_TARGET_GROUP, Kind.TEXT)),
            Map.entry("sudoCommand", new Capture(SUDO_COMMAND, Kind.TEXT)),
            Map.entry("sudoTty", new Capture(SUDO_TTY, Kind.TEXT)),
            Map.entry("sudoPwd", new Capture(SUDO_PWD, Kind.TEXT)),
            Map.entry("sudoReason", new Capture(SUDO_REASON, Kind.TEXT)),
            Map.entry("sudoAttempts", new Capture(SUDO_FAILED_ATTEMPTS, Kind.INT)),
            Map.entry("suTarget", new Capture(SU_TARGET_USER, Kind.TEXT)),
            Map.entry("suTty", new Capture(SU_TTY, Kind.TEXT)));

    private static final String SUCCESS = "success";
    private static final String FAILURE = "failure";
    private static final String AUTHENTICATION = "authentication";
    private static final String CONNECTION = "connection";

    /** {@code [authenticating |invalid ]user U } before an address, all optional. */
    private static final String WHO = "(?:(?:authenticating |(?<invalid>invalid) )?user (?<user>\\S+) )?";
    private static final String FROM = "(?<ip>\\S+) port (?<port>\\d+)";
    private static final String PREAUTH = "(?<preauth> \\[preauth\\])?";

    private static final List<Rule> RULES = List.of(
            rule("accepted", Family.SSHD, "Accepted ",
                    "Accepted (?<method>\\S+) for (?<user>.*?) from " + FROM + "(?: ssh2)?(?:: (?<keytype>\\S+) (?<fp>\\S+).*)?",
                    EVT_NAME, AUTHENTICATION, EVT_OUTCOME, SUCCESS, SSH_EVENT, "accepted"),
            rule("failed", Family.SSHD, "Failed ",
                    "Failed (?<method>\\S+) for (?:(?<invalid>invalid) user )?(?<user>.*?) from " + FROM
                            + "(?: ssh2)?(?:: (?<keytype>\\S+) (?<fp>\\S+).*)?",
                    EVT_NAME, AUTHENTICATION, EVT_OUTCOME, FAILURE, SSH_EVENT, "failed"),
            rule("invalid_user", Family.SSHD, "Invalid user ",
                    "Invalid user (?<user>.*?) from (?<ip>\\S+)(?: port (?<port>\\d+))?",
                    EVT_NAME, AUTHENTICATION, EVT_OUTCOME, FAILURE, SSH_EVENT, "invalid_user", SSH_INVALID_USER, true),
            rule("not_allowed", Family.SSHD, "User ",
                    "User (?<user>\\S+) from (?<ip>\\S+) not allowed because (?<deny>.+)",
                    EVT_NAME, AUTHENTICATION, EVT_OUTCOME, FAILURE, SSH_EVENT, "not_allowed"),
            rule("max_auth_attempts", Family.SSHD, "maximum authentication attempts exceeded ",
                    "maximum authentication attempts exceeded for (?:(?<invalid>invalid) user )?(?<user>.*?) from " + FROM
                            + "(?: ssh2)?" + PREAUTH,
                    EVT_NAME, AUTHENTICATION, EVT_OUTCOME, FAILURE, SSH_EVENT, "max_auth_attempts"),
            rule("connection_closed", Family.SSHD, "Connection closed by ",
                    "Connection closed by " + WHO + FROM + PREAUTH,
                    EVT_NAME, CONNECTION, SSH_EVENT, "connection_closed"),
            rule("connection_reset", Family.SSHD, "Connection reset by ",
                    "Connection reset by " + WHO + FROM + PREAUTH,
                    EVT_NAME, CONNECTION, SSH_EVENT, "connection_reset"),
            rule("disconnected", Family.SSHD, "Disconnected from ",
                    "Disconnected from " + WHO + FROM + PREAUTH,
                    EVT_NAME, CONNECTION, SSH_EVENT, "disconnected"),
            rule("disconnecting", Family.SSHD, "Disconnecting ",
                    "Disconnecting " + WHO + FROM + ": (?<reason>.*?)" + PREAUTH,
                    EVT_NAME, CONNECTION, SSH_EVENT, "disconnecting"),
            rule("received_disconnect", Family.SSHD, "Received disconnect from ",
                    "Received disconnect from " + FROM + ":(?<code>\\d+): (?<reason>.*?)" + PREAUTH,
                    EVT_NAME, CONNECTION, SSH_EVENT, "received_disconnect"),
            rule("no_identification", Family.SSHD, "Did not receive identification string from ",
                    "Did not receive identification string from (?<ip>\\S+)(?: port (?<port>\\d+))?",
                    EVT_NAME, CONNECTION, SSH_EVENT, "no_identification"),

            rule("session_opened", Family.PAM, "pam_unix(",
                    "pam_unix\\((?<pamService>[^:)]+):session\\): session opened for user (?<user>[^\\s(]+)(?:\\(uid=(?<uid>\\d+)\\))?"
                            + "(?: by (?<byUser>[^\\s(]*)(?:\\(uid=(?<byUid>\\d+)\\))?)?",
                    EVT_NAME, "session", EVT_OUTCOME, SUCCESS, PAM_MODULE, "pam_unix", PAM_EVENT, "session_opened"),
            rule("session_closed", Family.PAM, "pam_unix(",
                    "pam_unix\\((?<pamService>[^:)]+):session\\): session closed for user (?<user>[^\\s(]+)(?:\\(uid=(?<uid>\\d+)\\))?",
                    EVT_NAME, "session", PAM_MODULE, "pam_unix", PAM_EVENT, "session_closed"),
            rule("auth_failure", Family.PAM, "pam_unix(",
                    "pam_unix\\((?<pamService>[^:)]+):auth\\): authentication failure; logname=(?<logname>\\S*) uid=\\d* euid=\\d*"
                            + " tty=(?<pamTty>\\S*) ruser=(?<ruser>\\S*) rhost=(?<rhost>\\S*)(?:\\s+user=(?<user>\\S+))?\\s*",
                    EVT_NAME, AUTHENTICATION, EVT_OUTCOME, FAILURE, PAM_MODULE, "pam_unix", PAM_EVENT, "auth_failure"),

            rule("sudo", Family.SUDO, "TTY=",
                    "(?<user>\\S+) : (?:(?<sudoReason>(?<sudoAttempts>\\d+) incorrect password attempts?|[^;]*?) ; )?"
                            + "TTY=(?<sudoTty>\\S+) ; PWD=(?<sudoPwd>.*?) ; USER=(?<sudoTarget>\\S+) ;"
                            + "(?: GROUP=(?<sudoGroup>\\S+) ;)?(?: TSID=\\S+ ;)?(?: ENV=.*? ;)? COMMAND=(?<sudoCommand>.*)",
                    EVT_NAME, "sudo").failureIf("sudoReason"),

            rule("su", Family.SU, "(to ",
                    "\\(to (?<suTarget>\\S+)\\) (?<user>\\S+) on (?<suTty>\\S+)",
                    EVT_NAME, "su", EVT_OUTCOME, SUCCESS),
            rule("su_failed", Family.SU, "FAILED SU (to ",
                    "FAILED SU \\(to (?<suTarget>\\S+)\\) (?<user>\\S+) on (?<suTty>\\S+)",
                    EVT_NAME, "su", EVT_OUTCOME, FAILURE),
            rule("su_successful_for", Family.SU, "Successful su for ",
                    "Successful su for (?<suTarget>\\S+) by (?<user>\\S+)",
                    EVT_NAME, "su", EVT_OUTCOME, SUCCESS),
            rule("su_failed_for", Family.SU, "FAILED su for ",
                    "FAILED su for (?<suTarget>\\S+) by (?<user>\\S+)",
                    EVT_NAME, "su", EVT_OUTCOME, FAILURE));

    /**
     * Longer messages are not read. User names in these messages are chosen by whoever connects,
     * and the expressions that take them ({@code for (?<user>.*?) from}) backtrack in proportion to
     * the length; OpenSSH itself formats log messages in 1 KiB, and sudo splits long commands.
     */
    static final int MAX_MESSAGE_CHARS = 4096;

    private static final String REPEATED = "message repeated ";
    private static final String[] DROPPED_PREFIXES = {"error: ", "fatal: "};

    /** Whether messages of {@code program} (or this message) are for this parser. */
    static boolean applies(String program, String message) {
        return family(program) != null || (message != null && message.startsWith("pam_unix("));
    }

    /** The family of a program name as syslog tags it ({@code sshd}, {@code /usr/sbin/sshd}); {@code null} when none. */
    static Family family(String program) {
        if (program == null || program.isEmpty()) return null;
        String p = program.substring(program.lastIndexOf('/') + 1);
        return switch (p) {
            case "sshd", "sshd-session", "sshd-auth" -> Family.SSHD;
            case "sudo" -> Family.SUDO;
            case "su" -> Family.SU;
            default -> null;
        };
    }

    /**
     * Writes the attributes {@code message} gives into {@code a} and returns the id of the rule
     * that read it; {@code null} (and nothing written) when no rule matches.
     */
    String parse(String program, String message, Attrs a) {
        if (message == null || message.isEmpty() || message.length() > MAX_MESSAGE_CHARS) return null;
        Family family = family(program);
        String msg = message;
        long repeated = 0;
        if (msg.startsWith(REPEATED)) {
            int times = msg.indexOf(" times: [", REPEATED.length());
            if (times > 0 && msg.endsWith("]")) {
                try {
                    repeated = Long.parseLong(msg.substring(REPEATED.length(), times));
                    msg = msg.substring(times + " times: [".length(), msg.length() - 1).strip();
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        int start = 0;
        while (start < msg.length() && msg.charAt(start) == ' ') start++;
        if (start > 0) msg = msg.substring(start);
        for (String prefix : DROPPED_PREFIXES) {
            if (msg.startsWith(prefix)) {
                msg = msg.substring(prefix.length());
                break;
            }
        }
        for (Rule r : RULES) {
            if (r.family != Family.PAM && r.family != family) continue;
            if (r.anywhere ? !msg.contains(r.needle) : !msg.startsWith(r.needle)) continue;
            Matcher m = r.regex.matcher(msg);
            if (!m.matches()) continue;
            r.apply(m, a);
            if (repeated > 0) a.put(EVT_COUNT, repeated);
            return r.id;
        }
        return null;
    }

    /** The rule ids, in the order they are tried (for tests and docs). */
    static List<String> ruleIds() {
        return RULES.stream().map(r -> r.id).toList();
    }

    // ---------------------------------------------------------------------------------------- rules

    private static Rule rule(String id, Family family, String needle, String regex, Object... constants) {
        return new Rule(id, family, needle, regex, constants);
    }

    private static final class Rule {
        final String id;
        final Family family;
        final String needle;
        /** The needle may be anywhere (sudo's {@code TTY=} follows the user name), else it is the start. */
        final boolean anywhere;
        final Pattern regex;
        final Attr[] constantAttrs;
        final Object[] constantValues;
        final int[] groups;
        final Capture[] captures;
        int failureGroup = -1;

        Rule(String id, Family family, String needle, String regex, Object[] constants) {
            this.id = id;
            this.family = family;
            this.needle = needle;
            this.anywhere = family == Family.SUDO;
            this.regex = Pattern.compile(regex);
            if (constants.length % 2 != 0) throw new IllegalStateException("rule " + id + ": constants come in pairs");
            constantAttrs = new Attr[constants.length / 2];
            constantValues = new Object[constants.length / 2];
            for (int i = 0; i < constants.length; i += 2) {
                constantAttrs[i / 2] = (Attr) constants[i];
                constantValues[i / 2] = constants[i + 1];
            }
            List<Integer> groupList = new ArrayList<>();
            List<Capture> captureList = new ArrayList<>();
            this.regex.namedGroups().forEach((name, index) -> {
                Capture c = CAPTURES.get(name);
                if (c == null) throw new IllegalStateException("rule " + id + ": group '" + name + "' maps to no attribute");
                groupList.add(index);
                captureList.add(c);
            });
            groups = groupList.stream().mapToInt(Integer::intValue).toArray();
            captures = captureList.toArray(Capture[]::new);
        }

        /** Outcome is failure when {@code group} matched, success otherwise. */
        Rule failureIf(String group) {
            Integer index = regex.namedGroups().get(group);
            if (index == null) throw new IllegalStateException("rule " + id + ": no group '" + group + "'");
            failureGroup = index;
            return this;
        }

        void apply(Matcher m, Attrs a) {
            for (int i = 0; i < constantAttrs.length; i++) {
                Object v = constantValues[i];
                if (v instanceof Boolean b) a.put(constantAttrs[i], b);
                else a.put(constantAttrs[i], (String) v);
            }
            if (failureGroup >= 0) a.put(EVT_OUTCOME, m.group(failureGroup) != null ? FAILURE : SUCCESS);
            for (int i = 0; i < groups.length; i++) {
                String value = m.group(groups[i]);
                Capture c = captures[i];
                switch (c.kind) {
                    case FLAG -> a.put(c.attr, value != null);
                    case TEXT -> a.put(c.attr, value);
                    case INT -> {
                        if (value != null && !value.isEmpty() && value.length() < 10) a.put(c.attr, Long.parseLong(value));
                    }
                    case CLIENT -> Net.putClient(a, value);
                }
            }
        }
    }
}
