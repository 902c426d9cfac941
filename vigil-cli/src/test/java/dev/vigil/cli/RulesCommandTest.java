package dev.vigil.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** vigil rules lint / test, as a CI job would run them. */
class RulesCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out) {}

    private static Run vigil(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.commandLine().execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void lintReportsEveryProblemWithItsPositionAndFailsOnErrors() throws Exception {
        Path p = Files.writeString(dir.resolve("x.policy"), """
                rules:
                  - id: good
                    expression: exec.file.name == "nc"
                  - id: bad
                    expression: exec.file.name == nc
                """);
        Run r = vigil("rules", "lint", p.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains(p + ":5:35: error [compile] bad: 'nc' is not")
                .doesNotContain("[compile] good").contains("1 rules loaded, 1 errors");
        Files.writeString(p, "rules:\n  - id: good\n    expression: exec.file.name == \"nc\"\n");
        assertThat(vigil("rules", "lint", p.toString()).code()).isZero();
    }

    @Test
    void testRunsCasesAndEndsWithPassedAndFailedCounts() throws Exception {
        Files.writeString(dir.resolve("p.policy"), """
                rules:
                  - id: netcat
                    expression: exec.file.name in ["nc", "ncat"]
                """);
        Files.createDirectories(dir.resolve("tests"));
        Files.writeString(dir.resolve("tests/netcat.yaml"), """
                cases:
                  - name: nc runs
                    events: [{type: exec, process: {file: {path: /bin/nc, name: nc}}}]
                    expect: [netcat]
                  - name: cat is not nc
                    events: [{type: exec, process: {file: {path: /bin/cat, name: cat}}}]
                    expect: []
                """);
        Run ok = vigil("rules", "test", dir.toString(), "--require-coverage");
        assertThat(ok.code()).as(ok.out()).isZero();
        assertThat(ok.out()).endsWith("2 passed, 0 failed\n");
        Files.writeString(dir.resolve("tests/wrong.yaml"), """
                cases:
                  - name: wrong expectation
                    events: [{type: exec, process: {file: {name: ncat}}}]
                    expect: []
                """);
        Run bad = vigil("rules", "test", dir.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("FAIL " + dir.resolve("tests/wrong.yaml") + ":2: wrong expectation: expected [], fired [netcat] (unexpected: netcat)")
                .endsWith("2 passed, 1 failed\n");
    }
}
