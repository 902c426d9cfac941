package dev.vigil.agent.ship;

import dev.vigil.model.ContainerInfo;
import dev.vigil.model.Event;
import dev.vigil.model.FileRef;
import dev.vigil.model.HostInfo;
import dev.vigil.model.Payload;
import dev.vigil.model.ProcessInfo;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AlertFollower} with process chains built the way the sensor's process cache builds them: a
 * fork copies its parent (exec time included) and links to it, an exec makes a new entry with the
 * same pid and parent.
 */
class AlertFollowerTest {

    private static final long S = 1_000_000_000L;
    private static final Duration WINDOW = Duration.ofMinutes(10);

    private final ProcessInfo init = exec(1, null, 0, "/sbin/init");
    private final ProcessInfo sshd = exec(100, init, S, "/usr/sbin/sshd");

    private static ProcessInfo exec(int pid, ProcessInfo parent, long execTime, String path) {
        return new ProcessInfo(pid, parent == null ? 0 : parent.pid(), 0, 0, 0, 0, "root", "root", path.substring(path.lastIndexOf('/') + 1),
                FileRef.of(path), FileRef.NONE, List.of(path), false, List.of(), false, "/", "", 0, 0, ContainerInfo.NONE, execTime, parent);
    }

    /** As the process cache does on fork: the parent's copy (its exec time too) with its own pid. */
    private static ProcessInfo fork(ProcessInfo parent, int pid) {
        return new ProcessInfo(pid, parent.pid(), 0, 0, 0, 0, "root", "root", parent.comm(), parent.file(), FileRef.NONE, parent.argv(),
                false, List.of(), false, "/", "", 0, 0, ContainerInfo.NONE, parent.execTime(), parent);
    }

    /** The same process after it execs {@code path} at {@code time}: same pid and parent. */
    private static ProcessInfo reexec(ProcessInfo p, long time, String path) {
        return exec(p.pid(), p.parent(), time, path);
    }

    private static Event execEvent(ProcessInfo p) {
        return new Event(p.execTime(), p.pid(), HostInfo.NONE, p, Payload.Exec.INSTANCE);
    }

    private static Event open(long time, ProcessInfo p) {
        return new Event(time, p.pid(), HostInfo.NONE, p, new Payload.Open(FileRef.of("/etc/passwd"), 0, 0, 3));
    }

    private static Event exit(long time, ProcessInfo p) {
        return new Event(time, p.pid(), HostInfo.NONE, p, new Payload.Exit("EXITED", 0));
    }

    @Test
    void nothingIsFollowedBeforeAnAlert() {
        AlertFollower f = new AlertFollower(WINDOW, () -> true);
        assertThat(f.follows(open(2 * S, sshd))).isFalse();
        assertThat(f.stats()).isEqualTo(new AlertFollower.Stats(0, 0, 0, 0, 0, 0));
    }

    @Test
    void theAlertedProcessAndItsDescendantsAreFollowedNotItsAncestorsOrSiblings() {
        AlertFollower f = new AlertFollower(WINDOW, () -> true);
        ProcessInfo shell = exec(200, sshd, 10 * S, "/bin/sh");
        ProcessInfo sibling = exec(300, sshd, 11 * S, "/bin/bash");
        f.onAlert(execEvent(shell));

        ProcessInfo child = fork(shell, 201);
        ProcessInfo cat = reexec(child, 12 * S, "/bin/cat");
        ProcessInfo grandchild = exec(202, cat, 13 * S, "/bin/true");
        assertThat(f.follows(open(11 * S, shell))).isTrue();
        assertThat(f.follows(new Event(11 * S, 201, HostInfo.NONE, child, Payload.Fork.INSTANCE))).isTrue();
        assertThat(f.follows(execEvent(cat))).isTrue();
        assertThat(f.follows(execEvent(grandchild))).isTrue();

        assertThat(f.follows(open(12 * S, sshd))).as("the alerted process's parent").isFalse();
        assertThat(f.follows(execEvent(sibling))).as("a sibling").isFalse();
        assertThat(f.follows(execEvent(exec(400, sibling, 14 * S, "/bin/id")))).as("a sibling's child").isFalse();
        assertThat(f.stats()).isEqualTo(new AlertFollower.Stats(1, 1, 0, 4, 0, 0));
    }

