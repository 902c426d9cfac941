package dev.vigil.detect.query;

/** PLACEHOLDER until the query language lands. */
public final class QueryException extends IllegalArgumentException {
    private final int column;
    public QueryException(String message, int column, String query) { super("column " + column + ": " + message); this.column = column; }
    public int column() { return column; }
}
