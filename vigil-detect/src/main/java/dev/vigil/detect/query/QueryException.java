package dev.vigil.detect.query;

/**
 * A search query does not parse. The message starts with the 1-based column and says what was
 * expected and what was found: {@code column 17: expected a value after ':' but found end of query}.
 */
public final class QueryException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String query;
    private final int column;
    private final String offendingText;
    private final String reason;

    QueryException(String query, int column, String offendingText, String reason) {
        super("column " + column + ": " + reason);
        this.query = query;
        this.column = column;
        this.offendingText = offendingText;
        this.reason = reason;
    }

    /** The query as given. */
    public String query() { return query; }

    /** The 1-based column (in code points) where the problem starts. */
    public int column() { return column; }

    /** The text found at {@link #column()}: a token, or empty at the end of the query. */
    public String offendingText() { return offendingText; }

    /** The message without the column. */
    public String reason() { return reason; }
}
