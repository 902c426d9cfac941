package dev.vigil.server.api;

/** An API error with its HTTP status; the message is shown to the caller, so it never carries a secret. */
public final class HttpError extends RuntimeException {
    private final int status;

    public HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() { return status; }
}
