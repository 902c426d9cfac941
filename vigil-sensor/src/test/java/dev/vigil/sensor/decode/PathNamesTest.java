package dev.vigil.sensor.decode;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PathNamesTest {

    private static String components(String leafFirstNulTerminated) {
        byte[] b = leafFirstNulTerminated.getBytes(StandardCharsets.UTF_8);
        return PathNames.fromComponents(b, 0, b.length);
    }

    @Test
    void componentsLeafFirstBecomeAnAbsolutePath() {
        assertThat(components("x.txt\0tmp\0")).isEqualTo("/tmp/x.txt");
        assertThat(components("passwd\0etc\0")).isEqualTo("/etc/passwd");
        assertThat(components("")).isEqualTo("/");
        assertThat(components("tmp\0")).isEqualTo("/tmp");
    }

    @Test
    void componentsKeepUnicodeAndSpaces() {
        assertThat(components("füße bar\0dir with space\0")).isEqualTo("/dir with space/füße bar");
    }

    @Test
    void relativePathsResolveAgainstTheirBase() {
        assertThat(PathNames.resolve("/tmp", "a.txt")).isEqualTo("/tmp/a.txt");
        assertThat(PathNames.resolve("/tmp/", "./a.txt")).isEqualTo("/tmp/a.txt");
        assertThat(PathNames.resolve("/srv/app", "../etc/shadow")).isEqualTo("/srv/etc/shadow");
        assertThat(PathNames.resolve("/", "../../etc/passwd")).isEqualTo("/etc/passwd");
        assertThat(PathNames.resolve("/tmp", "/etc//passwd")).isEqualTo("/etc/passwd");
        assertThat(PathNames.resolve("/tmp", "")).isEqualTo("/tmp");
    }

    @Test
    void normalPathsAreReturnedAsIs() {
        String p = "/usr/lib/x86_64-linux-gnu/libc.so.6";
        assertThat(PathNames.normalize(p)).isSameAs(p);
        assertThat(PathNames.normalize("/a/b/")).isEqualTo("/a/b");
        assertThat(PathNames.normalize("/a/./b/..")).isEqualTo("/a");
    }
}
