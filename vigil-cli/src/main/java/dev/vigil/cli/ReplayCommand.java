package dev.vigil.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.agent.AlertJson;
import dev.vigil.agent.Policies;
import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.normalize.Normalizer.Defaults;
import dev.vigil.detect.normalize.NormalizeException;
import dev.vigil.detect.normalize.Normalizer;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.RuleException;
import dev.vigil.detect.signal.Signal;
import dev.vigil.model.Event;
import dev.vigil.model.json.EventJson;
import dev.vigil.secl.engine.RuleEngine;
import dev.vigil.secl.eval.Variables;
import dev.vigil.secl.policy.PolicyLoader;
import dev.vigil.server.DetectionRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * {@code vigil replay FILE}: recorded agent events (from {@code vigil events --record}), agent
 * alerts, JSON logs or syslog lines, run through the agent's SECL rules and the detection
 * rules, in event time, offline; prints the signals that would have been raised. No root, no
 * server.
 */
@Command(name = "replay",
        mixinStandardHelpOptions = true,
        description = {
                "Replay recorded events through agent rules and detection rules and print the signals.",
                "",
                "FILE holds one event per line (gzip is detected): agent events and alerts as written by "
                        + "'vigil events --record' and 'vigil agent', JSON log lines, or syslog / auth.log lines."})
final class ReplayCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Recorded events ('-' for stdin).")
    List<Path> files;

    @Option(names = "--policy", paramLabel = "PATH", description = "Agent policy file or directory (repeatable).")
    List<Path> policies = new ArrayList<>();

    @Option(names = "--no-default-policy", description = "Do not load the shipped default agent policy.")
    boolean noDefaultPolicy;

    @Option(names = "--rules", paramLabel = "DIR", description = "Detection rules directory (repeatable).")
    List<Path> rules = new ArrayList<>();

    @Option(names = "--no-default-rules", description = "Do not load the shipped default detection rules.")
    boolean noDefaultRules;

    @Option(names = "--source", paramLabel = "NAME", description = "Source for JSON and syslog lines that don't name one.")
    String source;

    @Option(names = "--json", description = "Print each signal as a JSON object per line (default: a readable summary).")
    boolean json;

    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        // agent rules
        List<PolicyLoader.Source> sources = new ArrayList<>();
        if (!noDefaultPolicy) sources.add(Policies.defaultPolicy());
        for (Path p : Policies.files(policies)) sources.add(PolicyLoader.Source.of(p));
        PolicyLoader.Result policy = PolicyLoader.load(sources);
        policy.errors().forEach(p -> err.println("policy: " + p));
        RuleEngine agentRules = new RuleEngine(policy.rules(), new Variables());
        // detection rules
        List<RuleException> problems = new ArrayList<>();
        List<DetectionRule> detection = new ArrayList<>();
        if (!noDefaultRules) detection.addAll(DetectionRules.builtin());
        for (DetectionRules.Loaded l : DetectionRules.files(rules, problems)) detection.add(l.rule());
        problems.forEach(p -> err.println("rules: " + p.getMessage()));
        DetectionEngine engine = new DetectionEngine(detection);

        Normalizer normalizer = new Normalizer();
        EventJson eventJson = new EventJson();
        AlertJson alertJson = new AlertJson(eventJson);
        JsonFactory jf = new JsonFactory();
        long lines = 0, agentEvents = 0, alerts = 0, logs = 0, bad = 0;
        Map<String, Signal> signals = new LinkedHashMap<>();
        for (Path f : files) {
            try (BufferedReader r = reader(f)) {
                String line;
                long no = 0;
                while ((line = r.readLine()) != null) {
                    no++;
                    if (line.isBlank()) continue;
                    lines++;
                    try {
                        JsonNode n = line.stripLeading().startsWith("{") ? mapper.readTree(line) : null;
                        if (n != null && n.has("event") && n.has("v")) {
                            if (n.has("alert")) {
                                engine.process(normalizer.agentLine(n));
                                alerts++;
                                continue;
                            }
                            Event e = eventJson.parse(line);
                            agentEvents++;
                            engine.process(normalizer.agentLine(n));
                            List<RuleEngine.Match> matches = new ArrayList<>();
                            agentRules.evaluate(e, e.timestamp(), matches::add);
                            for (RuleEngine.Match m : matches) {
                                StringWriter w = new StringWriter();
                                try (JsonGenerator g = jf.createGenerator(w)) {
                                    alertJson.write(m, "replay", g);
                                }
                                engine.process(normalizer.agentLine(mapper.readTree(w.toString())));
                                alerts++;
                            }
                        } else {
                            Defaults d = new Defaults(source, null, null, List.of(), System.currentTimeMillis());
                            engine.process(n != null ? normalizer.jsonLine(n, d) : normalizer.syslogLine(line, d));
                            logs++;
                        }
                    } catch (NormalizeException | IllegalArgumentException | java.io.IOException x) {
                        bad++;
                        err.println(f + ":" + no + ": skipped: " + x.getMessage());
                    }
                    for (Signal s : engine.drainSignals(0)) signals.put(s.id(), s);
                }
            }
        }
        for (Signal s : engine.drainSignals(0)) signals.put(s.id(), s);
        for (Signal s : signals.values()) {
            if (json) out.println(mapper.writeValueAsString(summary(s)));
            else out.printf("%-8s %-34s x%-7d %s  [%s]  %s .. %s%n", s.severity().id().toUpperCase(), s.ruleId(), s.count(), s.title(),
                    String.join(" ", s.tactic(), s.technique()).trim(), Instant.ofEpochMilli(s.firstSeen()), Instant.ofEpochMilli(s.lastSeen()));
        }
        err.printf("replay: %d lines (%d agent events, %d agent alerts, %d log lines, %d skipped) -> %d signals%n",
                lines, agentEvents, alerts, logs, bad, signals.size());
        return 0;
    }

    private ObjectNode summary(Signal s) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", s.id());
        o.put("rule_id", s.ruleId());
        o.put("title", s.title());
        o.put("severity", s.severity().id());
        o.put("count", s.count());
        o.put("first_seen", Instant.ofEpochMilli(s.firstSeen()).toString());
        o.put("last_seen", Instant.ofEpochMilli(s.lastSeen()).toString());
        o.put("tactic", s.tactic());
        o.put("technique", s.technique());
        o.set("group_by", mapper.valueToTree(s.groupBy()));
        o.set("entities", mapper.valueToTree(s.entities().byKind()));
        if (s.processTree() != null) o.set("process_tree", s.processTree());
        return o;
    }

    private static BufferedReader reader(Path f) throws java.io.IOException {
        InputStream in = f.toString().equals("-") ? System.in : Files.newInputStream(f);
        in = new java.io.BufferedInputStream(in);
        in.mark(2);
        int b1 = in.read(), b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) in = new GZIPInputStream(in);
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
}
