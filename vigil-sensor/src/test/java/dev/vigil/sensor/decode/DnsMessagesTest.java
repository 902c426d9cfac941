package dev.vigil.sensor.decode;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class DnsMessagesTest {

    static byte[] query(int id, String name, int type, boolean response) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(id >> 8); b.write(id);
        b.write(response ? 0x81 : 0x01); b.write(0);
        b.write(0); b.write(1); // QDCOUNT
        for (int i = 0; i < 6; i++) b.write(0);
        for (String label : name.split("\\.")) {
            b.write(label.length());
            b.writeBytes(label.getBytes());
        }
        b.write(0);
        b.write(type >> 8); b.write(type);
        b.write(0); b.write(1);
        return b.toByteArray();
    }

    @Test
    void parsesTheFirstQuestionLowerCased() {
        byte[] q = query(0x1234, "Pool.MinerGate.com", 28, false);
        var parsed = DnsMessages.parseQuery(q, 0, q.length);
        assertThat(parsed).isEqualTo(new DnsMessages.Question(0x1234, "pool.minergate.com", 28, 1, 1));
    }

    @Test
    void responsesAndGarbageAreNotQueries() {
        byte[] r = query(1, "example.com", 1, true);
        assertThat(DnsMessages.parseQuery(r, 0, r.length)).isNull();
        assertThat(DnsMessages.parseQuery(new byte[5], 0, 5)).isNull();
        byte[] cut = query(1, "example.com", 1, false);
        assertThat(DnsMessages.parseQuery(cut, 0, cut.length - 3)).isNull();
        byte[] pointer = query(1, "a.b", 1, false);
        pointer[12] = (byte) 0xc0; // compression pointer in a question: refused
        assertThat(DnsMessages.parseQuery(pointer, 0, pointer.length)).isNull();
    }
}
