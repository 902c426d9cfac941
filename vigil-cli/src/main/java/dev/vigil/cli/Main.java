package dev.vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code vigil} command. */
@Command(name = "vigil",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Runtime security for Linux hosts and containers.",
                "",
                "Vigil watches what processes do at the kernel level (eBPF), with the context a "
                        + "responder needs: process ancestry with command lines, capabilities, environment "
                        + "variable names, container image and tag, host tags.",
                ""},
        subcommands = {AgentCommand.class, EventsCommand.class, RulesCommand.class, ServerCommand.class, UpCommand.class, ReplayCommand.class,
                SignalsCommand.class, DetectionRulesCommand.class, SuppressionsCommand.class, ApiKeysCommand.class, UsersCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Run 'vigil help COMMAND' for a command's options. Documentation: README.md and docs/."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setUsageHelpAutoWidth(true);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
