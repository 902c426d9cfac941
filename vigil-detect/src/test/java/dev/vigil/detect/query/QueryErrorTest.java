package dev.vigil.detect.query;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Malformed queries: each error names the column, what was expected and what was found. */
class QueryErrorTest {

    static Stream<Arguments> malformed() {
        return Stream.of(
                // parentheses
                arguments("(source:sshd", 13, "expected ')' to close the '(' at column 1 but found end of query"),
                arguments("(a OR (b)", 10, "expected ')' to close the '(' at column 1 but found end of query"),
                arguments("source:sshd)", 12, "expected a term, an operator or the end of the query but found ')' with no '(' to close"),
                arguments("()", 2, "expected a term after '(' but found ')'"),
                arguments("host:web-1 (", 13, "expected a term after '(' but found end of query"),
                arguments("@usr.name:(root", 16, "expected ')' to close the '(' at column 11 but found end of query"),
                // dangling and misplaced operators
                arguments("source:sshd AND", 16, "expected a term after 'AND' but found end of query"),
                arguments("OR source:sshd", 1, "expected a term but found 'OR'"),
                arguments("a OR OR b", 6, "expected a term after 'OR' but found 'OR'"),
                arguments("a AND OR b", 7, "expected a term after 'AND' but found 'OR'"),
                arguments("NOT", 4, "expected a term after 'NOT' but found end of query"),
                arguments("NOT)", 4, "expected a term after 'NOT' but found ')'"),
                arguments("- a", 2, "expected a term right after '-' but found whitespace"),
                arguments("a !", 4, "expected a term right after '!' but found end of query"),
                arguments("a && b", 3, "expected a term (the operators are the words AND, OR, NOT) but found '&&'"),
                arguments("a || b", 3, "expected a term (the operators are the words AND, OR, NOT) but found '||'"),
                arguments("@a:(x AND)", 10, "expected a value after 'AND' but found ')'"),
                arguments("@usr.name:(root OR)", 19, "expected a value after 'OR' but found ')'"),
                // empty values and field names
                arguments("host:", 6, "expected a value after ':' but found end of query"),
                arguments("source:sshd @ev:", 17, "expected a value after ':' but found end of query"),
                arguments("host: web-1", 6, "expected a value after ':' but found whitespace"),
                arguments("host:)", 6, "expected a value after ':' but found ')'"),
                arguments("@usr.name:()", 12, "expected a value after '(' but found ')'"),
                arguments(":foo", 1, "expected a field name before ':' but found ':'"),
                arguments("@:x", 2, "expected an attribute name after '@' but found ':'"),
                arguments("@usr.name", 10, "expected ':' after the attribute name '@usr.name' but found end of query"),
                arguments("@a..b:x", 1, "expected an attribute name such as @usr.name but found '@a..b' (empty segment)"),
                arguments("@usr.*:x", 1, "expected a field name without wildcards but found '@usr.*'"),
                arguments("*:foo", 1, "expected a field name but found '*' (searching every attribute with '*:' is not supported)"),
                arguments("_exists_:", 10, "expected a field name after '_exists_:' but found end of query"),
                arguments("_missing_:*", 11, "expected a field name after '_missing_:' but found '*'"),
                arguments("\"x\":y", 1, "expected a field name before ':' but found a quoted phrase"),
                // ranges and comparisons
                arguments("@n:[100 TO]", 11, "expected a number or '*' after 'TO' but found ']'"),
                arguments("@n:[100 200]", 9, "expected 'TO' after the lower bound of the range but found '200'"),
                arguments("@n:[abc TO 5]", 5, "expected a number or '*' after '[' but found 'abc'"),
                arguments("@n:[100 TO 200", 15, "expected ']' or '}' to close the range at column 4 but found end of query"),
                arguments("@n:[5 TO 1]", 4, "expected a range with its lower bound below its upper bound but found '[5 TO 1]'"),
                arguments("@n:{5 TO 5]", 4, "expected a range with its lower bound below its upper bound but found '{5 TO 5]'"),
                arguments("@n:[1 TO 5]x", 12, "expected whitespace or ')' after a term but found 'x'"),
                arguments("@n:>", 5, "expected a number after '>' but found end of query"),
                arguments("@n:>=abc", 6, "expected a number after '>=' but found 'abc'"),
                // CIDR
                arguments("CIDR(@ip, 10.0.0.0/33)", 11, "expected an IP address or CIDR block such as 10.0.0.0/8 or fd00::/8 but found "
                        + "'10.0.0.0/33': the prefix length '33' is not a number from 0 to 32"),
                arguments("CIDR(@ip, 10.0.0/8)", 11, "expected an IP address or CIDR block such as 10.0.0.0/8 or fd00::/8 but found "
                        + "'10.0.0/8': '10.0.0' is not an IPv4 or IPv6 address"),
                arguments("@ip:CIDR(fd00::/129)", 10, "expected an IP address or CIDR block such as 10.0.0.0/8 or fd00::/8 but found "
                        + "'fd00::/129': the prefix length '129' is not a number from 0 to 128"),
                arguments("@ip:CIDR(1:::2)", 10, "expected an IP address or CIDR block such as 10.0.0.0/8 or fd00::/8 but found "
                        + "'1:::2': '1:::2' is not an IPv4 or IPv6 address"),
                arguments("CIDR(@ip)", 9, "expected ',' and CIDR blocks after the field name in 'CIDR(' but found ')'"),
                arguments("CIDR(@ip, )", 11, "expected an IP address or CIDR block such as 10.0.0.0/8 but found ')'"),
                arguments("CIDR(, 10.0.0.0/8)", 6, "expected a field name after 'CIDR(' but found ','"),
                arguments("@ip:CIDR(10.0.0.0/8", 20, "expected ',' or ')' in the CIDR list at column 9 but found end of query"),
                // quotes and escapes
                arguments("\"unterminated", 1, "expected a closing '\"' for the quote at column 1 but found end of query"),
                arguments("@a:\"x", 4, "expected a closing '\"' for the quote at column 4 but found end of query"),
                arguments("foo\\", 4, "expected a character after '\\' but found end of query"),
                arguments("ab\"c", 3, "expected '\\\"' for a quote inside a word (or quotes around all of it) but found '\"'"),
                arguments("\"\"", 1, "expected a phrase but found empty quotes"),
                // columns count code points, not UTF-16 units
                arguments("𝔘𝔫𝔦 日本 @x:", 11, "expected a value after ':' but found end of query"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void namesColumnExpectationAndFinding(String query, int column, String reason) {
        assertThatThrownBy(() -> Query.parse(query))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.column()).isEqualTo(column);
                    assertThat(e.getMessage()).isEqualTo("column " + column + ": " + reason);
                    assertThat(e.query()).isEqualTo(query);
                });
    }

