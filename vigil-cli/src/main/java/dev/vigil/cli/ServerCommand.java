package dev.vigil.cli;

import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.server.store.StoreConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code vigil server}: intake, detection, signals and the API, with embedded storage by default. */
@Command(name = "server",
        mixinStandardHelpOptions = true,
        description = {
                "Run the Vigil server: HTTP intake of agent events and logs, the on-disk event log, streaming "
                        + "detection rules, security signals and the REST API (/api/v1, OpenAPI at /api/v1/openapi.yaml).",
                "",
                "Zero set-up: SQLite and the event log live under --data. On first start an API key is written to "
                        + "<data>/initial-api-key.",
                "",
                "The web console is at the same address (/signals). With no console user yet, the server creates 'admin' "
                        + "with a random password and prints it once on stderr; 'vigil users add' before the first start avoids that."})
final class ServerCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path data = Path.of(System.getProperty("user.home"), ".local/share/vigil");

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String listen = "127.0.0.1:8650";

    @Option(names = "--rules", paramLabel = "DIR", description = "Directory of detection rules as code (*.yaml, *.json); repeatable.")
    List<Path> rules = List.of();

    @Option(names = "--no-default-rules", description = "Do not load the shipped default detection rules.")
    boolean noDefaultRules;

    @Option(names = "--postgres", paramLabel = "JDBC_URL", description = "Store signals in PostgreSQL (jdbc:postgresql://host:5432/db) instead of SQLite.")
    String postgres;

    @Option(names = "--postgres-user", paramLabel = "USER", description = "PostgreSQL user (password from VIGIL_PG_PASSWORD).")
    String pgUser = "vigil";

    @Option(names = "--event-retention", paramLabel = "DURATION", description = "Keep accepted events this long (default: ${DEFAULT-VALUE}).")
    String eventRetention = "7d";

    @Option(names = "--signal-retention", paramLabel = "DURATION", description = "Keep signals this long after last seen (default: ${DEFAULT-VALUE}, about 15 months).")
    String signalRetention = "456d";

    @Option(names = "--snapshot-interval", paramLabel = "DURATION", description = "Write detection state (windows, learned values, "
            + "baselines) to <data>/detection/state.snap this often, so a restart restores it and re-reads only the events since "
            + "(default: ${DEFAULT-VALUE}; 0 turns it off: a restart then re-reads the rules' whole look-back).")
    String snapshotInterval = "60s";

    @Option(names = "--tail", paramLabel = "FILE", description = "Follow a log file (JSON lines or syslog/auth.log lines; rotation-safe); repeatable.")
    List<Path> tail = List.of();

    @Option(names = "--tail-source", paramLabel = "NAME", description = "Source of followed lines that don't name one (syslog lines name their program).")
    String tailSource;

    @Option(names = "--secure-cookies", description = "Mark console session cookies Secure: use it when browsers reach the console over "
            + "HTTPS (a TLS reverse proxy); without HTTPS browsers would then not send the cookie.")
    boolean secureCookies;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (30s, 5m...).")
    String duration;

    @Override
    public Integer call() throws Exception {
        VigilServer server = VigilServer.start(config(data, listen, rules, noDefaultRules, postgres, pgUser, eventRetention, signalRetention)
                .withSecureCookies(secureCookies).withSnapshotInterval(Durations.parse(snapshotInterval)));
        server.tail(tail, tailSource);
        Path key = data.resolve(VigilServer.INITIAL_KEY_FILE);
        if (Files.exists(key)) System.err.println("vigil server: API key for agents and the CLI in " + key);
        new UntilStopped().await(duration == null ? null : Durations.parse(duration), () -> {
            try {
                server.close();
            } catch (Exception x) {
                System.err.println("vigil server: " + x);
            }
        });
        return 0;
    }

    static ServerConfig config(Path data, String listen, List<Path> rules, boolean noDefaultRules, String postgres, String pgUser,
                               String eventRetention, String signalRetention) {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("--listen must be HOST:PORT, not " + listen);
        ServerConfig c = ServerConfig.defaults(data)
                .withHost(listen.substring(0, colon))
                .withPort(Integer.parseInt(listen.substring(colon + 1)))
                .withRuleDirs(rules)
                .withBuiltinRules(!noDefaultRules)
                .withRetention(Durations.parse(eventRetention), Durations.parse(signalRetention));
        if (postgres != null) {
            String pw = System.getenv().getOrDefault("VIGIL_PG_PASSWORD", "");
            c = c.withStore(StoreConfig.postgres(postgres, pgUser, pw));
        }
        return c;
    }

}
