package dev.vigil.sensor;

/** The sensor cannot run on this machine; the message says what is missing and how to get it. */
public final class SensorUnavailableException extends Exception {
    public SensorUnavailableException(String message) { super(message); }
    public SensorUnavailableException(String message, Throwable cause) { super(message, cause); }
}
