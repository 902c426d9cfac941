package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vigil detection-rules}: the detection rules a server runs, and the rules stored through
 * its API (rules as code: put a repository's files from CI, validate them in a pull request).
 */
@Command(name = "detection-rules", mixinStandardHelpOptions = true,
        description = {"The detection rules of a Vigil server: list what runs, store, validate, enable, disable and delete "
                + "rules as code (YAML or JSON files; the shipped ones in rules/default/ are examples).",
                "Agent-side SECL policies are 'vigil rules'."},
        subcommands = {DetectionRulesCommand.ListRules.class, DetectionRulesCommand.Show.class, DetectionRulesCommand.Put.class,
                DetectionRulesCommand.Validate.class, DetectionRulesCommand.Enable.class, DetectionRulesCommand.Disable.class,
                DetectionRulesCommand.Delete.class})
final class DetectionRulesCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every rule detection runs (built-in, from rule directories, stored), with matches and detections since loaded.")
    static final class ListRules extends ApiCommand {
        @Override
        int run(ApiClient api) throws Exception {
            Text.Table t = new Text.Table("ID", "METHOD", "ENABLED", "MATCHED", "DETECTIONS", "NAME");
            for (JsonNode r : api.get("/api/v1/rules")) {
                t.row(r.path("id").asText(), r.path("method").asText(), r.path("enabled").asBoolean() ? "yes" : "no",
                        r.path("stats").path("matched_events").asLong(), r.path("stats").path("detections").asLong(), r.path("name").asText());
            }
            t.print(out());
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "A rule stored through the API, with its source; for a built-in or rule-directory rule, what the server runs.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "The rule's id.")
        String id;

        @Override
        int run(ApiClient api) throws Exception {
            PrintWriter out = out();
            JsonNode r;
            try {
                r = api.get("/api/v1/rules/" + ApiClient.segment(id));
            } catch (ApiClient.ServerError x) {
                if (x.status != 404) throw x;
                for (JsonNode running : api.get("/api/v1/rules")) {
                    if (!running.path("id").asText().equals(id)) continue;
                    Text.Table t = new Text.Table();
                    t.row("ID", id).row("Name", running.path("name").asText()).row("Method", running.path("method").asText())
                            .row("Enabled", running.path("enabled").asBoolean() ? "yes" : "no")
                            .row("Tactic", running.path("tactic").asText()).row("Technique", running.path("technique").asText());
                    running.path("stats").properties().forEach(e -> t.row(e.getKey().replace('_', ' '), e.getValue().asText()));
                    t.print(out);
                    out.println();
                    out.println("(built in or from a rules directory: its source is not stored on the server, so it is not shown)");
                    return 0;
                }
                throw x;
            }
            new Text.Table().row("ID", r.path("id").asText()).row("Name", r.path("name").asText())
                    .row("Format", r.path("format").asText()).row("Enabled", r.path("enabled").asBoolean() ? "yes" : "no")
                    .row("Version", r.path("version").asLong()).print(out);
            out.println();
            out.print(Text.safe(r.path("source").asText()));
            if (!r.path("source").asText().endsWith("\n")) out.println();
            return 0;
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = {"Store rules from files (create, or replace: the version counts changes; unchanged text changes nothing) "
                    + "and reload detection.",
                    "Every file is validated first: if any is invalid, its problems are printed as FILE:LINE:COLUMN and nothing "
                            + "is stored (exit status 1)."})
    static final class Put extends ApiCommand {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Rule files (YAML or JSON), each holding one rule.")
        List<Path> files;

        @Override
        int run(ApiClient api) throws Exception {
            Map<Path, String> ids = new LinkedHashMap<>();
            boolean valid = true;
            for (Path f : files) {
                String id = validate(api, f, read(f), err());
                if (id == null) valid = false;
                else ids.put(f, id);
            }
            if (!valid) {
                err().println("nothing stored: fix the problems above");
                return REFUSED;
            }
            for (Map.Entry<Path, String> e : ids.entrySet()) {
                String text = read(e.getKey());
                JsonNode r = api.putText("/api/v1/rules/" + ApiClient.segment(e.getValue()), text, contentType(text));
                out().println("stored " + r.path("id").asText() + " version " + r.path("version").asLong()
                        + (r.path("enabled").asBoolean() ? "" : " (disabled)") + " from " + e.getKey());
            }
            return 0;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Check rule files against the server without storing them.",
                    "Each problem is printed as FILE:LINE:COLUMN path: message; exit status 1 if any file is invalid."})
    static final class Validate extends ApiCommand {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Rule files (YAML or JSON).")
        List<Path> files;

        @Override
        int run(ApiClient api) throws Exception {
            int invalid = 0;
            for (Path f : files) {
                String id = validate(api, f, read(f), out());
                if (id == null) invalid++;
                else out().println(f + ": valid (" + id + ")");
            }
            if (files.size() > 1) out().println(files.size() - invalid + " valid, " + invalid + " invalid");
            return invalid == 0 ? 0 : REFUSED;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Turn a stored rule on and reload detection.")
    static final class Enable extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "The rule's id.")
        String id;

        @Override
        int run(ApiClient api) throws Exception {
            return switchRule(api, id, true, out());
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Turn a stored rule off and reload detection.")
    static final class Disable extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "The rule's id.")
        String id;

        @Override
        int run(ApiClient api) throws Exception {
            return switchRule(api, id, false, out());
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a stored rule and reload detection.")
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "The rule's id.")
        String id;

        @Override
        int run(ApiClient api) throws Exception {
            api.delete("/api/v1/rules/" + ApiClient.segment(id));
            out().println("deleted " + id);
            return 0;
        }
    }

    private static int switchRule(ApiClient api, String id, boolean on, PrintWriter out) throws Exception {
        JsonNode r;
        try {
            r = api.post("/api/v1/rules/" + ApiClient.segment(id) + (on ? "/enable" : "/disable"), ApiClient.JSON.createObjectNode());
        } catch (ApiClient.ServerError x) {
            if (x.status != 404) throw x;
            for (JsonNode running : api.get("/api/v1/rules")) {
                if (running.path("id").asText().equals(id)) {
                    throw new ApiClient.ServerError(404, x.getMessage() + ": " + id + " is built in or comes from a rules directory, "
                            + "and only rules stored through the API can be switched; put a copy of it with 'vigil detection-rules put' "
                            + "(a stored rule overrides it by id) and switch that", x.body);
                }
            }
            throw x;
        }
        out.println(r.path("id").asText() + " " + (r.path("enabled").asBoolean() ? "enabled" : "disabled") + ", version " + r.path("version").asLong());
        return 0;
    }

    /**
     * Asks the server to validate {@code text}; on 422 prints each problem to {@code problemsOut}
     * as {@code FILE:LINE:COLUMN path: message} and returns null; else returns the rule's id.
     */
    static String validate(ApiClient api, Path file, String text, PrintWriter problemsOut) throws Exception {
        try {
            return api.postText("/api/v1/rules/validate", text, contentType(text)).path("id").asText();
        } catch (ApiClient.ServerError x) {
            if (x.status != 422 || x.body == null || !x.body.has("problems")) throw x;
            for (String p : problems(file, x.body)) problemsOut.println(p);
            return null;
        }
    }

    /** The 422 body's problems as {@code FILE:LINE:COLUMN path: message} ({@code FILE:LINE:COLUMN: message} without a path). */
    static List<String> problems(Path file, JsonNode body) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : body.path("problems")) {
            String path = p.path("path").asText();
            out.add(file + ":" + p.path("line").asInt() + ":" + p.path("column").asInt() + (path.isEmpty() ? "" : " " + path) + ": "
                    + Text.safe(p.path("message").asText()));
        }
        return out;
    }

    static String contentType(String text) {
        return text.stripLeading().startsWith("{") ? "application/json" : "application/yaml";
    }

    static String read(Path f) throws ApiClient.UsageProblem {
        try {
            return Files.readString(f);
        } catch (NoSuchFileException x) {
            throw new ApiClient.UsageProblem(f + " does not exist");
        } catch (IOException x) {
            throw new ApiClient.UsageProblem("cannot read " + f + ": " + x.getMessage());
        }
    }
}
