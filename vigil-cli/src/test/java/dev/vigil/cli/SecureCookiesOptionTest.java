package dev.vigil.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code vigil server --secure-cookies}: the console's session cookie is marked Secure only when asked. */
class SecureCookiesOptionTest {

    static ServerCommand parse(String... args) {
        return (ServerCommand) Main.commandLine().parseArgs(args).subcommand().commandSpec().userObject();
    }

    @Test
    void offUnlessGiven() {
        assertThat(parse("server").secureCookies).isFalse();
        assertThat(parse("server", "--secure-cookies").secureCookies).isTrue();
        assertThat(Main.commandLine().getSubcommands().get("server").getUsageMessage()).contains("--secure-cookies").contains("HTTPS");
    }
}
