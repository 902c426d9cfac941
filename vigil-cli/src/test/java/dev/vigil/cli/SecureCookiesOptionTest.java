package dev.vigil.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code vigil server --secure-cookies}: the console's session cookie is marked Secure only when asked. */
class SecureCookiesOptionTest {

    @Test
    void offUnlessGiven() {
        CommandLine server = Main.commandLine().getSubcommands().get("server");
        server.parseArgs();
        assertThat(((ServerCommand) server.getCommand()).secureCookies).isFalse();
        server.parseArgs("--secure-cookies");
        assertThat(((ServerCommand) server.getCommand()).secureCookies).isTrue();
        assertThat(server.getUsageMessage()).contains("--secure-cookies").contains("HTTPS");
    }
}
