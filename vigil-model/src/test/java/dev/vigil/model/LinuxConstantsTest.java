package dev.vigil.model;

import dev.vigil.model.LinuxConstants.Family;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinuxConstantsTest {

    /** Families whose values are distinct codes (not bit flags), so a value has one name. */
    private static final Set<Family> ENUMERATIONS = EnumSet.of(Family.BPF_CMD, Family.BPF_PROG_TYPE, Family.BPF_MAP_TYPE,
            Family.PTRACE_REQUEST, Family.ADDRESS_FAMILY, Family.SIGNAL, Family.IP_PROTOCOL, Family.DNS_QTYPE);

    @Test
    void knownValuesMatchTheX86_64Abi() {
        Map<String, Long> all = LinuxConstants.all();
        assertThat(all.get("O_CREAT")).isEqualTo(0100L);
        assertThat(all.get("O_TRUNC")).isEqualTo(01000L);
        assertThat(all.get("O_CLOEXEC")).isEqualTo(02000000L);
        assertThat(all.get("CAP_SYS_ADMIN")).isEqualTo(1L << 21);
        assertThat(all.get("CAP_CHOWN")).isEqualTo(1L);
        assertThat(all.get("CAP_BPF")).isEqualTo(1L << 39);
        assertThat(all.get("CAP_CHECKPOINT_RESTORE")).isEqualTo(1L << 40);
        assertThat(all.get("BPF_PROG_LOAD")).isEqualTo(5L);
        assertThat(all.get("BPF_MAP_CREATE")).isEqualTo(0L);
        assertThat(all.get("PTRACE_ATTACH")).isEqualTo(16L);
        assertThat(all.get("PTRACE_SEIZE")).isEqualTo(0x4206L);
        assertThat(all.get("AF_INET6")).isEqualTo(10L);
        assertThat(all.get("SIGKILL")).isEqualTo(9L);
        assertThat(all.get("S_ISUID")).isEqualTo(04000L);
        assertThat(all.get("MS_BIND")).isEqualTo(4096L);
        assertThat(all.get("IPPROTO_UDP")).isEqualTo(17L);
        assertThat(all.get("AT_REMOVEDIR")).isEqualTo(0x200L);
        assertThat(all.get("RENAME_EXCHANGE")).isEqualTo(2L);
    }

    @Test
    void javaConstantsAgreeWithTheTables() {
        Map<String, Long> all = LinuxConstants.all();
        assertThat((long) LinuxConstants.O_CREAT).isEqualTo(all.get("O_CREAT"));
        assertThat((long) LinuxConstants.O_WRONLY).isEqualTo(all.get("O_WRONLY"));
        assertThat((long) LinuxConstants.O_RDWR).isEqualTo(all.get("O_RDWR"));
        assertThat((long) LinuxConstants.O_TRUNC).isEqualTo(all.get("O_TRUNC"));
        assertThat((long) LinuxConstants.S_ISUID).isEqualTo(all.get("S_ISUID"));
        assertThat((long) LinuxConstants.S_ISGID).isEqualTo(all.get("S_ISGID"));
        assertThat((long) LinuxConstants.AF_UNIX).isEqualTo(all.get("AF_UNIX"));
        assertThat((long) LinuxConstants.AF_INET).isEqualTo(all.get("AF_INET"));
        assertThat((long) LinuxConstants.AF_INET6).isEqualTo(all.get("AF_INET6"));
    }

    @Test
    void nameOfRoundTripsForEnumerationFamilies() {
        for (Family f : ENUMERATIONS) {
            Map<String, Long> family = LinuxConstants.family(f);
            assertThat(new HashSet<>(family.values())).as("values of %s are distinct", f).hasSameSizeAs(family.keySet());
            family.forEach((name, value) ->
                    assertThat(LinuxConstants.nameOf(f, value)).as("%s in %s", value, f).isEqualTo(name));
        }
        assertThat(LinuxConstants.nameOf(Family.SIGNAL, 9)).isEqualTo("SIGKILL");
        assertThat(LinuxConstants.nameOf(Family.DNS_QTYPE, 28)).isEqualTo("AAAA");
        assertThat(LinuxConstants.nameOf(Family.SIGNAL, 999)).isNull();
    }

    @Test
    void everyFamilyIsDefinedAndNonEmpty() {
        for (Family f : Family.values()) {
            assertThat(LinuxConstants.family(f)).as("%s", f).isNotEmpty();
        }
    }

    @Test
    void allHoldsEveryFamilyExceptDnsRecordTypes() {
        Map<String, Long> all = LinuxConstants.all();
        for (Family f : Family.values()) {
            for (var e : LinuxConstants.family(f).entrySet()) {
                if (f == Family.DNS_QTYPE) {
                    assertThat(all).as("DNS record type %s would shadow identifiers", e.getKey()).doesNotContainKey(e.getKey());
                } else {
                    assertThat(all).containsEntry(e.getKey(), e.getValue());
                }
            }
        }
        assertThat(all).doesNotContainKeys("A", "AAAA", "MX", "TXT");
    }

    @Test
    void constantNamesAreUniqueAcrossFamilies() {
        int total = 0;
        for (Family f : Family.values()) {
            if (f != Family.DNS_QTYPE) {
                total += LinuxConstants.family(f).size();
            }
        }
        assertThat(LinuxConstants.all()).as("a name defined in two families would silently take one value").hasSize(total);
    }

    @Test
    void tablesAreReadOnly() {
        assertThatThrownBy(() -> LinuxConstants.all().put("X", 1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> LinuxConstants.family(Family.SIGNAL).put("X", 1L))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
