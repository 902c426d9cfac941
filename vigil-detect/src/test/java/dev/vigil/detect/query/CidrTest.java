package dev.vigil.detect.query;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    /** The 128 bits the parser hands over, or null when it rejects the text. */
    private static long[] bits(String address) {
        long[] out = new long[2];
        return Cidr.parse(address, 0, address.length(), (hi, lo) -> { out[0] = hi; out[1] = lo; return true; }) ? out : null;
    }

    /** The same bits from the JDK, IPv4 mapped into IPv6. */
    private static long[] jdk(InetAddress a) {
        byte[] b = a.getAddress();
        ByteBuffer buf = ByteBuffer.allocate(16);
        if (b.length == 4) buf.putLong(0).putShort((short) 0).putShort((short) -1).put(b);
        else buf.put(b);
        return new long[] {buf.getLong(0), buf.getLong(8)};
    }

    /** Random addresses in every textual form the JDK prints, compared with the JDK's own parse. */
    @Test
    void parsesLikeTheJdk() throws Exception {
        long seed = Long.getLong("vigil.seed", System.nanoTime());
        Random r = new Random(seed);
        for (int i = 0; i < 5_000; i++) {
            byte[] b = new byte[r.nextBoolean() ? 4 : 16];
            r.nextBytes(b);
            if (b.length == 16 && r.nextBoolean()) for (int k = 4 + r.nextInt(8); k < 4 + r.nextInt(12); k++) b[k] = 0; // runs of zeros
            InetAddress a = InetAddress.getByAddress(b);
            String text = a.getHostAddress();
            if (text.contains(":") && r.nextBoolean()) text = compress(text);
            assertThat(bits(text)).as("seed %d: %s", seed, text).containsExactly(jdk(InetAddress.getByName(text)));
        }
    }

    /** Turns the longest run of ":0:" groups into "::", as people write IPv6. */
    private static String compress(String full) {
        String best = null;
        for (int n = 8; n >= 2 && best == null; n--) {
            String run = ":" + "0:".repeat(n);
            if (full.contains(run)) best = full.replaceFirst(run, "::");
            else if (full.startsWith("0:".repeat(n))) best = full.replaceFirst("0:".repeat(n), "::");
        }
        return best == null ? full : best;
    }

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "1::", "fe80::1%eth0", "::ffff:10.1.2.3", "1:2:3:4:5:6:1.2.3.4", "2001:db8::",
            "0.0.0.0", "255.255.255.255", "FD00::AB"})
    void acceptsValidForms(String address) {
        assertThat(bits(address)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1:::2", ":1::", "1::2::3", "12345::", "1.2.3", "1.2.3.4.5", "256.1.1.1", "::1.2.3.4:5",
            "g::1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "1:", ":1", "1.2.3.4.", "web-1", "1..2.3", "%eth0", "::1.2.3"})
    void rejectsInvalidForms(String address) {
        assertThat(bits(address)).isNull();
    }

    @Test
    void blocksContainTheirAddresses() {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        assertThat(contains(ten, "10.255.0.1")).isTrue();
        assertThat(contains(ten, "11.0.0.1")).isFalse();
        assertThat(contains(ten, "::ffff:10.1.2.3")).isTrue(); // IPv4-mapped
        assertThat(contains(Cidr.parse("0.0.0.0/0"), "::1")).isFalse(); // every IPv4 address, no IPv6 one
        assertThat(contains(Cidr.parse("::/0"), "8.8.8.8")).isTrue(); // every address
        assertThat(contains(Cidr.parse("fd00::/8"), "fdff::1")).isTrue();
        assertThat(contains(Cidr.parse("fd00::/8"), "fe00::1")).isFalse();
        assertThat(contains(Cidr.parse("2001:db8::/127"), "2001:db8::1")).isTrue();
        assertThat(contains(Cidr.parse("2001:db8::/127"), "2001:db8::2")).isFalse();
        assertThat(contains(Cidr.parse("192.168.1.7"), "192.168.1.7")).isTrue();
        assertThat(contains(Cidr.parse("192.168.1.7"), "192.168.1.8")).isFalse();
        assertThat(contains(Cidr.parse("10.1.2.3/8"), "10.9.9.9")).as("host bits are ignored").isTrue();
    }

    private static boolean contains(Cidr block, String address) {
        return Cidr.parse(address, 0, address.length(), block::contains);
    }

    @Test
    void rejectsBadBlocksSayingWhy() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessage("the prefix length '33' is not a number from 0 to 32");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/")).hasMessage("the prefix length '' is not a number from 0 to 32");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/-1")).hasMessage("the prefix length '-1' is not a number from 0 to 32");
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).hasMessage("'example.com' is not an IPv4 or IPv6 address");
    }
}
