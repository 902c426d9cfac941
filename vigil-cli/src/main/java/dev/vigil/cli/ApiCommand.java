package dev.vigil.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * A command that talks to a running server's API: the options every such command takes, and one
 * way of failing. Exit status: 0 done; 1 the server refused (its status and message go to
 * stderr) or what was checked is invalid; 2 a usage error; 3 no API key, or no server to talk to.
 */
abstract class ApiCommand implements Callable<Integer> {

    static final int REFUSED = 1;
    static final int UNUSABLE = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:VIGIL_SERVER:-" + ApiClient.DEFAULT_SERVER + "}",
            description = "The server's URL (default: $VIGIL_SERVER, else " + ApiClient.DEFAULT_SERVER + ").")
    String server;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "File holding the API key (default: the key in $VIGIL_API_KEY, else ~/.local/share/vigil/initial-api-key, "
                    + "else /var/lib/vigil/server/initial-api-key).")
    Path apiKeyFile;

    @Override
    public final Integer call() throws Exception {
        try {
            try (ApiClient client = ApiClient.connect(server, apiKeyFile, System.getenv(), Path.of(System.getProperty("user.home")))) {
                return run(client);
            }
        } catch (ApiClient.ServerError x) {
            err().println(spec.qualifiedName() + ": " + x.getMessage());
            return REFUSED;
        } catch (ApiClient.UsageProblem x) {
            err().println(spec.qualifiedName() + ": " + x.getMessage());
            return UNUSABLE;
        } finally {
            out().flush();
            err().flush();
        }
    }

    /** Does the work; returns the exit status. */
    abstract int run(ApiClient api) throws Exception;

    PrintWriter out() { return spec.commandLine().getOut(); }

    PrintWriter err() { return spec.commandLine().getErr(); }
}
