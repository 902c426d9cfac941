package dev.vigil.detect.query;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class WildcardTest {

    /** A pattern where every '*' and '?' is a wildcard. */
    private static Wildcard of(String pattern, boolean contains, boolean ignoreCase) {
        StringBuilder kinds = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            kinds.append(c == '*' ? Wildcard.STAR : c == '?' ? Wildcard.ONE : Wildcard.LITERAL);
        }
        return new Wildcard(pattern, kinds.toString(), contains, ignoreCase);
    }

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "/usr/bin/*,  /usr/bin/curl,     true",   // prefix
            "/usr/bin/*,  /usr/bin/,         true",
            "/usr/bin/*,  /usr/sbin/x,       false",
            "*.sh,        /tmp/x.sh,         true",   // suffix
            "*.sh,        /tmp/x.shx,        false",
            "*miner*,     /opt/xmrig-miner,  true",   // infix
            "*miner*,     /opt/xmrig,        false",
            "/usr/*/p*3,  /usr/bin/python3,  true",   // general
            "/usr/*/p*3,  /usr/bin/python,   false",
            "a*b*c,       abxbxc,            true",
            "a*b*c,       acb,               false",
            "web-?,       web-1,             true",
            "web-?,       web-10,            false",
            "?,           日,                true",
            "??,          \uD835\uDD18\uD835\uDD2B, true", // two code points outside the BMP
            "*,           '',                true",
            "a**b,        ab,                true",
            "exact,       exact,             true",
            "exact,       exacts,            false",
    })
    void wholeValueMatching(String pattern, String value, boolean expected) {
        assertThat(of(pattern, false, false).matches(value, 0)).isEqualTo(expected);
    }

    @Test
    void matchesFromAnOffset() {
        assertThat(of("pr*", false, false).matches("env:prod", 4)).isTrue();
        assertThat(of("env*", false, false).matches("env:prod", 4)).isFalse();
        assertThat(of("prod", false, false).matches("env:prod", 4)).isTrue();
    }

    @Test
    void containsModeIgnoringCase() {
        Wildcard w = of("Failed PASS*", true, true);
        assertThat(w.matches("sshd: failed password for root", 0)).isTrue();
        assertThat(w.matches("failed login", 0)).isFalse();
        assertThat(of("échec", true, true).matches("ÉCHEC de connexion", 0)).isTrue();
        assertThat(of("x?z", true, true).matches("..XYZ..", 0)).isTrue();
    }

    @Test
    void escapedWildcardsAreLiteral() {
        Wildcard w = new Wildcard("a*b", "LLL", false, false);
        assertThat(w.matches("a*b", 0)).isTrue();
        assertThat(w.matches("axb", 0)).isFalse();
        assertThat(w.hasWildcards()).isFalse();
    }

    /** Star backtracking stays linear in practice: this would take ages with naive recursion. */
    @Test
    void pathologicalPatternsStayFast() {
        Wildcard w = of("a*a*a*a*a*a*a*a*a*b", false, false);
        String value = "a".repeat(10_000);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThat(w.matches(value, 0)).isFalse());
    }
}
