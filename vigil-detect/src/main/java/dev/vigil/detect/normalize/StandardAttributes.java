package dev.vigil.detect.normalize;

/**
 * Every attribute name the normalizers write, declared once. Names follow Datadog's standard
 * attributes where one exists ({@code usr.*}, {@code network.*}, {@code evt.*}, {@code http.*});
 * the others are namespaced by the technology they describe ({@code ssh.*}, {@code sudo.*}...).
 */
final class StandardAttributes {

    private StandardAttributes() {}

    /** What happened, e.g. {@code exec}, {@code authentication}, {@code session}, {@code sudo}, {@code ConsoleLogin}. */
    static final Attr EVT_NAME = Attr.of("evt.name");
    /** Family of an agent event: process, file, credentials, kernel, network, agent. */
    static final Attr EVT_CATEGORY = Attr.of("evt.category");
    /** {@code event} or {@code alert}, on agent lines. */
    static final Attr EVT_KIND = Attr.of("evt.kind");
    /** {@code success} or {@code failure}, when the source says. */
    static final Attr EVT_OUTCOME = Attr.of("evt.outcome");
    /** How many times the line was repeated ({@code message repeated N times: [...]}). */
    static final Attr EVT_COUNT = Attr.of("evt.count");

    static final Attr USR_NAME = Attr.of("usr.name");
    /** The user's id as text (a uid, an ARN). */
    static final Attr USR_ID = Attr.of("usr.id");

    static final Attr CLIENT_IP = Attr.of("network.client.ip");
    static final Attr CLIENT_PORT = Attr.of("network.client.port");
    /** The client's name when the source logged a name rather than an address (sshd with UseDNS). */
    static final Attr CLIENT_HOSTNAME = Attr.of("network.client.hostname");
    static final Attr DESTINATION_IP = Attr.of("network.destination.ip");
    static final Attr DESTINATION_PORT = Attr.of("network.destination.port");

    static final Attr HTTP_USERAGENT = Attr.of("http.useragent");
    static final Attr HTTP_STATUS_CODE = Attr.of("http.status_code");

    /** The agent rule that raised an alert (Datadog Workload Protection's name for it). */
    static final Attr AGENT_RULE_ID = Attr.of("agent.rule_id");
    static final Attr AGENT_VERSION = Attr.of("agent.version");

    static final Attr SYSLOG_HOSTNAME = Attr.of("syslog.hostname");
    static final Attr SYSLOG_APPNAME = Attr.of("syslog.appname");
    static final Attr SYSLOG_PROCID = Attr.of("syslog.procid");
    static final Attr SYSLOG_MSGID = Attr.of("syslog.msgid");
    /** Facility name: kern, user, auth, authpriv, local0... */
    static final Attr SYSLOG_FACILITY = Attr.of("syslog.facility");
    /** Severity number, 0 (emergency) to 7 (debug). */
    static final Attr SYSLOG_SEVERITY = Attr.of("syslog.severity");
    static final Attr SYSLOG_VERSION = Attr.of("syslog.version");
    /** RFC 5424 structured data: {@code {"sd-id": {"param": "value"}}}. */
    static final Attr SYSLOG_STRUCTURED_DATA = Attr.of("syslog.structured_data");
    static final Attr PROCESS_PID = Attr.of("process.pid");

    /** sshd's message, one of: accepted, failed, invalid_user, connection_closed, connection_reset,
     *  disconnected, disconnecting, received_disconnect, no_identification, max_auth_attempts, not_allowed. */
    static final Attr SSH_EVENT = Attr.of("ssh.event");
    /** password, publickey, keyboard-interactive, keyboard-interactive/pam, hostbased, none... */
    static final Attr SSH_AUTH_METHOD = Attr.of("ssh.auth_method");
    static final Attr SSH_INVALID_USER = Attr.of("ssh.invalid_user");
    static final Attr SSH_PREAUTH = Attr.of("ssh.preauth");
    static final Attr SSH_KEY_TYPE = Attr.of("ssh.key.type");
    static final Attr SSH_KEY_FINGERPRINT = Attr.of("ssh.key.fingerprint");
    static final Attr SSH_DISCONNECT_CODE = Attr.of("ssh.disconnect.code");
    static final Attr SSH_DISCONNECT_REASON = Attr.of("ssh.disconnect.reason");
    /** Why sshd refused a user before authentication, e.g. {@code not listed in AllowUsers}. */
    static final Attr SSH_DENY_REASON = Attr.of("ssh.deny_reason");

    static final Attr PAM_MODULE = Attr.of("pam.module");
    /** The PAM service: sshd, sudo, su, login... */
    static final Attr PAM_SERVICE = Attr.of("pam.service");
    /** session_opened, session_closed or auth_failure. */
    static final Attr PAM_EVENT = Attr.of("pam.event");
    static final Attr PAM_BY_USER = Attr.of("pam.by_user");
    static final Attr PAM_BY_UID = Attr.of("pam.by_uid");
    static final Attr PAM_TTY = Attr.of("pam.tty");
    static final Attr PAM_RUSER = Attr.of("pam.ruser");
    static final Attr PAM_LOGNAME = Attr.of("pam.logname");

    static final Attr SUDO_TARGET_USER = Attr.of("sudo.target_user");
    static final Attr SUDO_TARGET_GROUP = Attr.of("sudo.target_group");
    static final Attr SUDO_COMMAND = Attr.of("sudo.command");
    static final Attr SUDO_TTY = Attr.of("sudo.tty");
    static final Attr SUDO_PWD = Attr.of("sudo.pwd");
    /** Why sudo refused: {@code 3 incorrect password attempts}, {@code user NOT in sudoers}... */
    static final Attr SUDO_REASON = Attr.of("sudo.reason");
    static final Attr SUDO_FAILED_ATTEMPTS = Attr.of("sudo.failed_attempts");

    static final Attr SU_TARGET_USER = Attr.of("su.target_user");
    static final Attr SU_TTY = Attr.of("su.tty");
}
