package dev.vigil.cli;

import java.util.Locale;

/** Parses byte sizes (throwing IllegalArgumentException with the allowed forms): a number with an optional binary unit ({@code 512KiB}, {@code 256MiB}, {@code 1GiB}; K/KB, M/MB, G/GB mean the same). */
final class Sizes {
    private Sizes() {}

    static long parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        String unit = s.substring(i).trim();
        long shift = switch (unit) {
            case "", "b" -> 0;
            case "k", "kb", "kib" -> 10;
            case "m", "mb", "mib" -> 20;
            case "g", "gb", "gib" -> 30;
            default -> -1;
        };
        try {
            if (i == 0 || shift < 0) throw new NumberFormatException();
            long n = Long.parseLong(s.substring(0, i));
            if (n > (Long.MAX_VALUE >> shift)) throw new NumberFormatException();
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid size '" + text + "': use a number of bytes with an optional unit, e.g. 64MiB, 512KiB, 1GiB");
        }
    }
}
