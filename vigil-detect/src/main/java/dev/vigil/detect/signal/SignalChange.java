package dev.vigil.detect.signal;

/**
 * One entry of a signal's history: who changed what, when. {@code field} is {@code status},
 * {@code assignee}, {@code comment} or {@code created}; {@code from}/{@code to} are the values as
 * text (null when not applicable); {@code comment} is the free text given with the change.
 */
public record SignalChange(String signalId, long at, String actor, String field, String from, String to, String comment) {
}
