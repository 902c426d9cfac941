package dev.vigil.sensor.decode;

import dev.vigil.model.NetAddr;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SockAddrsTest {

    @Test
    void ipv4() {
        byte[] sa = {2, 0, 0x1f, (byte) 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThat(SockAddrs.decode(sa, 0, sa.length)).isEqualTo(NetAddr.inet(2, "127.0.0.1", 8080));
    }

    @Test
    void ipv6IsPrintedCompressed() {
        byte[] sa = new byte[28];
        sa[0] = 10;
        sa[2] = 0;
        sa[3] = 53;
        sa[8 + 15] = 1; // ::1
        assertThat(SockAddrs.decode(sa, 0, sa.length)).isEqualTo(NetAddr.inet(10, "::1", 53));
        byte[] doc = new byte[28];
        doc[0] = 10;
        doc[8] = 0x20; doc[9] = 0x01; doc[10] = 0x0d; doc[11] = (byte) 0xb8; doc[8 + 15] = 7;
        assertThat(SockAddrs.decode(doc, 0, doc.length).ip()).isEqualTo("2001:db8::7");
    }

    @Test
    void unixSocketsCarryTheirPathAndAbstractNamesAnAt() {
        byte[] path = "\1\0/run/podman/podman.sock\0junk".getBytes();
        assertThat(SockAddrs.decode(path, 0, path.length).path()).isEqualTo("/run/podman/podman.sock");
        byte[] abs = "\1\0\0dbus-abc".getBytes();
        assertThat(SockAddrs.decode(abs, 0, abs.length).path()).isEqualTo("@dbus-abc");
    }

    @Test
    void truncatedAddressesDoNotThrow() {
        assertThat(SockAddrs.decode(new byte[] {2}, 0, 1)).isEqualTo(NetAddr.NONE);
        assertThat(SockAddrs.decode(new byte[] {2, 0, 0}, 0, 3).ip()).isEmpty();
    }
}
