package dev.vigil.model.json;

/** An event's JSON form is invalid; the message says what is wrong (the caller adds the line number). */
public final class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message) { super(message); }
    public MalformedEventException(String message, Throwable cause) { super(message, cause); }
}
