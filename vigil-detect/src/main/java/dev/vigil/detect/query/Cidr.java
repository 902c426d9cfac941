package dev.vigil.detect.query;

/**
 * An IPv4 or IPv6 block ({@code 10.0.0.0/8}, {@code fd00::/8}, a bare address for one host), and
 * the textual-address parser behind it.
 *
 * <p>Every address is held as 128 bits: IPv4 {@code a.b.c.d} as the IPv4-mapped IPv6 address
 * {@code ::ffff:a.b.c.d}, and an IPv4 block {@code /n} as {@code /96+n}, so one comparison serves
 * both families and {@code ::ffff:10.1.2.3} is inside {@code 10.0.0.0/8}. The parser hands the two
 * halves to an {@link Sink} instead of returning them, so checking an event's address allocates
 * nothing and never resolves a name.
 */
final class Cidr {

    /** Receives a parsed address. */
    @FunctionalInterface
    interface Sink {
        boolean accept(long hi, long lo);
    }

    private static final long V4_MAPPED = 0xFFFF_0000_0000L;

    private final String text;
    private final long hi, lo, maskHi, maskLo;

    private Cidr(String text, long hi, long lo, int prefix) {
        this.text = text;
        this.maskHi = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
        this.maskLo = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
        this.hi = hi & maskHi;
        this.lo = lo & maskLo;
    }

    /**
     * Parses a block or a single address.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static Cidr parse(String text) {
        int slash = text.indexOf('/');
        int end = slash < 0 ? text.length() : slash;
        long[] bits = new long[2];
        if (!parse(text, 0, end, (h, l) -> { bits[0] = h; bits[1] = l; return true; })) {
            throw new IllegalArgumentException("'" + text.substring(0, end) + "' is not an IPv4 or IPv6 address");
        }
        boolean v4 = text.lastIndexOf(':', end - 1) < 0;
        int max = v4 ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (prefix = Integer.parseInt(p)) > max) {
                throw new IllegalArgumentException("the prefix length '" + p + "' is not a number from 0 to " + max);
            }
        }
        return new Cidr(text, bits[0], bits[1], v4 ? prefix + 96 : prefix);
    }

    boolean contains(long addrHi, long addrLo) {
        return (addrHi & maskHi) == hi && (addrLo & maskLo) == lo;
    }

    @Override
    public String toString() { return text; }

    /**
     * Parses the address in {@code s[from, end)} ({@code 10.1.2.3}, {@code fe80::1%eth0},
     * {@code ::ffff:10.1.2.3}) and passes its 128 bits to {@code sink}.
     *
     * @return what {@code sink} returned, or false when the text is not an address
     */
    static boolean parse(String s, int from, int end, Sink sink) {
        int zone = s.indexOf('%', from);
        if (zone >= 0 && zone < end) end = zone;
        if (from >= end) return false;
        int colon = s.indexOf(':', from);
        if (colon < 0 || colon >= end) {
            long v4 = parseV4(s, from, end);
            return v4 >= 0 && sink.accept(0, V4_MAPPED | v4);
        }
        // first pass: count the 16-bit groups, so the second knows how many zeros "::" stands for
        int groups = 0;
        boolean compressed = false;
        for (int i = from; i < end; ) {
            if (s.charAt(i) == ':') {
                if (i + 1 < end && s.charAt(i + 1) == ':') {
                    if (compressed) return false;
                    compressed = true;
                    i += 2;
                } else {
                    // a lone ':' separates two groups: not at either end, not right after "::"
                    if (i == from || i + 1 == end || s.charAt(i - 1) == ':') return false;
                    i++;
                }
                continue;
            }
            int j = i;
            while (j < end && s.charAt(j) != ':') j++;
            groups += s.lastIndexOf('.', j - 1) >= i ? 2 : 1;
            i = j;
        }
        if (compressed ? groups > 7 : groups != 8) return false;
        // second pass: place each group at its index
        long hi = 0, lo = 0;
        int index = 0;
        for (int i = from; i < end; ) {
            if (s.charAt(i) == ':') {
                if (i + 1 < end && s.charAt(i + 1) == ':') {
                    index += 8 - groups;
                    i += 2;
                } else {
                    i++;
                }
                continue;
            }
            int j = i;
            while (j < end && s.charAt(j) != ':') j++;
            if (s.lastIndexOf('.', j - 1) >= i) {
                if (j != end || index != 6) return false; // an embedded IPv4 address only ends the address
                long v4 = parseV4(s, i, j);
                if (v4 < 0) return false;
                lo |= v4;
                index += 2;
            } else {
                if (j - i > 4) return false;
                long g = 0;
                for (int k = i; k < j; k++) {
                    int d = Character.digit(s.charAt(k), 16);
                    if (d < 0) return false;
                    g = g << 4 | d;
                }
                if (index < 4) hi |= g << (16 * (3 - index));
                else lo |= g << (16 * (7 - index));
                index++;
            }
            i = j;
        }
        return sink.accept(hi, lo);
    }

    /** Dotted-quad IPv4 in {@code s[from, end)} as an unsigned 32-bit value, or -1. */
    private static long parseV4(String s, int from, int end) {
        long v = 0;
        int parts = 0, i = from;
        while (parts < 4) {
            int digits = 0, octet = 0;
            while (i < end && s.charAt(i) >= '0' && s.charAt(i) <= '9' && digits < 3) {
                octet = octet * 10 + (s.charAt(i++) - '0');
                digits++;
            }
            if (digits == 0 || octet > 255) return -1;
            v = v << 8 | octet;
            if (++parts < 4) {
                if (i >= end || s.charAt(i) != '.') return -1;
                i++;
            }
        }
        return i == end ? v : -1;
    }
}
