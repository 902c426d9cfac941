package dev.vigil.server.store;

/** A store operation failed: the database could not be reached or refused the change. */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
