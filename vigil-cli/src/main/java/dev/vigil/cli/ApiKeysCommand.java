package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** {@code vigil api-keys}: the keys agents, scripts and people use to reach a server. */
@Command(name = "api-keys", mixinStandardHelpOptions = true,
        description = "API keys of a Vigil server. A key's secret is shown once, when it is created; the server keeps only a hash.",
        subcommands = {ApiKeysCommand.ListKeys.class, ApiKeysCommand.Create.class, ApiKeysCommand.Revoke.class})
final class ApiKeysCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every key, active and revoked (ids and prefixes, never secrets).")
    static final class ListKeys extends ApiCommand {
        @Override
        int run(ApiClient api) throws Exception {
            Text.Table t = new Text.Table("ID", "NAME", "PREFIX", "CREATED", "CREATED BY", "LAST USED", "STATE");
            for (JsonNode k : api.get("/api/v1/api-keys")) {
                t.row(k.path("id").asText(), k.path("name").asText(), k.path("prefix").asText() + "...", Text.time(k.get("created_at")),
                        k.path("created_by").asText(), k.has("last_used_at") ? Text.time(k.get("last_used_at")) : "never",
                        k.path("active").asBoolean() ? "active" : "revoked");
            }
            t.print(out());
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a key. Its secret goes to stdout, alone on its line (or to --output FILE), and is not shown again; "
                    + "what was created goes to stderr."})
    static final class Create extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "What the key is for (recorded as the actor key:NAME).")
        String name;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the key to FILE (created, mode 0600) instead of stdout.")
        Path output;

        @Override
        int run(ApiClient api) throws Exception {
            if (output != null && Files.exists(output)) throw new ApiClient.UsageProblem(output + " already exists: not overwriting a key file");
            JsonNode k = api.post("/api/v1/api-keys", ApiClient.JSON.createObjectNode().put("name", name));
            String secret = k.path("key").asText();
            String created = "created API key " + k.path("id").asText() + " (" + k.path("name").asText() + ")";
            if (output == null) {
                out().println(secret);
                err().println(created + ": store the key now, it is not shown again");
                return 0;
            }
            try {
                Files.createFile(output, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(output, secret + "\n");
            } catch (FileAlreadyExistsException x) {
                throw new ApiClient.UsageProblem(output + " already exists: not overwriting a key file (the key " + k.path("id").asText()
                        + " was created: revoke it)");
            } catch (IOException x) {
                throw new ApiClient.UsageProblem("cannot write " + output + ": " + x.getMessage() + " (the key " + k.path("id").asText()
                        + " was created: revoke it)");
            }
            out().println(created + ", written to " + output);
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key: requests with it are refused from then on.")
    static final class Revoke extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "The key's id (key-...), as 'list' shows it.")
        String id;

        @Override
        int run(ApiClient api) throws Exception {
            api.delete("/api/v1/api-keys/" + ApiClient.segment(id));
            out().println("revoked " + id);
            return 0;
        }
    }
}
