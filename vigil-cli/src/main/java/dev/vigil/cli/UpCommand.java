package dev.vigil.cli;

import dev.vigil.server.VigilServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vigil up}: the server and, where the host allows it (root, kernel BTF), a local agent
 * shipping to it with the server's first API key. One command from nothing to signals.
 */
@Command(name = "up",
        mixinStandardHelpOptions = true,
        description = {
                "Run the Vigil server and a local agent that ships to it (the agent needs root and a kernel with BTF;",
                "without them the server runs alone and says why). Stop with Ctrl-C.",
                "",
                "Signals: curl -H \"Authorization: Bearer $(cat DATA/initial-api-key)\" http://127.0.0.1:8650/api/v1/signals",
                "or 'vigil signals list'."})
final class UpCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: /var/lib/vigil/server as root, else ~/.local/share/vigil).")
    Path data;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String listen = "127.0.0.1:8650";

    @Option(names = "--rules", paramLabel = "DIR", description = "Directory of detection rules as code; repeatable.")
    List<Path> rules = List.of();

    @Option(names = "--policy", paramLabel = "PATH", description = "Agent policy file or directory (repeatable).")
    List<Path> policies = List.of();

    @Option(names = "--ship", paramLabel = "WHAT", description = "What the agent ships: alerts or all (default: ${DEFAULT-VALUE}).")
    String ship = "alerts";

    @Option(names = "--follow-alerts", paramLabel = "DURATION",
            description = "After an alert, the agent also ships the alerted process's and its descendants' events for this long "
                    + "(default: 10m; 0 turns it off; only with --ship alerts).")
    String followAlerts;

    @Option(names = "--no-agent", description = "Run only the server.")
    boolean noAgent;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (30s, 5m...).")
    String duration;

    @Override
    public Integer call() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = data != null ? data : root ? Path.of("/var/lib/vigil/server") : Path.of(System.getProperty("user.home"), ".local/share/vigil");
        VigilServer server = VigilServer.start(ServerCommand.config(dir, listen, rules, false, null, "vigil", "7d", "456d"));
        Path key = dir.resolve(VigilServer.INITIAL_KEY_FILE);
        String url = "http://" + (listen.startsWith("0.0.0.0") ? "127.0.0.1" : listen.substring(0, listen.lastIndexOf(':'))) + ":" + server.port();
        System.err.println("vigil up: server at " + url + " (API key in " + key + ")");
        String why = noAgent ? "--no-agent" : !root ? "not root" : !Files.exists(Path.of("/sys/kernel/btf/vmlinux")) ? "the kernel has no BTF (/sys/kernel/btf/vmlinux)" : null;
        try {
            if (why != null || !Files.exists(key)) {
                System.err.println("vigil up: no local agent (" + (why != null ? why : "no initial API key in " + key) + "); the server runs alone");
                new UntilStopped().await(duration == null ? null : Durations.parse(duration), () -> { });
                return 0;
            }
            CommandLine agent = Main.commandLine().getSubcommands().get("agent");
            return agent.execute(agentArgs(url, key, dir).toArray(String[]::new));
        } finally {
            server.close();
        }
    }

    /** The local agent's command line: shipping to {@code url} with the server's first key, state under {@code dir}. */
    List<String> agentArgs(String url, Path key, Path dir) {
        List<String> args = new ArrayList<>(List.of("--server", url, "--api-key-file", key.toString(), "--ship", ship,
                "--state-dir", dir.resolve("agent").toString(), "--alerts", dir.resolve("alerts.ndjson").toString()));
        for (Path p : policies) args.addAll(List.of("--policy", p.toString()));
        if (followAlerts != null) args.addAll(List.of("--follow-alerts", followAlerts));
        if (duration != null) args.addAll(List.of("--duration", duration));
        return args;
    }
}
