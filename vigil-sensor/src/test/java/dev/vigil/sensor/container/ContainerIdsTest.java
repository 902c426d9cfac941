package dev.vigil.sensor.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContainerIdsTest {

    static final String ID = "f1abd6f17f521d83f479f1269bcb499365bdefea0931d3f17c1cc391f9b67672";

    @Test
    void podmanCgroupfsNameIsPodman() {
        assertThat(ContainerIds.fromCgroupName("libpod-" + ID)).isEqualTo(new ContainerRef(ID, "podman"));
    }

    @Test
    void podmanSystemdScopeIsPodman() {
        assertThat(ContainerIds.fromCgroupName("libpod-" + ID + ".scope")).isEqualTo(new ContainerRef(ID, "podman"));
    }

    @Test
    void dockerSystemdScopeIsDocker() {
        assertThat(ContainerIds.fromCgroupName("docker-" + ID + ".scope")).isEqualTo(new ContainerRef(ID, "docker"));
    }

    @Test
    void bareIdDirectoryIsDocker() {
        assertThat(ContainerIds.fromCgroupName(ID)).isEqualTo(new ContainerRef(ID, "docker"));
    }

    @Test
    void containerdScopeIsContainerd() {
        assertThat(ContainerIds.fromCgroupName("cri-containerd-" + ID + ".scope"))
                .isEqualTo(new ContainerRef(ID, "containerd"));
    }

    @Test
    void crioScopeIsCrio() {
        assertThat(ContainerIds.fromCgroupName("crio-" + ID + ".scope")).isEqualTo(new ContainerRef(ID, "cri-o"));
    }

    /** conmon runs on the host, outside the container's namespaces: its processes are host processes. */
    @ParameterizedTest
    @ValueSource(strings = {"libpod-conmon-", "crio-conmon-"})
    void conmonMonitorsAreNotInsideTheContainer(String prefix) {
        assertThat(ContainerIds.fromCgroupName(prefix + ID)).isNull();
        assertThat(ContainerIds.fromCgroupName(prefix + ID + ".scope")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "/", "user.slice", "init.scope", "system.slice", "process_api", "container", "libpod_parent", "conmon",
        "machine.slice", "session-3.scope", "user@0.service", "2575de4bc26fed0a64a2506983083905",
        // one hex digit short, uppercase, a non-hex character, an unknown prefix, .scope on a bare id
        "libpod-f1abd6f17f521d83f479f1269bcb499365bdefea0931d3f17c1cc391f9b6767",
        "libpod-F1ABD6F17F521D83F479F1269BCB499365BDEFEA0931D3F17C1CC391F9B67672",
        "docker-g1abd6f17f521d83f479f1269bcb499365bdefea0931d3f17c1cc391f9b67672.scope",
        "podman-f1abd6f17f521d83f479f1269bcb499365bdefea0931d3f17c1cc391f9b67672",
        "f1abd6f17f521d83f479f1269bcb499365bdefea0931d3f17c1cc391f9b67672.scope",
        "xlibpod-f1abd6f17f521d83f479f1269bcb499365bdefea0931d3f17c1cc391f9b67672",
    })
    void nonContainerNamesAreNull(String name) {
        assertThat(ContainerIds.fromCgroupName(name)).isNull();
    }

    @Test
    void nullNameIsNull() {
        assertThat(ContainerIds.fromCgroupName(null)).isNull();
        assertThat(ContainerIds.fromCgroupNames((String[]) null)).isNull();
        assertThat(ContainerIds.fromProcCgroup(null)).isNull();
    }

    /** The kernel reports the leaf and its parents separately; podman's systemd layout puts the id in the parent. */
    @Test
    void namesFindTheFirstContainerLeafFirst() {
        assertThat(ContainerIds.fromCgroupNames("container", "libpod-" + ID + ".scope", "machine.slice"))
                .isEqualTo(new ContainerRef(ID, "podman"));
        assertThat(ContainerIds.fromCgroupNames(null, "", "libpod-" + ID)).isEqualTo(new ContainerRef(ID, "podman"));
        assertThat(ContainerIds.fromCgroupNames("user.slice", "init.scope")).isNull();
        assertThat(ContainerIds.fromCgroupNames()).isNull();
    }

    @Test
    void namesStopAtTheFirstMatch() {
        String other = "0".repeat(64);
        assertThat(ContainerIds.fromCgroupNames("crio-" + other + ".scope", "libpod-" + ID))
                .isEqualTo(new ContainerRef(other, "cri-o"));
    }

    /** As read on Debian 12 from a container started with podman 4.3 (cgroupfs manager, hybrid v1 + v2). */
    @Test
    void procCgroupOfPodmanOnCgroupV1Hybrid() {
        String content = """
                9:name=systemd:/libpod_parent/libpod-%1$s
                8:pids:/libpod_parent/libpod-%1$s
                4:memory:/libpod_parent/libpod-%1$s
                1:cpu:/libpod_parent/libpod-%1$s
                0::/libpod_parent/libpod-%1$s
                """.formatted(ID);
        assertThat(ContainerIds.fromProcCgroup(content)).isEqualTo(new ContainerRef(ID, "podman"));
    }

    @Test
    void procCgroupOfPodmanSystemdOnCgroupV2() {
        assertThat(ContainerIds.fromProcCgroup("0::/machine.slice/libpod-" + ID + ".scope/container\n"))
                .isEqualTo(new ContainerRef(ID, "podman"));
    }

    @Test
    void procCgroupOfDockerCgroupfs() {
        String content = "12:cpuset:/docker/" + ID + "\n11:memory:/docker/" + ID + "\n0::/\n";
        assertThat(ContainerIds.fromProcCgroup(content)).isEqualTo(new ContainerRef(ID, "docker"));
    }

    @Test
    void procCgroupOfDockerSystemd() {
        assertThat(ContainerIds.fromProcCgroup("0::/system.slice/docker-" + ID + ".scope"))
                .isEqualTo(new ContainerRef(ID, "docker"));
    }

    @Test
    void procCgroupOfKubernetesContainerd() {
        String content = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7f3b1c2d_1a2b_4c5d_8e9f_0a1b2c3d4e5f.slice"
                + "/cri-containerd-" + ID + ".scope\n";
        assertThat(ContainerIds.fromProcCgroup(content)).isEqualTo(new ContainerRef(ID, "containerd"));
    }

    @Test
    void procCgroupOfKubernetesCrio() {
        String content = "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234.slice/crio-" + ID + ".scope";
        assertThat(ContainerIds.fromProcCgroup(content)).isEqualTo(new ContainerRef(ID, "cri-o"));
    }

    /** Co-mounted controllers (cpu,cpuacct) are one field; the path starts after the second ':'. */
    @Test
    void procCgroupWithCombinedControllers() {
        assertThat(ContainerIds.fromProcCgroup("3:cpu,cpuacct:/docker/" + ID))
                .isEqualTo(new ContainerRef(ID, "docker"));
    }

    @Test
    void procCgroupOfConmonIsHost() {
        String podmanCgroupfs = "4:memory:/libpod_parent/conmon\n0::/\n";
        String podmanSystemd = "0::/machine.slice/libpod-conmon-" + ID + ".scope\n";
        String crio = "0::/kubepods.slice/crio-conmon-" + ID + ".scope\n";
        assertThat(ContainerIds.fromProcCgroup(podmanCgroupfs)).isNull();
        assertThat(ContainerIds.fromProcCgroup(podmanSystemd)).isNull();
        assertThat(ContainerIds.fromProcCgroup(crio)).isNull();
    }

    @Test
    void procCgroupOfHostProcessesIsNull() {
        assertThat(ContainerIds.fromProcCgroup("0::/init.scope\n")).isNull();
        assertThat(ContainerIds.fromProcCgroup("0::/user.slice/user-0.slice/session-1.scope\n")).isNull();
        assertThat(ContainerIds.fromProcCgroup("9:name=systemd:/\n4:memory:/process_api/2575de4bc26fed0a64a2506983083905\n0::/\n"))
                .isNull();
        assertThat(ContainerIds.fromProcCgroup("")).isNull();
    }

    @Test
    void cgroupPathIsSearchedFromTheLeaf() {
        assertThat(ContainerIds.fromCgroupPath("/machine.slice/libpod-" + ID + ".scope/container"))
                .isEqualTo(new ContainerRef(ID, "podman"));
        assertThat(ContainerIds.fromCgroupPath("libpod-" + ID)).isEqualTo(new ContainerRef(ID, "podman"));
        assertThat(ContainerIds.fromCgroupPath("/")).isNull();
        assertThat(ContainerIds.fromCgroupPath("")).isNull();
    }

    @Test
    void refRejectsBadIdsAndRuntimesNamingTheValue() {
        assertThatThrownBy(() -> new ContainerRef("abc", "podman"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'abc'");
        assertThatThrownBy(() -> new ContainerRef(ID, "lxc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lxc'").hasMessageContaining("podman");
    }
}
