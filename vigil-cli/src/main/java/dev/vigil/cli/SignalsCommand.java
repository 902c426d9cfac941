package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code vigil signals}: search, read and triage security signals on a server. */
@Command(name = "signals", mixinStandardHelpOptions = true,
        description = "Search, read and triage the security signals of a Vigil server.",
        subcommands = {SignalsCommand.ListSignals.class, SignalsCommand.Show.class, SignalsCommand.Status.class,
                SignalsCommand.Assign.class, SignalsCommand.Comment.class})
final class SignalsCommand implements Runnable {

    /** Entity kinds in the order {@code show} prints them. */
    static final List<String> ENTITY_KINDS = List.of("host", "container", "image", "service", "user", "ip", "binary");

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Signals matching the filters, latest activity first: id, severity, status, count, last seen, title.")
    static final class ListSignals extends ApiCommand {
        @Option(names = "--status", paramLabel = "STATUS[,STATUS...]", description = "open, under_review, archived.")
        String status;

        @Option(names = "--severity", paramLabel = "SEV[,SEV...]", description = "info, low, medium, high, critical.")
        String severity;

        @Option(names = "--rule", paramLabel = "ID[,ID...]", description = "Detection rule ids.")
        String rule;

        @Option(names = "--host", paramLabel = "HOST", description = "Signals involving this host.")
        String host;

        @Option(names = "--q", paramLabel = "TEXT", description = "Text in the title or the rule name.")
        String text;

        @Option(names = "--from", paramLabel = "TIME",
                description = "Last seen since: relative (-24h, 15m, 7d), ISO-8601 (2026-11-22T10:00:00Z) or epoch ms.")
        String from;

        @Option(names = "--limit", paramLabel = "N", description = "At most N signals (1..1000; default: ${DEFAULT-VALUE}).")
        int limit = 50;

        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The next page, as the previous page's footer says.")
        String cursor;

        @Option(names = "--json", description = "One JSON object per signal per line, as the API answers them.")
        boolean json;

        @Override
        int run(ApiClient api) throws Exception {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("status", status);
            q.put("severity", severity);
            q.put("rule", rule);
            q.put("host", host);
            q.put("q", text);
            q.put("from", relative(from));
            q.put("limit", Integer.toString(limit));
            q.put("cursor", cursor);
            JsonNode page = api.get("/api/v1/signals" + ApiClient.query(q));
            PrintWriter out = out();
            if (json) {
                for (JsonNode s : page.path("signals")) out.println(ApiClient.JSON.writeValueAsString(s));
                return 0;
            }
            if (page.path("signals").isEmpty()) {
                out.println("no signals match");
                return 0;
            }
            Text.Table t = new Text.Table("ID", "SEVERITY", "STATUS", "COUNT", "LAST SEEN", "TITLE");
            for (JsonNode s : page.path("signals")) {
                t.row(s.path("id").asText(), s.path("severity").asText(), s.path("status").asText(), s.path("count").asLong(),
                        Text.time(s.get("last_seen")), s.path("title").asText());
            }
            t.print(out);
            out.println(page.path("signals").size() + " of " + page.path("total").asLong() + " signals"
                    + (page.hasNonNull("next_cursor") ? "; next page: --cursor " + page.get("next_cursor").asText() : ""));
            return 0;
        }

