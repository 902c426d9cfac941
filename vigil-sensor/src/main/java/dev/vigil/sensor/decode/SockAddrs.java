package dev.vigil.sensor.decode;

import dev.vigil.model.LinuxConstants;
import dev.vigil.model.NetAddr;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/** Decodes {@code struct sockaddr} bytes as a process passed them (network byte order ports). */
public final class SockAddrs {
    private SockAddrs() {}

    public static NetAddr decode(byte[] b, int off, int len) {
        if (len < 2) {
            return NetAddr.NONE;
        }
        int family = (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
        switch (family) {
            case LinuxConstants.AF_INET -> {
                if (len < 8) return new NetAddr(family, "", 0, "");
                return NetAddr.inet(family, ip(b, off + 4, 4), port(b, off + 2));
            }
            case LinuxConstants.AF_INET6 -> {
                if (len < 24) return new NetAddr(family, "", 0, "");
                return NetAddr.inet(family, ip(b, off + 8, 16), port(b, off + 2));
            }
            case LinuxConstants.AF_UNIX -> {
                int start = off + 2, end = off + len;
                if (start >= end) return new NetAddr(family, "", 0, "");
                boolean abstractName = b[start] == 0;
                int s = abstractName ? start + 1 : start;
                int e = s;
                while (e < end && (abstractName || b[e] != 0)) e++;
                String path = new String(b, s, e - s, StandardCharsets.UTF_8);
                return new NetAddr(family, "", 0, abstractName ? "@" + path : path);
            }
            default -> {
                return new NetAddr(family, "", 0, "");
            }
        }
    }

    static int port(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }

    /** Textual IP for 4 or 16 address bytes (IPv6 in RFC 5952 form, IPv4-mapped shown as IPv4). */
    public static String ip(byte[] b, int off, int len) {
        byte[] a = java.util.Arrays.copyOfRange(b, off, off + len);
        try {
            InetAddress addr = InetAddress.getByAddress(a); // no name lookup: address bytes only
            String s = addr.getHostAddress();
            return len == 16 ? compressV6(s) : s;
        } catch (UnknownHostException e) {
            return "";
        }
    }

    /** Java prints IPv6 uncompressed ("0:0:0:0:0:0:0:1"); rules and people expect "::1". */
    static String compressV6(String full) {
        int pct = full.indexOf('%');
        String s = pct >= 0 ? full.substring(0, pct) : full;
        if (!s.contains(":")) return s; // IPv4-mapped came back as IPv4
        String[] g = s.split(":");
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < g.length; ) {
            if (g[i].equals("0")) {
                int j = i;
                while (j < g.length && g[j].equals("0")) j++;
                if (j - i > bestLen && j - i > 1) { bestStart = i; bestLen = j - i; }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) return s;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bestStart; i++) sb.append(i > 0 ? ":" : "").append(g[i]);
        sb.append("::");
        for (int i = bestStart + bestLen; i < g.length; i++) sb.append(i > bestStart + bestLen ? ":" : "").append(g[i]);
        return sb.toString();
    }
}