    @Test
    void anEarlierProgramOfTheSamePidIsNotTheAlertedProcess() {
        AlertFollower f = new AlertFollower(WINDOW, () -> true);
        ProcessInfo bash = exec(200, sshd, 5 * S, "/bin/bash");
        ProcessInfo forkedBeforeTheExec = exec(201, bash, 6 * S, "/bin/sleep"); // its parent link: bash, before it exec'd python
        ProcessInfo python = reexec(bash, 10 * S, "/usr/bin/python3");
        f.onAlert(execEvent(python));

        assertThat(f.follows(open(11 * S, python))).isTrue();
        assertThat(f.follows(open(11 * S, forkedBeforeTheExec))).as("child of the program before the alerted exec").isFalse();
        assertThat(f.follows(open(11 * S, exec(202, python, 11 * S, "/bin/id")))).isTrue();
    }

    @Test
    void theAlertedProcessIsStillFollowedAfterItExecsAgain() {
        AlertFollower f = new AlertFollower(WINDOW, () -> true);
        ProcessInfo shell = exec(200, sshd, 10 * S, "/bin/sh");
        f.onAlert(open(10 * S, shell));
        ProcessInfo nc = reexec(shell, 20 * S, "/usr/bin/nc");
        assertThat(f.follows(execEvent(nc))).isTrue();
        assertThat(f.follows(execEvent(exec(201, nc, 21 * S, "/bin/sh")))).isTrue();
        assertThat(f.stats().followedEvents()).isEqualTo(2);
    }

    @Test
    void afterTheExitOnlyInstancesThatStartedBeforeItCount() {
        AlertFollower f = new AlertFollower(WINDOW, () -> true);
        ProcessInfo shell = exec(200, sshd, 10 * S, "/bin/sh");
        f.onAlert(execEvent(shell));
        ProcessInfo orphan = exec(201, shell, 15 * S, "/bin/sleep"); // still linked to the shell after it exits

        assertThat(f.follows(exit(20 * S, shell))).as("the exit is the alerted process's own event").isTrue();
        assertThat(f.follows(open(25 * S, orphan))).as("a child that outlives it").isTrue();

        ProcessInfo reused = exec(200, init, 30 * S, "/usr/bin/unrelated");
        assertThat(f.follows(execEvent(reused))).as("a later process with the same pid").isFalse();
        assertThat(f.follows(execEvent(exec(300, reused, 31 * S, "/bin/true")))).as("its child").isFalse();
        assertThat(f.follows(exit(32 * S, reused))).isFalse();
        assertThat(f.follows(open(33 * S, orphan))).as("the exit of the pid's new owner changes nothing").isTrue();
    }

    @Test
    void withoutTheExitEventAPidReusedByAnExecLaterIsTakenForTheAlertedProcess() {
        // documents the limit: if the exit is lost (ring buffer overrun), exec time alone cannot tell
        AlertFollower f = new AlertFollower(WINDOW, () -> true);
        f.onAlert(execEvent(exec(200, sshd, 10 * S, "/bin/sh")));
        assertThat(f.follows(execEvent(exec(200, init, 30 * S, "/usr/bin/other")))).isTrue();
    }

    @Test
    void twoProcessesWithTheSamePidAreTwoRootsEachWithItsOwnTreeAndBudget() {
        AlertFollower f = new AlertFollower(WINDOW, 8, 1, () -> true);
        ProcessInfo first = exec(200, sshd, 10 * S, "/bin/sh");
        f.onAlert(execEvent(first));
        ProcessInfo firstChild = exec(201, first, 11 * S, "/bin/sleep");
        f.follows(exit(20 * S, first)); // its one event
        ProcessInfo second = exec(200, init, 30 * S, "/bin/sh");
        f.onAlert(execEvent(second));
        assertThat(f.stats().rootsStarted()).isEqualTo(2);

        assertThat(f.follows(open(31 * S, firstChild))).as("the first's budget is used up").isFalse();
        assertThat(f.follows(open(31 * S, exec(300, second, 31 * S, "/bin/id")))).as("charged to the second").isTrue();
        assertThat(f.stats()).isEqualTo(new AlertFollower.Stats(2, 2, 0, 2, 1, 0));
    }

