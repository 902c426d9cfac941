package dev.vigil.cli;

import dev.vigil.agent.Policies;
import dev.vigil.secl.policy.PolicyLoader;
import dev.vigil.secl.policy.Problem;
import dev.vigil.secl.policy.RuleTests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vigil rules}: check and test SECL policies as code. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "Check and test SECL policies (rules as code), e.g. in a repository's CI.",
        subcommands = {RulesCommand.Lint.class, RulesCommand.Test.class})
final class RulesCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "lint", mixinStandardHelpOptions = true,
            description = {"Load policy files and report every error and warning with file:line:column. "
                    + "Exit status 1 if any rule or macro has an error."})
    static final class Lint implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Policy files or directories of *.policy files.")
        List<Path> files;

        @Option(names = "--with-default", description = "Load the default policy first (to check overrides and shared macros).")
        boolean withDefault;

        @Override
        public Integer call() throws IOException {
            List<PolicyLoader.Source> sources = new ArrayList<>();
            if (withDefault) sources.add(Policies.defaultPolicy());
            for (Path p : Policies.files(files)) sources.add(PolicyLoader.Source.of(p));
            PolicyLoader.Result r = PolicyLoader.load(sources);
            for (Problem p : r.problems()) System.out.println(p);
            System.out.println(r.rules().size() + " rules loaded, " + r.errors().size() + " errors, "
                    + r.problems().stream().filter(p -> p.level() == Problem.Level.WARNING).count() + " warnings");
            return r.hasErrors() ? 1 : 0;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Run rule test cases: YAML files of events with the exact set of rules that must fire "
                    + "(see docs/rules.md). Policies: --policy files, else the *.policy files in DIR. "
                    + "Exit status 1 if a case fails or a policy has errors."})
    static final class Test implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "Directory holding the test files (searched recursively).")
        Path dir;

        @Option(names = "--policy", paramLabel = "PATH", description = "Policy file or directory (repeatable).")
        List<Path> policies = new ArrayList<>();

        @Option(names = "--with-default", description = "Load the default policy before the others.")
        boolean withDefault;

        @Option(names = "--require-coverage", description = "Fail if a (non-silent) rule is expected by no case.")
        boolean requireCoverage;

        @Override
        public Integer call() throws IOException {
            List<PolicyLoader.Source> sources = new ArrayList<>();
            if (withDefault) sources.add(Policies.defaultPolicy());
            List<Path> policyPaths = policies.isEmpty() ? List.of(dir) : policies;
            for (Path p : Policies.files(policyPaths)) sources.add(PolicyLoader.Source.of(p));
            if (sources.isEmpty()) {
                System.err.println("vigil rules test: no policy: give --policy or put *.policy files in " + dir);
                return 2;
            }
            if (!Files.isDirectory(dir)) {
                System.err.println("vigil rules test: " + dir + " is not a directory");
                return 2;
            }
            PolicyLoader.Result loaded = PolicyLoader.load(sources);
            for (Problem p : loaded.problems()) {
                if (p.level() != Problem.Level.INFO) System.out.println(p);
            }
            RuleTests.Report report = RuleTests.run(loaded.rules(), dir);
            for (Problem p : report.problems()) System.out.println(p);
            long passed = 0, failed = 0;
            for (RuleTests.CaseResult c : report.cases()) {
                if (c.passed()) {
                    passed++;
                } else {
                    failed++;
                    System.out.println("FAIL " + c.describe());
                }
            }
            boolean coverageFails = requireCoverage && !report.rulesNeverExpected().isEmpty();
            if (!report.rulesNeverExpected().isEmpty()) {
                System.out.println((requireCoverage ? "FAIL" : "note") + ": rules no case expects: "
                        + String.join(", ", report.rulesNeverExpected()));
            }
            System.out.println(loaded.rules().size() + " rules, " + report.cases().size() + " cases");
            System.out.println(passed + " passed, " + failed + " failed");
            return failed > 0 || loaded.hasErrors() || !report.problems().isEmpty() || coverageFails ? 1 : 0;
        }
    }
}
