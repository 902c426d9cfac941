package dev.vigil.server.store;

/**
 * A change that the rules of triage do not allow, such as archiving without a reason or an empty
 * comment; the message says what was asked and what is allowed. An API answers 400.
 */
public final class InvalidChangeException extends StoreException {

    InvalidChangeException(String message) {
        super(message);
    }
}