    @Test
    void followingEndsWithTheWindowByEventTime() {
        AlertFollower f = new AlertFollower(Duration.ofSeconds(60), () -> true);
        ProcessInfo shell = exec(200, sshd, 10 * S, "/bin/sh");
        f.onAlert(execEvent(shell));
        assertThat(f.follows(open(70 * S, shell))).as("at the end of the window").isTrue();
        assertThat(f.follows(open(70 * S + 1, shell))).isFalse();
        assertThat(f.stats().roots()).isZero();
        assertThat(f.follows(open(71 * S, exec(201, shell, 71 * S, "/bin/true")))).isFalse();

        f.onAlert(open(80 * S, shell));
        assertThat(f.stats().rootsStarted()).as("an alert after the window follows afresh").isEqualTo(2);
        assertThat(f.follows(open(81 * S, shell))).isTrue();
    }

    @Test
    void theOldestRootIsEvictedPastTheBound() {
        AlertFollower f = new AlertFollower(WINDOW, () -> true);
        ProcessInfo[] shells = new ProcessInfo[AlertFollower.MAX_ROOTS + 1];
        for (int i = 0; i < shells.length; i++) {
            shells[i] = exec(1000 + i, sshd, 10 * S + i, "/bin/sh");
            f.onAlert(execEvent(shells[i]));
        }
        assertThat(f.stats()).isEqualTo(new AlertFollower.Stats(AlertFollower.MAX_ROOTS, AlertFollower.MAX_ROOTS + 1, 1, 0, 0, 0));
        assertThat(f.follows(open(20 * S, shells[0]))).isFalse();
        for (int i = 1; i < shells.length; i++) {
            assertThat(f.follows(open(20 * S, exec(5000 + i, shells[i], 20 * S, "/bin/true")))).as("root %d", i).isTrue();
        }
    }

    @Test
    void eachRootShipsAtMostItsBudgetAndCountsTheRest() {
        AlertFollower f = new AlertFollower(WINDOW, AlertFollower.MAX_ROOTS, 5, () -> true);
        ProcessInfo shell = exec(200, sshd, 10 * S, "/bin/sh");
        f.onAlert(execEvent(shell));
        ProcessInfo child = exec(201, shell, 11 * S, "/bin/bash");
        int shipped = 0;
        for (int i = 0; i < 8; i++) {
            if (f.follows(open(12 * S + i, child))) shipped++;
        }
        assertThat(shipped).isEqualTo(5);
        assertThat(f.stats()).isEqualTo(new AlertFollower.Stats(1, 1, 0, 5, 3, 0));
    }

    @Test
    void withoutSpareRoomInTheShippingQueueFollowedEventsAreShedNotChargedToTheBudget() {
        boolean[] room = {true};
        AlertFollower f = new AlertFollower(WINDOW, AlertFollower.MAX_ROOTS, 2, () -> room[0]);
        ProcessInfo shell = exec(200, sshd, 10 * S, "/bin/sh");
        f.onAlert(execEvent(shell));
        assertThat(f.follows(open(11 * S, shell))).isTrue();
        room[0] = false;
        assertThat(f.follows(open(12 * S, shell))).isFalse();
        assertThat(f.follows(open(12 * S, sshd))).as("not followed: nothing to shed").isFalse();
        room[0] = true;
        assertThat(f.follows(open(13 * S, shell))).isTrue();
        assertThat(f.follows(open(14 * S, shell))).isFalse();
        assertThat(f.stats()).isEqualTo(new AlertFollower.Stats(1, 1, 0, 2, 1, 1));
    }