        /** A bare duration ({@code 24h}) means that long ago; anything else goes to the server as given. */
        static String relative(String from) {
            if (from == null) return null;
            String f = from.strip();
            return f.matches("\\d+(ms|s|m|h|d|w)") ? "-" + f : f;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "A signal in full: what, how bad, where it is in triage, counts and times, entities, MITRE ATT&CK, "
                    + "triage advice, the process tree and the history.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "The signal's id (sig-...).")
        String id;

        @Option(names = "--json", description = "The signal as the API answers it, with its history under \"history\".")
        boolean json;

        @Override
        int run(ApiClient api) throws Exception {
            String path = "/api/v1/signals/" + ApiClient.segment(id);
            JsonNode s = api.get(path);
            JsonNode history = api.get(path + "/history");
            PrintWriter out = out();
            if (json) {
                ((ObjectNode) s).set("history", history);
                out.println(ApiClient.JSON.writeValueAsString(s));
                return 0;
            }
            print(s, history, out);
            return 0;
        }

        static void print(JsonNode s, JsonNode history, PrintWriter out) {
            out.println(Text.safe(s.path("title").asText()));
            out.println();
            Text.Table facts = new Text.Table();
            facts.row("ID", s.path("id").asText());
            facts.row("Rule", s.path("rule_id").asText());
            facts.row("Severity", s.path("severity").asText());
            String status = s.path("status").asText();
            if (s.hasNonNull("archive_reason")) status += " (" + s.get("archive_reason").asText() + ")";
            facts.row("Status", status);
            facts.row("Assignee", Text.or(s.get("assignee"), "nobody"));
            long count = s.path("count").asLong();
            facts.row("Count", count + (count == 1 ? " match" : " matches"));
            facts.row("First seen", Text.time(s.get("first_seen")));
            facts.row("Last seen", Text.time(s.get("last_seen")));
            String mitre = mitre(s);
            if (!mitre.isEmpty()) facts.row("MITRE ATT&CK", mitre);
            List<String> group = new ArrayList<>();
            s.path("group_by").properties().forEach(e -> group.add(e.getKey() + "=" + e.getValue().asText()));
            if (!group.isEmpty()) facts.row("Group", String.join(", ", group));
            List<String> tags = new ArrayList<>();
            s.path("tags").forEach(t -> { if (!tags.contains(t.asText())) tags.add(t.asText()); });
            if (!tags.isEmpty()) facts.row("Tags", String.join(", ", tags));
            facts.print(out);

            Text.Table entities = new Text.Table();
            for (String kind : ENTITY_KINDS) {
                List<String> values = new ArrayList<>();
                s.path("entities").path(kind).forEach(v -> values.add(v.asText()));
                if (!values.isEmpty()) entities.row("  " + kind, String.join(", ", values));
            }
            if (!entities.isEmpty()) {
                out.println();
                out.println("Entities");
                entities.print(out);
            }
            section(out, "What happened", s.path("message").asText());
            section(out, "Triage", s.path("triage").asText());
            JsonNode nodes = s.path("process_tree").path("nodes");
            if (!nodes.isEmpty()) {
                out.println();
                out.println("Process tree (oldest ancestor first)");
                int depth = 0;
                for (JsonNode n : nodes) {
                    out.println("  " + "   ".repeat(depth) + (depth > 0 ? "\\_ " : "") + Text.safe(process(n)));
                    depth++;
                }
            }
            out.println();
            out.println("History");
            Text.Table changes = new Text.Table();
            for (JsonNode c : history) changes.row("  " + Text.time(c.get("at")), c.path("actor").asText(), change(c));
            changes.print(out);
        }

        private static String mitre(JsonNode s) {
            String tactic = s.path("tactic").asText(), technique = s.path("technique").asText();
            if (tactic.isEmpty() && technique.isEmpty()) return "";
            if (technique.isEmpty()) return "tactic " + tactic;
            if (tactic.isEmpty()) return "technique " + technique;
            return "tactic " + tactic + ", technique " + technique;
        }

        private static void section(PrintWriter out, String title, String text) {
            if (text.isBlank()) return;
            out.println();
            out.println(title);
            Text.indented(out, text, "  ");
        }

        /** {@code 4343 /bin/sh -c 'curl ...'  (user root, container 4f2a9c0e1b7d)  <- triggered the rule}. */
        static String process(JsonNode n) {
            StringBuilder b = new StringBuilder().append(n.path("pid").asLong());
            String exe = Text.or(n.get("path"), Text.or(n.get("comm"), ""));
            b.append(' ').append(exe.isEmpty() ? "(executable unknown)" : exe);
            for (JsonNode a : n.path("argv")) b.append(' ').append(quote(a.asText()));
            List<String> ctx = new ArrayList<>();
            if (!n.path("user").asText().isEmpty()) ctx.add("user " + n.get("user").asText());
            else if (n.has("uid")) ctx.add("uid " + n.get("uid").asLong());
            if (n.hasNonNull("container")) {
                String c = n.get("container").asText();
                ctx.add("container " + c.substring(0, Math.min(12, c.length())));
            }
            if (!ctx.isEmpty()) b.append("  (").append(String.join(", ", ctx)).append(')');
            if (n.path("trigger").asBoolean()) b.append("  <- triggered the rule");
            return b.toString();
        }

        private static String quote(String arg) {
            if (!arg.isEmpty() && arg.chars().noneMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '"')) return arg;
            return "'" + arg.replace("'", "'\\''") + "'";
        }

