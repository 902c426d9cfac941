/**
 * The log search query language: Datadog's syntax ({@code source:sshd @evt.outcome:failure
 * -@usr.name:root}) compiled to a predicate over {@link dev.vigil.detect.event.LogEvent}s.
 * Detection rules, suppressions and the API select events with it.
 *
 * <p>Start at {@link dev.vigil.detect.query.Query}: {@code Query.parse(text)} compiles (or throws
 * a {@link dev.vigil.detect.query.QueryException} with the column), {@code matches(event)}
 * evaluates, {@code requiredValues(field)} feeds rule indexes. The rest is package-private:
 * {@code Parser} (text to tree, the grammar is in its javadoc), {@code Node} (the compiled tree),
 * {@code Target} (where a field's values come from), {@code Matcher} (conditions on one value),
 * and the allocation-free helpers {@code Wildcard}, {@code Num} and {@code Cidr}. The user
 * reference is {@code docs/search-syntax.md}.
 */
package dev.vigil.detect.query;