    @Test
    void anAlertInsideAFollowedTreeAddsNoRootUnlessThatTreeUsedUpItsBudget() {
        AlertFollower f = new AlertFollower(WINDOW, AlertFollower.MAX_ROOTS, 2, () -> true);
        ProcessInfo shell = exec(200, sshd, 10 * S, "/bin/sh");
        f.onAlert(execEvent(shell));
        ProcessInfo child = exec(201, shell, 11 * S, "/bin/bash");
        f.onAlert(execEvent(child));
        f.onAlert(open(11 * S, shell));
        assertThat(f.stats().rootsStarted()).isEqualTo(1);

        assertThat(f.follows(open(12 * S, child))).isTrue();
        assertThat(f.follows(open(12 * S, shell))).isTrue();
        assertThat(f.follows(open(12 * S, child))).isFalse();
        ProcessInfo nc = exec(202, child, 13 * S, "/usr/bin/nc");
        f.onAlert(execEvent(nc));
        assertThat(f.stats().rootsStarted()).as("below an exhausted tree").isEqualTo(2);
        assertThat(f.follows(open(14 * S, exec(203, nc, 14 * S, "/bin/sh")))).as("charged to the nearer root").isTrue();
        assertThat(f.follows(open(14 * S, child))).as("still the exhausted one's").isFalse();
    }

    @Test
    void anAlertOnPidOneFollowsNothing() {
        AlertFollower f = new AlertFollower(WINDOW, () -> true);
        f.onAlert(open(10 * S, init));
        assertThat(f.stats().rootsStarted()).isZero();
        assertThat(f.follows(open(11 * S, sshd))).isFalse();
    }

    @Test
    void theAncestryWalkStopsAtMaxAncestors() {
        AlertFollower f = new AlertFollower(WINDOW, () -> true);
        ProcessInfo top = exec(200, sshd, 10 * S, "/bin/sh");
        f.onAlert(execEvent(top));
        ProcessInfo p = top;
        for (int i = 1; i <= ProcessInfo.MAX_ANCESTORS; i++) p = exec(1000 + i, p, 11 * S, "/bin/sh");
        assertThat(f.follows(open(12 * S, p))).as("the root is the %dth ancestor", ProcessInfo.MAX_ANCESTORS).isTrue();
        ProcessInfo deeper = exec(5000, p, 11 * S, "/bin/sh");
        assertThat(f.follows(open(12 * S, deeper))).as("one level further").isFalse();
    }

    @Test
    void judgingAnEventAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AlertFollower f = new AlertFollower(WINDOW, AlertFollower.MAX_ROOTS, Integer.MAX_VALUE, () -> true);
        for (int i = 0; i < 500; i++) f.onAlert(execEvent(exec(10_000 + i, sshd, 10 * S, "/bin/sh")));
        ProcessInfo deep = sshd;
        for (int i = 0; i < 40; i++) deep = exec(20_000 + i, deep, 11 * S, "/bin/sh");
        Event unrelated = open(12 * S, deep);
        Event followed = open(12 * S, exec(30_000, exec(29_999, exec(10_250, sshd, 11 * S, "/bin/sh"), 11 * S, "/bin/sh"), 11 * S, "/bin/id"));
        long n = 0;
        for (int i = 0; i < 200_000; i++) n += (f.follows(unrelated) ? 1 : 0) + (f.follows(followed) ? 1 : 0); // warm up, JIT
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++) n += (f.follows(unrelated) ? 1 : 0) + (f.follows(followed) ? 1 : 0);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(n).isEqualTo(1_200_000);
        assertThat(allocated).as("bytes allocated for 2,000,000 events").isLessThan(64 * 1024);
    }

    @Test
    void thePidTableAgreesWithAHashMapThroughInsertsAndRemovals() {
        AlertFollower.PidTable t = new AlertFollower.PidTable(64);
        Map<Integer, Object> ref = new HashMap<>();
        Random r = new Random(42);
        for (int step = 0; step < 200_000; step++) {
            int pid = 2 + r.nextInt(r.nextBoolean() ? 200 : 4_000_000); // dense runs and spread pids
            if (ref.size() < 64 && r.nextInt(3) > 0) {
                t.put(pid, null);
                ref.put(pid, null);
            } else if (r.nextBoolean() && !ref.isEmpty()) {
                int victim = ref.keySet().iterator().next();
                t.remove(victim);
                ref.remove(victim);
            } else {
                t.remove(pid);
                ref.remove(pid);
            }
            if (step % 97 == 0) {
                for (int k : ref.keySet()) assertThat(t.contains(k)).as("pid %d at step %d", k, step).isTrue();
            }
            assertThat(t.contains(pid)).isEqualTo(ref.containsKey(pid));
        }
    }
}
