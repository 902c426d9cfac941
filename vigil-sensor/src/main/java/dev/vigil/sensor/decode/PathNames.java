package dev.vigil.sensor.decode;

/** Lexical path handling for the paths the kernel side sends (see vigil.bpf.c, "Paths"). */
public final class PathNames {
    private PathNames() {}

    /**
     * Joins dentry components given leaf first and NUL-terminated ({@code "x\0tmp\0"}) into an
     * absolute path ({@code "/tmp/x"}).
     */
    public static String fromComponents(byte[] buf, int off, int len) {
        if (len <= 0) {
            return "/";
        }
        byte[] out = new byte[len + 1];
        int w = 0;
        int end = off + len;
        // walk components from the last (the root-most) to the first
        int compEnd = end;
        if (compEnd > off && buf[compEnd - 1] == 0) compEnd--;
        while (compEnd > off) {
            int compStart = compEnd;
            while (compStart > off && buf[compStart - 1] != 0) compStart--;
            out[w++] = '/';
            System.arraycopy(buf, compStart, out, w, compEnd - compStart);
            w += compEnd - compStart;
            compEnd = compStart - 1;
        }
        return w == 0 ? "/" : new String(out, 0, w, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The absolute path for a raw path argument: itself if absolute, else resolved against {@code base}.
     * Both are normalised lexically ({@code .}, {@code ..}, repeated slashes).
     */
    public static String resolve(String base, String raw) {
        if (raw.isEmpty()) {
            return base;
        }
        if (raw.charAt(0) == '/') {
            return normalize(raw);
        }
        return normalize(base.endsWith("/") ? base + raw : base + "/" + raw);
    }

    /** Lexical normalisation of an absolute path; returns the input when already normal. */
    public static String normalize(String path) {
        if (isNormal(path)) {
            return path;
        }
        String[] parts = path.split("/");
        String[] stack = new String[parts.length];
        int n = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.equals(".")) continue;
            if (p.equals("..")) {
                if (n > 0) n--;
                continue;
            }
            stack[n++] = p;
        }
        if (n == 0) return "/";
        StringBuilder sb = new StringBuilder(path.length());
        for (int i = 0; i < n; i++) sb.append('/').append(stack[i]);
        return sb.toString();
    }

    private static boolean isNormal(String p) {
        if (p.isEmpty() || p.charAt(0) != '/') return false;
        if (p.length() > 1 && p.charAt(p.length() - 1) == '/') return false;
        return !p.contains("//") && !p.contains("/./") && !p.contains("/../") && !p.endsWith("/.") && !p.endsWith("/..");
    }
}
