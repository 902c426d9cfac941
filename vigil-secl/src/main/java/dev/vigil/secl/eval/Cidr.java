package dev.vigil.secl.eval;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IP address or CIDR block; matches textual IPs as events carry them. */
final class Cidr {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** Parses {@code 10.0.0.0/8}, {@code ::1}, ...; {@code null} when it is not an IP. */
    static Cidr parse(String text) {
        String addr = text;
        int prefix = -1;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            addr = text.substring(0, slash);
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        byte[] bytes = literalBytes(addr);
        if (bytes == null) return null;
        int bits = bytes.length * 8;
        if (prefix < 0) prefix = bits;
        if (prefix > bits) return null;
        return new Cidr(bytes, prefix, text);
    }

    /** The bytes of a literal IP, never resolving names. */
    static byte[] literalBytes(String s) {
        if (s.isEmpty() || !(s.contains(":") || s.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) return null;
        if (!s.matches("[0-9A-Fa-f:.]+")) return null;
        try {
            return InetAddress.getByName(s).getAddress(); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }

    boolean contains(String ip) {
        if (ip.isEmpty()) return false;
        byte[] b = literalBytes(ip);
        if (b == null || b.length != network.length) return false;
        int full = prefix / 8, rest = prefix % 8;
        for (int i = 0; i < full; i++) {
            if (b[i] != network[i]) return false;
        }
        if (rest == 0) return true;
        int mask = 0xff << (8 - rest) & 0xff;
        return (b[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() { return text; }
}
