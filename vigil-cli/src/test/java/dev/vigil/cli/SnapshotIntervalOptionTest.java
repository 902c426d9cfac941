package dev.vigil.cli;

import dev.vigil.server.ServerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code vigil server --snapshot-interval}: the server's default unless given; 0 turns detection state snapshots off. */
class SnapshotIntervalOptionTest {

    @Test
    void theServersDefaultUnlessGivenAndZeroTurnsSnapshotsOff() {
        assertThat(Durations.parse(SecureCookiesOptionTest.parse("server").snapshotInterval)).isEqualTo(ServerConfig.SNAPSHOT_INTERVAL);
        assertThat(Durations.parse(SecureCookiesOptionTest.parse("server", "--snapshot-interval", "5m").snapshotInterval))
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse(SecureCookiesOptionTest.parse("server", "--snapshot-interval", "0").snapshotInterval)).isZero();
        assertThatThrownBy(() -> Durations.parse("soon")).isInstanceOf(ParameterException.class).hasMessageContaining("invalid duration 'soon'");
        assertThat(Main.commandLine().getSubcommands().get("server").getUsageMessage()).contains("--snapshot-interval").contains("state.snap");
    }
}
