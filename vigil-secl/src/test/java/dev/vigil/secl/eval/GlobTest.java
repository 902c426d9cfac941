package dev.vigil.secl.eval;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GlobTest {

    @Test
    void onPathsAStarStaysWithinASegmentAndADoubleStarCrossesThem() {
        Glob g = Glob.compile("/home/*/.aws/credentials", true);
        assertThat(g.matches("/home/alice/.aws/credentials")).isTrue();
        assertThat(g.matches("/home/a/b/.aws/credentials")).isFalse();
        assertThat(g.matches("/home/alice/.aws/credentials.bak")).isFalse();
        Glob any = Glob.compile("/**/docker.sock", true);
        assertThat(any.matches("/run/docker.sock")).isTrue();
        assertThat(any.matches("/var/run/podman/docker.sock")).isTrue();
        assertThat(any.matches("/run/docker.socket")).isFalse();
        Glob keys = Glob.compile("/etc/ssh/ssh_host_*_key", true);
        assertThat(keys.matches("/etc/ssh/ssh_host_ed25519_key")).isTrue();
        assertThat(keys.matches("/etc/ssh/ssh_host_ed25519_key.pub")).isFalse();
        Glob hidden = Glob.compile("/tmp/**/.*", true);
        assertThat(hidden.matches("/tmp/a/b/.x")).isTrue();
        assertThat(hidden.matches("/tmp/a/b/x")).isFalse();
        assertThat(Glob.compile("/etc/cron.d/*", true).matches("/etc/cron.d/x/y")).isFalse();
    }

    @Test
    void elsewhereAStarMatchesAnything() {
        assertThat(Glob.compile("*xmr*pool*", false).matches("a.xmr-eu.pool.io")).isTrue();
        assertThat(Glob.compile("*.timer", false).matches("backup.timer")).isTrue();
        assertThat(Glob.compile("stratum+tcp://*", false).matches("stratum+tcp://1.2.3.4:3333")).isTrue();
        assertThat(Glob.compile("a*b*c", false).matches("a/x/b/y/c")).isTrue();
        assertThat(Glob.compile("a*b*c", false).matches("a/x/b/y/d")).isFalse();
    }
}