    @Test
    void carriesTheOffendingText() {
        assertThatThrownBy(() -> Query.parse("@n:>=abc")).isInstanceOfSatisfying(QueryException.class,
                e -> assertThat(e.offendingText()).isEqualTo("abc"));
        assertThatThrownBy(() -> Query.parse("a OR OR b")).isInstanceOfSatisfying(QueryException.class,
                e -> assertThat(e.offendingText()).isEqualTo("OR"));
        assertThatThrownBy(() -> Query.parse("host:")).isInstanceOfSatisfying(QueryException.class,
                e -> assertThat(e.offendingText()).isEmpty());
        assertThatThrownBy(() -> Query.parse("CIDR(@ip, 10.0.0.0/33)")).isInstanceOfSatisfying(QueryException.class,
                e -> assertThat(e.offendingText()).isEqualTo("10.0.0.0/33"));
    }

    /** Queries come from API callers too: nesting is bounded instead of overflowing the stack. */
    @Test
    void deepNestingIsRejected() {
        int max = Parser.MAX_NESTING;
        assertThat(Query.parse("(".repeat(max) + "a" + ")".repeat(max))).hasToString("a");
        assertThat(Query.parse("NOT ".repeat(max) + "a")).hasToString("a");
        assertThatThrownBy(() -> Query.parse("(".repeat(100_000) + "a" + ")".repeat(100_000)))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.column()).isEqualTo(max + 1);
                    assertThat(e.reason()).isEqualTo("expected at most 64 nested parentheses and negations but found more");
                });
        assertThatThrownBy(() -> Query.parse("-".repeat(100_000) + "a")).isInstanceOf(QueryException.class);
        assertThatThrownBy(() -> Query.parse("@a:" + "(".repeat(100) + "x" + ")".repeat(100))).isInstanceOf(QueryException.class);
    }

    @Test
    void isAnIllegalArgumentException() {
        assertThatThrownBy(() -> Query.parse("(")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Words that look like operators are values after a colon, and any word can be escaped or quoted. */
    @Test
    void operatorWordsAreValuesWhereAValueIsExpected() {
        assertThat(Query.parse("@op:OR").toString()).isEqualTo("@op:\"OR\"");
        assertThat(Query.parse("\\AND").toString()).isEqualTo("\"AND\"");
        assertThat(Query.parse("ANDROID OR NOTICE").toString()).isEqualTo("ANDROID OR NOTICE");
    }
}
