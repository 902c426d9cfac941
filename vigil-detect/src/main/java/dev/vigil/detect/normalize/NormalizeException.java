package dev.vigil.detect.normalize;

/**
 * An input that cannot be turned into an event, with the reason: what was expected, where, and
 * the start of the offending input. Intake counts these and can keep the raw line.
 */
public final class NormalizeException extends RuntimeException {

    /** How much of the input a message quotes. */
    static final int QUOTE_CHARS = 120;

    public NormalizeException(String message) {
        super(message);
    }

    /** Quotes an input for an error message, shortened to {@link #QUOTE_CHARS}. */
    static String quote(String input) {
        if (input == null) return "null";
        return input.length() <= QUOTE_CHARS ? "'" + input + "'" : "'" + input.substring(0, QUOTE_CHARS) + "…'";
    }
}
