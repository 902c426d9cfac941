package dev.vigil.cli;

import dev.vigil.agent.ship.AlertFollower;
import dev.vigil.agent.ship.ShipMode;
import dev.vigil.agent.ship.ShipperConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code vigil agent}'s shipping options: parsed into a config, or refused with a message naming the option (no root needed). */
class AgentShippingOptionsTest {

    @TempDir
    Path dir;

    private static AgentCommand parse(String... args) {
        AgentCommand cmd = new AgentCommand();
        CommandLine cl = new CommandLine(cmd);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.parseArgs(args);
        return cmd;
    }

    @Test
    void withoutServerNothingIsShipped() {
        assertThat(parse().shipping(Map.of("VIGIL_API_KEY", "k-123"))).isNull();
    }

    @Test
    void serverKeyFileBufferAndShipModeMakeTheConfig() throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "secret-key-1\n");
        AgentCommand cmd = parse("--server", "https://vigil.example.com", "--api-key-file", key.toString(), "--state-dir",
                dir.resolve("state").toString(), "--buffer-max", "32MiB", "--ship", "all");
        ShipperConfig c = cmd.shipping(Map.of());
        assertThat(c.apiKey()).isEqualTo("secret-key-1");
        assertThat(c.intakeUri().toString()).isEqualTo("https://vigil.example.com/api/v1/intake/agent");
        assertThat(c.stateDir()).isEqualTo(dir.resolve("state"));
        assertThat(c.bufferDir()).isEqualTo(dir.resolve("state").resolve("buffer"));
        assertThat(c.bufferMaxBytes()).isEqualTo(32L << 20);
        assertThat(cmd.ship).isEqualTo(ShipMode.ALL);
    }

    @Test
    void theKeyComesFromTheEnvironmentWhenThereIsNoFile() {
        ShipperConfig c = parse("--server", "http://127.0.0.1:8080", "--buffer-dir", dir.toString()).shipping(Map.of("VIGIL_API_KEY", "env-key-9"));
        assertThat(c.apiKey()).isEqualTo("env-key-9");
        assertThat(c.bufferDir()).isEqualTo(dir);
        assertThat(c.bufferMaxBytes()).isEqualTo(ShipperConfig.DEFAULT_BUFFER_MAX_BYTES);
        assertThat(c.stateDir()).isEqualTo(Path.of(ShipperConfig.DEFAULT_STATE_DIR));
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> parse("--server", "https://x").shipping(Map.of()))
                .hasMessageContaining("--server needs an API key: --api-key-file FILE, or the VIGIL_API_KEY environment variable");
        assertThatThrownBy(() -> parse("--server", "https://x", "--api-key-file", dir.resolve("nope").toString()).shipping(Map.of()))
                .hasMessageContaining("cannot read the API key file " + dir.resolve("nope"));
        assertThatThrownBy(() -> parse("--buffer-max", "1GiB").shipping(Map.of()))
                .hasMessageContaining("need --server URL");
        assertThatThrownBy(() -> parse("--server", "https://x", "--buffer-max", "12XB").shipping(Map.of("VIGIL_API_KEY", "k-1")))
                .hasMessageContaining("--buffer-max: invalid size '12XB'");
        assertThatThrownBy(() -> parse("--server", "https://x", "--buffer-max", "1KiB").shipping(Map.of("VIGIL_API_KEY", "k-1")))
                .hasMessageContaining("--buffer-max is 1024: must be at least");
        assertThatThrownBy(() -> parse("--server", "ftp://x").shipping(Map.of("VIGIL_API_KEY", "k-1")))
                .hasMessageContaining("--server 'ftp://x' is not an http:// or https:// URL");
    }

    @Test
    void alertedProcessesAreFollowedTenMinutesUnlessToldOtherwise() {
        Map<String, String> env = Map.of("VIGIL_API_KEY", "k-1");
        AgentCommand byDefault = parse("--server", "https://x");
        byDefault.shipping(env);
        assertThat(byDefault.followWindow()).isEqualTo(Duration.ofMinutes(10)).isEqualTo(AlertFollower.DEFAULT_WINDOW);
        AgentCommand longer = parse("--server", "https://x", "--follow-alerts", "30m");
        longer.shipping(env);
        assertThat(longer.followWindow()).isEqualTo(Duration.ofMinutes(30));
        assertThat(parse("--server", "https://x", "--ship", "alerts", "--follow-alerts", "0").followWindow()).isZero();
        assertThat(parse("--server", "https://x", "--follow-alerts", "PT90S").followWindow()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void followAlertsMistakesAreNamed() {
        Map<String, String> env = Map.of("VIGIL_API_KEY", "k-1");
        assertThatThrownBy(() -> parse("--follow-alerts", "5m").shipping(env)).hasMessageContaining("--follow-alerts need --server URL");
        assertThatThrownBy(() -> parse("--server", "https://x", "--ship", "all", "--follow-alerts", "5m").shipping(env))
                .hasMessageContaining("--follow-alerts is for --ship alerts");
        assertThatThrownBy(() -> parse("--server", "https://x", "--follow-alerts", "soon").shipping(env))
                .hasMessageContaining("--follow-alerts: invalid duration 'soon'");
        assertThatThrownBy(() -> parse("--server", "https://x", "--follow-alerts", "PT-5M").shipping(env))
                .hasMessageContaining("--follow-alerts is PT-5M: must not be negative");
    }

    @Test
    void upPassesFollowAlertsToItsAgent() {
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs("--follow-alerts", "2h");
        List<String> args = up.agentArgs("http://127.0.0.1:8650", dir.resolve("key"), dir);
        assertThat(args).containsSequence("--follow-alerts", "2h");
        AgentCommand agent = parse(args.toArray(String[]::new));
        assertThat(agent.followWindow()).isEqualTo(Duration.ofHours(2));

        UpCommand byDefault = new UpCommand();
        new CommandLine(byDefault).parseArgs();
        assertThat(byDefault.agentArgs("http://127.0.0.1:8650", dir.resolve("key"), dir)).doesNotContain("--follow-alerts");
    }

    @Test
    void theCommandRefusesBadShippingOptionsBeforeStartingAnything() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine().execute("agent", "--ship", "all");
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("vigil agent: ").contains("need --server URL");
    }

    @Test
    void sizesTakeBinaryUnits() {
        assertThat(Sizes.parse("256MiB")).isEqualTo(256L << 20);
        assertThat(Sizes.parse("512k")).isEqualTo(512L << 10);
        assertThat(Sizes.parse("1 GB")).isEqualTo(1L << 30);
        assertThat(Sizes.parse("4096")).isEqualTo(4096);
        assertThatThrownBy(() -> Sizes.parse("MiB")).hasMessageContaining("invalid size 'MiB'");
    }
}
