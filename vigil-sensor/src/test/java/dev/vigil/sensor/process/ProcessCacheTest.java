package dev.vigil.sensor.process;

import dev.vigil.model.ContainerInfo;
import dev.vigil.model.FileRef;
import dev.vigil.model.ProcessInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCacheTest {

    @TempDir
    Path proc;

    private ProcessCache cache(int max) {
        return new ProcessCache(new ProcFs(proc, cg -> ContainerInfo.NONE), new UserNames(proc.resolve("x"), proc.resolve("y")), max, 0);
    }

    private static ProcessInfo exec(int pid, int ppid, String path) {
        return new ProcessInfo(pid, ppid, 0, 0, 0, 0, "root", "root", path.substring(path.lastIndexOf('/') + 1),
                FileRef.of(path), FileRef.NONE, List.of(path), false, List.of(), false, "/", "", 0, 0, ContainerInfo.NONE, 1, null);
    }

    @Test
    void bootstrapLinksEveryProcessToItsParentUpToPid1() throws IOException {
        ProcFsTest.fakeProcess(proc, 1, 0, "init", "/sbin/init\0", "");
        ProcFsTest.fakeProcess(proc, 10, 1, "sshd", "/usr/sbin/sshd\0", "");
        ProcFsTest.fakeProcess(proc, 20, 10, "bash", "-bash\0", "");
        ProcessCache cache = cache(4096);
        assertThat(cache.bootstrap()).isEqualTo(3);
        ProcessInfo bash = cache.get(20, "", 0, 0);
        assertThat(bash.ancestors()).extracting(ProcessInfo::pid).containsExactly(10, 1);
    }

    @Test
    void forkCopiesTheParentAndExecReplacesTheProgramKeepingTheParent() throws IOException {
        ProcFsTest.fakeProcess(proc, 1, 0, "init", "/sbin/init\0", "");
        ProcessCache cache = cache(4096);
        cache.bootstrap();
        ProcessInfo child = cache.onFork(50, 1, "init", 0, 0);
        assertThat(child.file().path()).isEqualTo("/sbin/init");
        assertThat(child.parent().pid()).isEqualTo(1);
        ProcessInfo sh = cache.onExec(exec(50, 1, "/bin/sh"));
        assertThat(sh.parent().pid()).isEqualTo(1);
        ProcessInfo cat = cache.onExec(exec(51, 50, "/bin/cat"));
        assertThat(cat.ancestors()).extracting(p -> p.file().path()).containsExactly("/bin/sh", "/sbin/init");
    }

    @Test
    void exitedProcessesStayResolvableForTheGracePeriodThenAreReaped() {
        ProcessCache cache = cache(4096);
        cache.onExec(exec(60, 0, "/bin/sleep"));
        cache.onExit(60, 0);
        assertThat(cache.reap(ProcessCache.EXIT_GRACE_NANOS - 1)).isZero();
        assertThat(cache.find(60)).isNotNull();
        assertThat(cache.reap(ProcessCache.EXIT_GRACE_NANOS)).isEqualTo(1);
        assertThat(cache.find(60)).isNull(); // not in /proc either
    }

    @Test
    void aReusedPidIsNotReapedByItsPredecessorsExit() {
        ProcessCache cache = cache(4096);
        cache.onExec(exec(70, 0, "/bin/old"));
        cache.onExit(70, 0);
        cache.onExec(exec(70, 0, "/bin/new"));
        cache.reap(Long.MAX_VALUE / 2);
        assertThat(cache.find(70).file().path()).isEqualTo("/bin/new");
    }

    @Test
    void theBoundEvictsTheLeastRecentlyUsedAndCountsIt() {
        ProcessCache cache = cache(1024);
        for (int pid = 1; pid <= 1100; pid++) {
            cache.onExec(exec(pid, 0, "/bin/p" + pid));
        }
        assertThat(cache.size()).isEqualTo(1024);
        assertThat(cache.evictions()).isEqualTo(76);
    }

    @Test
    void anUnknownGoneProcessGetsAMinimalEntryFromTheEvent() {
        ProcessCache cache = cache(4096);
        ProcessInfo p = cache.get(4242, "ghost", 1000, 1000);
        assertThat(p.pid()).isEqualTo(4242);
        assertThat(p.comm()).isEqualTo("ghost");
        assertThat(p.uid()).isEqualTo(1000);
        assertThat(cache.procMisses()).isEqualTo(1);
    }
}