        static String change(JsonNode c) {
            String from = Text.or(c.get("from"), "none"), to = Text.or(c.get("to"), "none");
            String what = switch (c.path("field").asText()) {
                case "created" -> "created, " + to;
                case "status" -> "status " + from + " -> " + to;
                case "archive_reason" -> "archive reason " + from + " -> " + to;
                case "assignee" -> "assignee " + from + " -> " + to;
                case "comment" -> "comment";
                default -> c.path("field").asText() + " " + from + " -> " + to;
            };
            return what + (c.hasNonNull("comment") ? ": " + c.get("comment").asText() : "");
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Move a signal to open, under_review or archived. Archiving needs --reason.")
    static final class Status extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The signal's id.")
        String id;

        @Parameters(index = "1", paramLabel = "STATUS", description = "open, under_review or archived.")
        String status;

        @Option(names = "--reason", paramLabel = "REASON",
                description = "Why it is archived: false_positive, benign_true_positive, true_positive, testing, other.")
        String reason;

        @Option(names = "--comment", paramLabel = "TEXT", description = "Recorded with the change in the signal's history.")
        String comment;

        @Override
        int run(ApiClient api) throws Exception {
            ObjectNode body = ApiClient.JSON.createObjectNode().put("status", status);
            if (reason != null) body.put("reason", reason);
            if (comment != null) body.put("comment", comment);
            JsonNode s = api.post("/api/v1/signals/" + ApiClient.segment(id) + "/status", body);
            out().println(s.path("id").asText() + ": " + s.path("status").asText()
                    + (s.hasNonNull("archive_reason") ? " (" + s.get("archive_reason").asText() + ")" : ""));
            return 0;
        }
    }

    @Command(name = "assign", mixinStandardHelpOptions = true, description = "Give a signal to someone (\"\" for nobody).")
    static final class Assign extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The signal's id.")
        String id;

        @Parameters(index = "1", paramLabel = "USER", description = "Who is on it; an empty string unassigns.")
        String user;

        @Override
        int run(ApiClient api) throws Exception {
            JsonNode s = api.post("/api/v1/signals/" + ApiClient.segment(id) + "/assignee",
                    ApiClient.JSON.createObjectNode().put("assignee", user));
            out().println(s.path("id").asText() + ": " + (s.hasNonNull("assignee") ? "assigned to " + Text.safe(s.get("assignee").asText()) : "unassigned"));
            return 0;
        }
    }

    @Command(name = "comment", mixinStandardHelpOptions = true, description = "Add a comment to a signal's history.")
    static final class Comment extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The signal's id.")
        String id;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The comment (words are joined with spaces).")
        List<String> words;

        @Override
        int run(ApiClient api) throws Exception {
            api.post("/api/v1/signals/" + ApiClient.segment(id) + "/comments",
                    ApiClient.JSON.createObjectNode().put("text", String.join(" ", words)));
            out().println(id + ": comment added");
            return 0;
        }
    }
}
