package dev.vigil.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.secl.policy.PolicyLoader;
import dev.vigil.secl.policy.Problem;
import dev.vigil.secl.policy.Rule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agents' default SECL policy ({@code policies/default/default.policy}, carried in the
 * server's jar as in the agent's), parsed once, and what each agent's heartbeat says about the
 * policy it runs. The agents' policies live on their hosts: the console only shows them.
 */
public final class AgentPolicies {

    static final String RESOURCE = "/dev/vigil/server/policies/default.policy";
    /** The name the agent loads the default policy under: part of the digest it reports. */
    static final String SOURCE_NAME = "default.policy";
    private static final Pattern VERSION = Pattern.compile("(?m)^version:\\s*['\"]?([^'\"\\s#]+)");

    private AgentPolicies() {}

    /** The parsed policy: loaded once, on first use. */
    private static final class Holder {
        static final Parsed DEFAULT = parse();
    }

    record Parsed(String text, String fileVersion, String digest, List<PolicyRule> rules, List<String> problems) {}

    private static Parsed parse() {
        String text;
        try (InputStream in = AgentPolicies.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return new Parsed("", "", "", List.of(), List.of("the default agent policy is missing from the server's jar (" + RESOURCE + ")"));
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        // the facts of a Linux host, where agents run: the server's own OS must not filter rules out of the view
        PolicyLoader.Facts linux = new PolicyLoader.Facts(Map.of("os", "linux", "kernel.version.major", 6L, "kernel.version.minor", 8L, "arch", "amd64"));
        PolicyLoader.Result result = PolicyLoader.load(List.of(new PolicyLoader.Source(SOURCE_NAME, text)), linux);
        List<PolicyRule> rules = new ArrayList<>();
        for (Rule r : result.rules()) {
            rules.add(new PolicyRule(r.id(), r.description(), r.expression().strip(), r.severity() == null ? "" : r.severity().id(),
                    r.tag("tactic"), r.tag("technique"), r.silent(), r.source()));
        }
        List<String> problems = result.problems().stream().filter(p -> p.level() != Problem.Level.INFO).map(Problem::toString).toList();
        Matcher m = VERSION.matcher(text);
        return new Parsed(text, m.find() ? m.group(1) : "", digest(text), List.copyOf(rules), problems);
    }

    /** The policy version an agent running only the default policy reports (as the agent computes it). */
    static String digest(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(SOURCE_NAME.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(text.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            return HexFormat.of().formatHex(md.digest(), 0, 6);
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException(x);
        }
    }

    static Parsed defaultPolicy() {
        return Holder.DEFAULT;
    }

    static PolicyView view(Chrome chrome, Collection<ObjectNode> heartbeats) {
        Parsed p = defaultPolicy();
        List<AgentRow> agents = new ArrayList<>();
        for (ObjectNode h : heartbeats) {
            JsonNode policy = h.path("policy");
            String version = text(policy.path("version"));
            if (version.isEmpty()) version = text(h.path("rule_set_version")); // as another heartbeat shape may name it
            agents.add(new AgentRow(text(h.path("agent_id")), text(h.path("hostname")), text(h.path("version")), version,
                    policy.path("rules").isNumber() ? policy.path("rules").asInt() : null, lastSeen(h), !version.isEmpty() && version.equals(p.digest())));
        }
        agents.sort(Comparator.comparing(AgentRow::hostname).thenComparing(AgentRow::agentId));
        long alerting = p.rules().stream().filter(r -> !r.silent()).count();
        return new PolicyView(chrome, p.fileVersion(), p.digest(), p.rules(), alerting, p.problems(), agents);
    }

    private static String text(JsonNode n) {
        return n.isValueNode() ? n.asText() : "";
    }

    private static Long lastSeen(JsonNode h) {
        try {
            return h.hasNonNull("last_seen") ? Instant.parse(h.get("last_seen").asText()).toEpochMilli() : null;
        } catch (RuntimeException x) {
            return null;
        }
    }

    /** A rule of the agent policy, as the console lists it. */
    public record PolicyRule(String id, String description, String expression, String severity, String tactic, String technique,
                             boolean silent, String source) {
        /** The MITRE id at the start of "TA0002-execution". */
        public String tacticId() { return tactic.contains("-") ? tactic.substring(0, tactic.indexOf('-')) : tactic; }
    }

    /**
     * An agent, from its latest heartbeat.
     *
     * @param policyVersion the digest of the policies it loaded, as it reports it ("" when it does not)
     * @param isDefault     whether that is the digest of this server's default policy alone
     */
    public record AgentRow(String agentId, String hostname, String version, String policyVersion, Integer policyRules, Long lastSeen,
                           boolean isDefault) {}

    /** The model of {@code rules-agent-policy.jte}. */
    public record PolicyView(Chrome chrome, String fileVersion, String digest, List<PolicyRule> rules, long alerting, List<String> problems,
                             List<AgentRow> agents) {
        public String time(long epochMs) { return Format.time(epochMs); }

        public String ago(long epochMs) { return Format.ago(epochMs); }

        /** Alerting rules by severity, for the summary line. */
        public Map<String, Long> bySeverity() {
            Map<String, Long> m = new LinkedHashMap<>();
            for (String s : List.of("critical", "high", "medium", "low", "info")) {
                long n = rules.stream().filter(r -> !r.silent() && r.severity().equals(s)).count();
                if (n > 0) m.put(s, n);
            }
            return m;
        }
    }
}
