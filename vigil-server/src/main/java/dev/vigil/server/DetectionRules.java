package dev.vigil.server;

import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.RuleException;
import dev.vigil.detect.rule.RuleLoader;
import dev.vigil.server.store.RuleStore;
import dev.vigil.server.store.StoredRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The detection rules in force: the shipped defaults, then rule files, then rules managed
 * through the API (stored), each overriding the previous by id. A file that does not load is
 * reported and skipped; the others still run.
 */
public final class DetectionRules {

    private static final Logger LOG = LoggerFactory.getLogger(DetectionRules.class);
    /** The shipped rules, listed in the index so the jar needs no directory scanning. */
    public static final String BUILTIN_INDEX = "/dev/vigil/server/rules/index.txt";

    /**
     * A rule and where it came from: {@code builtin}, a file path, or {@code api}.
     *
     * @param overrides the origin of the rule with the same id that this one replaces (a stored copy of
     *                  a built-in rule, say), or null
     */
    public record Loaded(DetectionRule rule, String origin, String overrides) {
        public Loaded(DetectionRule rule, String origin) {
            this(rule, origin, null);
        }

        /** Whether this rule is text in the database, changed through the API or the console (not a file: rules as code). */
        public boolean stored() { return "api".equals(origin); }
    }

    private DetectionRules() {}

    public static List<DetectionRule> builtin() {
        List<DetectionRule> out = new ArrayList<>();
        try (InputStream idx = DetectionRules.class.getResourceAsStream(BUILTIN_INDEX)) {
            if (idx == null) return out;
            for (String name : new String(idx.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                name = name.trim();
                if (name.isEmpty()) continue;
                try (InputStream in = DetectionRules.class.getResourceAsStream("/dev/vigil/server/rules/" + name)) {
                    out.add(RuleLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "builtin:" + name));
                }
            }
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return out;
    }

    /** Rule files (*.yaml, *.yml, *.json) under the directories, sorted by path. */
    public static List<Loaded> files(List<Path> dirs, List<RuleException> problems) throws IOException {
        List<Loaded> out = new ArrayList<>();
        for (Path dir : dirs) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(dir)) {
                files = s.filter(p -> p.toString().matches(".*\\.(ya?ml|json)$")).sorted().toList();
            }
            for (Path f : files) {
                try {
                    out.add(new Loaded(RuleLoader.load(f), f.toString()));
                } catch (RuleException x) {
                    problems.add(x);
                    LOG.warn("detection rule not loaded:\n{}", x.getMessage());
                }
            }
        }
        return out;
    }

    /** Everything in force, by id, later sources overriding earlier ones. */
    public static List<Loaded> all(boolean builtin, List<Path> dirs, RuleStore stored, List<RuleException> problems) throws IOException {
        Map<String, Loaded> byId = new LinkedHashMap<>();
        if (builtin) for (DetectionRule r : builtin()) byId.put(r.id(), new Loaded(r, "builtin"));
        for (Loaded l : files(dirs, problems)) byId.put(l.rule().id(), overriding(l, byId.get(l.rule().id())));
        for (StoredRule s : stored.list()) {
            try {
                DetectionRule r = RuleLoader.parse(s.source(), "api:" + s.id());
                byId.put(r.id(), overriding(new Loaded(s.enabled() ? r : r.withEnabled(false), "api"), byId.get(r.id())));
            } catch (RuleException x) {
                problems.add(x);
            }
        }
        return new ArrayList<>(byId.values());
    }

    private static Loaded overriding(Loaded l, Loaded previous) {
        return previous == null ? l : new Loaded(l.rule(), l.origin(), previous.origin());
    }
}
