package dev.vigil.server.intake;

/**
 * A batch refused as a whole, with the HTTP status to answer, the 1-based line at fault (0 when
 * the batch as a whole is at fault) and a reason a sender can act on. Nothing of a refused
 * batch is kept; nothing accepted before it is touched.
 */
public final class IntakeException extends Exception {

    private final int status;
    private final long line;

    public IntakeException(int status, long line, String reason) {
        super(reason);
        this.status = status;
        this.line = line;
    }

    public int status() { return status; }

    public long line() { return line; }
}
