package dev.vigil.agent;

import dev.vigil.secl.policy.PolicyLoader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where policies come from: the default policy in the jar, then the configured files and directories. */
public final class Policies {

    /** The default policy's resource name. */
    public static final String DEFAULT = "policies/default.policy";

    private Policies() {}

    public static PolicyLoader.Source defaultPolicy() {
        try (InputStream in = Policies.class.getResourceAsStream(DEFAULT)) {
            if (in == null) {
                throw new IllegalStateException("the default policy is missing from the agent jar (" + DEFAULT + ")");
            }
            return new PolicyLoader.Source("default.policy", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the default policy: " + e.getMessage(), e);
        }
    }

    /** The sources for {@code config}: the default policy (if on), then each file, or each *.policy of each directory, sorted. */
    public static List<PolicyLoader.Source> sources(AgentConfig config) throws IOException {
        List<PolicyLoader.Source> out = new ArrayList<>();
        if (config.defaultPolicy()) out.add(defaultPolicy());
        for (Path p : files(config.policies())) out.add(PolicyLoader.Source.of(p));
        return out;
    }

    /** The policy files of the given paths (directories expanded to their *.policy files). */
    public static List<Path> files(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.toString().endsWith(".policy")).sorted().forEach(out::add);
                }
            } else if (Files.exists(p)) {
                out.add(p);
            } else {
                throw new IOException("policy file " + p + " does not exist");
            }
        }
        return out;
    }
}
