package dev.vigil.sensor.decode;

import java.nio.charset.StandardCharsets;

/** Parses the header and first question of a DNS query message (RFC 1035 section 4.1). */
public final class DnsMessages {
    private DnsMessages() {}

    /** The first question of a query; {@code null} for responses or malformed messages. */
    public record Question(int id, String name, int type, int qclass, int count) {}

    /** Longest name kept (RFC 1035 limits names to 255 bytes). */
    static final int MAX_NAME = 255;

    public static Question parseQuery(byte[] b, int off, int len) {
        if (len < 12) return null;
        int id = u16(b, off);
        int flags = u16(b, off + 2);
        if ((flags & 0x8000) != 0) return null; // QR=1: a response
        int qd = u16(b, off + 4);
        if (qd == 0) return null;
        int p = off + 12, end = off + len;
        StringBuilder name = new StringBuilder();
        int labels = 0;
        while (true) {
            if (p >= end) return null;
            int l = b[p] & 0xff;
            if (l == 0) {
                p++;
                break;
            }
            if ((l & 0xc0) != 0 || p + 1 + l > end || ++labels > 127) return null; // no compression in questions we send
            if (name.length() > 0) name.append('.');
            name.append(new String(b, p + 1, l, StandardCharsets.US_ASCII));
            if (name.length() > MAX_NAME) return null;
            p += 1 + l;
        }
        if (p + 4 > end) return null;
        return new Question(id, name.toString().toLowerCase(java.util.Locale.ROOT), u16(b, p), u16(b, p + 2), qd);
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }
}
