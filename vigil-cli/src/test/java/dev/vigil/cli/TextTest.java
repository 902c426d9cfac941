package dev.vigil.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain-text output of the API commands. */
class TextTest {

    /** Titles and command lines come from monitored hosts: an attacker's escape sequence must reach the terminal inert. */
    @Test
    void controlCharactersFromTheServerAreEscapedButNewlinesAndTabsKept() {
        assertThat(Text.safe("login for \u001b[2J\u001b]0;owned\u0007root\u009b")).isEqualTo("login for \\u001b[2J\\u001b]0;owned\\u0007root\\u009b");
        assertThat(Text.safe("two\nlines\tand tab")).isEqualTo("two\nlines\tand tab");
        StringWriter w = new StringWriter();
        new Text.Table("A", "B").row("x\u001b", "multi\nline").print(new PrintWriter(w, true));
        assertThat(w.toString()).isEqualTo("A        B\nx\\u001b  multi line\n");
    }
}
