package dev.vigil.model.field;

/** The type of a field's value (or of each element, for array fields). */
public enum ValueType {
    STRING,
    INT,
    BOOL,
    /** A textual IP address; rules may compare it with IPs and CIDRs. */
    IP,
    /** Unix nanoseconds; rules may compare it with durations ({@code process.created_at > 5m}). */
    TIME
}
