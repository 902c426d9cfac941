package dev.vigil.bench;

import dev.vigil.agent.Policies;
import dev.vigil.secl.policy.PolicyLoader;

import java.util.List;
import java.util.Locale;

/**
 * Policies of {@code n} rules that look like real ones (the shapes of the default policy and of
 * Datadog's and Falco's rule sets: a program name or path prefix plus a cheaper refinement, process
 * ancestry, ports) but that no event of the recorded traces can satisfy: every rule names a program,
 * path, port or domain numbered {@code i} that does not exist on the recording host
 * ({@code tool_17}, {@code /opt/app17/}, port 40017...). Added on top of the default policy they
 * show what extra rules cost when they cannot match.
 *
 * <p>Ten shapes rotate, so any {@code n >= 10} uses every one (and every indexed field); all but the
 * port rule have an approver (an exact value or a path prefix) the rule index can use.
 */
final class SyntheticRules {

    /** The shapes, one per line of {@link #rule}; each rule {@code i} uses shape {@code i % SHAPES}. */
    static final int SHAPES = 10;

    private SyntheticRules() {}

    /** A policy source named {@code synthetic-<n>.policy} holding rules {@code bench_rule_0 ... bench_rule_<n-1>}. */
    static PolicyLoader.Source policy(int n) {
        StringBuilder b = new StringBuilder("version: 1.0.0\nrules:\n");
        for (int i = 0; i < n; i++) {
            b.append("  - id: bench_rule_").append(i).append('\n')
                    .append("    description: synthetic benchmark rule ").append(i).append(" (cannot match)\n")
                    .append("    expression: >-\n      ").append(rule(i)).append('\n')
                    .append("    severity: medium\n");
        }
        return new PolicyLoader.Source("synthetic-" + n + ".policy", b.toString());
    }

    /** The SECL expression of rule {@code i}. */
    static String rule(int i) {
        return switch (i % SHAPES) {
            case 0 -> f("exec.file.name == \"tool_%d\" && process.ancestors.file.name in [\"sshd\", \"cron\", \"containerd-shim\"]", i);
            case 1 -> f("open.file.path =~ \"/opt/app%d/**\" && open.flags & O_CREAT > 0", i);
            case 2 -> f("connect.addr.port == %d && connect.addr.family in [AF_INET, AF_INET6] && process.file.name != \"app%d\"", 40_000 + i, i);
            case 3 -> f("open.file.name in [\"app%d.key\", \"app%d.pem\"] && process.file.name not in [\"app%d\", \"app%d-agent\"]", i, i, i, i);
            case 4 -> f("unlink.file.path =~ \"/var/lib/app%d/*\" && process.uid != 0", i);
            case 5 -> f("rename.file.destination.path in [\"/etc/app%d.conf\", \"/etc/app%d/app.conf\"] && process.file.name != \"app%d-installer\"", i, i, i);
            case 6 -> f("exec.file.name == \"worker_%d\" && exec.args =~ \"*--queue*\" && process.parent.file.name in [\"bash\", \"sh\"]", i);
            case 7 -> f("chmod.file.path =~ \"/usr/local/app%d/bin/*\" && chmod.file.destination.mode & S_ISUID > 0", i);
            case 8 -> f("mkdir.file.path =~ \"/srv/app%d/**\" && container.id != \"\"", i);
            default -> f("dns.question.name == \"c2-%d.example.net\" && process.file.name not in [\"systemd-resolved\", \"dnsmasq\"]", i);
        };
    }

    /** The default policy's source as the agent loads it (from the agent jar), then {@code n} synthetic rules if n > 0. */
    static List<PolicyLoader.Source> withDefault(int n) {
        PolicyLoader.Source def = Policies.defaultPolicy();
        return n == 0 ? List.of(def) : List.of(def, policy(n));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
