package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** {@code vigil suppressions}: known-good matches that must not become signals. */
@Command(name = "suppressions", mixinStandardHelpOptions = true,
        description = "Suppressions of a Vigil server: events matching a query (for one rule, or all) raise no signal.",
        subcommands = {SuppressionsCommand.ListSuppressions.class, SuppressionsCommand.Add.class, SuppressionsCommand.Delete.class})
final class SuppressionsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every suppression, oldest first, with the matches it suppressed.")
    static final class ListSuppressions extends ApiCommand {
        @Override
        int run(ApiClient api) throws Exception {
            JsonNode all = api.get("/api/v1/suppressions");
            if (all.isEmpty()) {
                out().println("no suppressions");
                return 0;
            }
            Text.Table t = new Text.Table("ID", "NAME", "RULE", "ENABLED", "EXPIRES", "SUPPRESSED", "QUERY");
            for (JsonNode s : all) {
                t.row(s.path("id").asText(), s.path("name").asText(), Text.or(s.get("rule_id"), "(all)"),
                        s.path("enabled").asBoolean() ? "yes" : "no", s.has("expires_at") ? Text.time(s.get("expires_at")) : "never",
                        s.path("suppressed_count").asLong(), s.path("query").asText());
            }
            t.print(out());
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a suppression and reload detection.")
    static final class Add extends ApiCommand {
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "A short label.")
        String name;

        @Option(names = "--query", required = true, paramLabel = "QUERY",
                description = "The events to suppress, in search syntax (@network.client.ip:203.0.113.9).")
        String query;

        @Option(names = "--rule", paramLabel = "ID", description = "Only for this detection rule (default: every rule).")
        String rule;

        @Option(names = "--expires", paramLabel = "WHEN", description = "Stop applying after this long (7d, 12h) or at this ISO-8601 time.")
        String expires;

        @Option(names = "--description", paramLabel = "TEXT", description = "Why these matches are known to be good.")
        String description;

        @Override
        int run(ApiClient api) throws Exception {
            ObjectNode body = ApiClient.JSON.createObjectNode().put("name", name).put("query", query);
            if (rule != null) body.put("rule_id", rule);
            if (description != null) body.put("description", description);
            if (expires != null) body.put("expires_at", expiry(expires, Instant.now()).toString());
            JsonNode s = api.post("/api/v1/suppressions", body);
            out().println("created " + s.path("id").asText()
                    + (s.has("expires_at") ? ", expires " + Text.time(s.get("expires_at")) : ", never expires"));
            return 0;
        }

        /** {@code 7d} from {@code now}, or an ISO-8601 instant. */
        static Instant expiry(String when, Instant now) throws ApiClient.UsageProblem {
            String w = when.strip();
            try {
                if (w.matches("\\d+(ms|s|m|h|d)") || w.matches("(?i)P.*")) return now.plus(Durations.parse(w));
                return Instant.parse(w);
            } catch (DateTimeParseException | picocli.CommandLine.ParameterException x) {
                throw new ApiClient.UsageProblem("--expires '" + when + "' is neither a duration (7d, 12h) nor an ISO-8601 time "
                        + "(2026-12-01T00:00:00Z)");
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a suppression and reload detection.")
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "The suppression's id (sup-...).")
        String id;

        @Override
        int run(ApiClient api) throws Exception {
            api.delete("/api/v1/suppressions/" + ApiClient.segment(id));
            out().println("deleted " + id);
            return 0;
        }
    }
}
