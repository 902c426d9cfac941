package dev.vigil.detect.normalize;

/** Address text as logs write it. */
final class Net {

    private Net() {}

    /**
     * Whether {@code s} is an IPv4 or IPv6 literal (an IPv6 one may carry a {@code %zone} and an
     * embedded IPv4 tail). A syntactic check, no lookups: {@code ec2.amazonaws.com} and
     * {@code host-1} are not addresses.
     */
    static boolean isIp(String s) {
        int n = s.length();
        if (n == 0 || n > 64) return false;
        if (s.indexOf(':') >= 0) {
            int colons = 0;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c == '%') return colons >= 2 && i + 1 < n;
                if (c == ':') colons++;
                else if (!(c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
            }
            return colons >= 2;
        }
        int dots = 0;
        int digits = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (digits == 0) return false;
                dots++;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (++digits > 3) return false;
            } else {
                return false;
            }
        }
        return dots == 3 && digits > 0;
    }

    /** Writes a client given as an address or a name: {@code network.client.ip} or {@code network.client.hostname}. */
    static void putClient(Attrs a, String ipOrHost) {
        if (ipOrHost == null || ipOrHost.isEmpty()) return;
        a.put(isIp(ipOrHost) ? StandardAttributes.CLIENT_IP : StandardAttributes.CLIENT_HOSTNAME, ipOrHost);
    }
}
