package dev.vigil.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessInfoTest {

    private static ProcessInfo withArgv(List<String> argv) {
        return new ProcessInfo(10, 1, 0, 0, 0, 0, "", "", "x", FileRef.of("/bin/x"), null, argv, false, null, false,
                null, null, 0, 0, null, 0, null);
    }

    @Test
    void argsExcludeArgv0() {
        ProcessInfo p = withArgv(List.of("/bin/sh", "-c", "echo 'a b'"));
        assertThat(p.argv0()).isEqualTo("/bin/sh");
        assertThat(p.args()).containsExactly("-c", "echo 'a b'");
        assertThat(p.argsLine()).isEqualTo("-c echo 'a b'");
        assertThat(p.argv()).hasSize(3);
    }

    @Test
    void argv0AloneHasNoArgs() {
        ProcessInfo p = withArgv(List.of("top"));
        assertThat(p.argv0()).isEqualTo("top");
        assertThat(p.args()).isEmpty();
        assertThat(p.argsLine()).isEmpty();
    }

    @Test
    void emptyOrMissingArgvReadsAsEmpty() {
        for (ProcessInfo p : List.of(withArgv(List.of()), withArgv(null), ProcessInfo.NONE)) {
            assertThat(p.argv()).isEmpty();
            assertThat(p.argv0()).isEmpty();
            assertThat(p.args()).isEmpty();
            assertThat(p.argsLine()).isEmpty();
        }
    }

    @Test
    void emptyArgumentsAreKeptAndJoinedWithSpaces() {
        ProcessInfo p = withArgv(List.of("printf", "", "%s\n", ""));
        assertThat(p.args()).containsExactly("", "%s\n", "");
        assertThat(p.argsLine()).isEqualTo(" %s\n ");
    }

    @Test
    void argvIsAnImmutableCopy() {
        List<String> argv = new ArrayList<>(List.of("ls", "-l"));
        ProcessInfo p = withArgv(argv);
        argv.add("/etc");
        assertThat(p.argv()).containsExactly("ls", "-l");
        assertThatThrownBy(() -> p.argv().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.args().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nullsBecomeEmptyValues() {
        ProcessInfo p = new ProcessInfo(1, 0, 0, 0, 0, 0, null, null, null, null, null, null, false, null, false,
                null, null, 0, 0, null, 0, null);
        assertThat(p.user()).isEmpty();
        assertThat(p.group()).isEmpty();
        assertThat(p.comm()).isEmpty();
        assertThat(p.file()).isEqualTo(FileRef.NONE);
        assertThat(p.interpreter()).isEqualTo(FileRef.NONE);
        assertThat(p.envs()).isEmpty();
        assertThat(p.cwd()).isEmpty();
        assertThat(p.tty()).isEmpty();
        assertThat(p.container()).isEqualTo(ContainerInfo.NONE);
        assertThat(p.parent()).isNull();
    }

    @Test
    void ancestorsAreNearestFirst() {
        ProcessInfo p = SampleEvents.process();
        assertThat(p.ancestors()).extracting(ProcessInfo::comm).containsExactly("start.sh", "bash", "conmon");
        assertThat(p.ancestors().getFirst()).isSameAs(p.parent());
        assertThat(p.parent().ancestors()).extracting(ProcessInfo::comm).containsExactly("bash", "conmon");
        assertThat(ProcessInfo.NONE.ancestors()).isEmpty();
    }

    @Test
    void ancestorsAreCutAtMaxAncestors() {
        ProcessInfo p = chain(500);
        List<ProcessInfo> ancestors = p.ancestors();
        assertThat(ProcessInfo.MAX_ANCESTORS).isEqualTo(128);
        assertThat(ancestors).hasSize(128);
        assertThat(ancestors.getFirst().pid()).isEqualTo(499);
        assertThat(ancestors.getLast().pid()).isEqualTo(500 - 128);
        assertThat(chain(129).ancestors()).hasSize(128);
        assertThat(chain(128).ancestors()).hasSize(127);
    }

    private static ProcessInfo chain(int depth) {
        ProcessInfo p = null;
        for (int pid = 1; pid <= depth; pid++) {
            p = new ProcessInfo(pid, pid - 1, 0, 0, 0, 0, "", "", "", FileRef.NONE, null, List.of(), false, List.of(),
                    false, "", "", 0, 0, null, 0, p);
        }
        return p;
    }

    @Test
    void withParentKeepsEverythingElse() {
        ProcessInfo p = SampleEvents.process();
        ProcessInfo newParent = SampleEvents.victim();
        ProcessInfo q = p.withParent(newParent);
        assertThat(q.parent()).isSameAs(newParent);
        assertSameExcept(p, q, "parent");
    }

    @Test
    void withCredentialsKeepsEverythingElse() {
        ProcessInfo p = SampleEvents.process();
        ProcessInfo q = p.withCredentials(0, 27, 0, 27, "root", "sudo");
        assertThat(List.of(q.uid(), q.gid(), q.euid(), q.egid())).containsExactly(0, 27, 0, 27);
        assertThat(q.user()).isEqualTo("root");
        assertThat(q.group()).isEqualTo("sudo");
        assertSameExcept(p, q, "uid", "gid", "euid", "egid", "user", "group");
    }

    @Test
    void withCapabilitiesKeepsEverythingElse() {
        ProcessInfo p = SampleEvents.process();
        ProcessInfo q = p.withCapabilities(1L << 21, 1L << 40);
        assertThat(q.capEffective()).isEqualTo(1L << 21);
        assertThat(q.capPermitted()).isEqualTo(1L << 40);
        assertSameExcept(p, q, "capEffective", "capPermitted");
    }

    @Test
    void withContainerKeepsEverythingElse() {
        ProcessInfo p = SampleEvents.process();
        ContainerInfo c = new ContainerInfo("ab".repeat(32), "db", "postgres", "17", "docker", 5);
        ProcessInfo q = p.withContainer(c);
        assertThat(q.container()).isSameAs(c);
        assertSameExcept(p, q, "container");
    }

    /** Compares every record component except {@code changed}; the parent by identity. */
    private static void assertSameExcept(ProcessInfo a, ProcessInfo b, String... changed) {
        List<String> skip = List.of(changed);
        int compared = 0;
        for (var c : ProcessInfo.class.getRecordComponents()) {
            if (skip.contains(c.getName())) {
                continue;
            }
            try {
                Object va = c.getAccessor().invoke(a);
                Object vb = c.getAccessor().invoke(b);
                if (c.getName().equals("parent")) {
                    assertThat(vb).as(c.getName()).isSameAs(va);
                } else {
                    assertThat(vb).as(c.getName()).isEqualTo(va);
                }
                compared++;
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        assertThat(compared).isEqualTo(ProcessInfo.class.getRecordComponents().length - skip.size());
    }

    @Test
    void toStringDoesNotPrintTheAncestry() {
        String s = SampleEvents.process().toString();
        assertThat(s).contains("pid=4343").contains("/usr/bin/curl").doesNotContain("conmon");
    }
}
