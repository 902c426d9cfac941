package dev.vigil.detect.query;

import dev.vigil.detect.event.LogEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Query#toString()} is canonical, minimal, and parses back to the same query. */
class QueryCanonicalTest {

    private static final List<LogEvent> EVENTS =
            List.of(Events.SSH_FAILURE, Events.SSH_SUCCESS_UNICODE, Events.AGENT_EXEC, Events.BARE);

    @ParameterizedTest(name = "{0}  =>  {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "source:sshd @evt.outcome:failure | source:sshd AND @evt.outcome:failure",
            "source:sshd OR source:sudo       | source:(sshd OR sudo)",
            "a OR b c                         | a OR b AND c",
            "(a OR b) c                       | (a OR b) AND c",
            "a AND (b OR (c AND d))           | a AND (b OR c AND d)",
            "-(a OR b)                        | NOT (a OR b)",
            "!a                               | NOT a",
            "NOT NOT a                        | a",
            "@x:[5 TO *]                      | @x:>=5",
            "@x:{* TO 5]                      | @x:<=5",
            "@x:{1 TO 2]                      | @x:{1 TO 2]",
            "`@http.url:\"/api/v1 x\"`        | `@http.url:\"/api/v1 x\"`",
            "@http.url:\\/api\\/v1\\ x        | `@http.url:\"/api/v1 x\"`",
            "host:web\\-*                     | host:web-*",
            "@f:a\\*b*                        | @f:a\\*b*",
            "*                                | *",
            "`   `                            | *",
            "* source:sshd                    | source:sshd",
            "_missing_:@a                     | NOT @a:*",
            "_exists_:env                     | env:*",
            "`CIDR(@ip, 10.0.0.0/8, fd00::/8)` | `@ip:CIDR(10.0.0.0/8, fd00::/8)`",
            "message:foo                      | foo",
            "tags:env:prod                    | tags:env:prod",
            "he\\:llo                         | `\"he:llo\"`",
            "@a:-5                            | `@a:\"-5\"`",
            "@a:(NOT x)                       | NOT @a:x",
            "\\_exists_:x                     | \\_exists_:x",
            "\\@foo:x                         | \\@foo:x",
            "@op:OR                           | `@op:\"OR\"`",
            "日本 @usr.name:jürgen            | 日本 AND @usr.name:jürgen",
    })
    void canonicalForm(String query, String canonical) {
        Query q = Query.parse(query);
        assertThat(q).hasToString(canonical);
        assertThat(q.text()).isEqualTo(query);
        assertThat(Query.parse(canonical)).hasToString(canonical).isEqualTo(q);
    }

    /**
     * Random queries over awkward values (spaces, quotes, backslashes, colons, wildcards, leading
     * dashes, unicode, operator words) must survive parse, print, parse unchanged and match the
     * same events.
     */
    @Test
    void randomQueriesRoundTrip() {
        long seed = Long.getLong("vigil.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            String text = randomQuery(random, 0);
            Query q = Query.parse(text);
            Query again;
            try {
                again = Query.parse(q.toString());
            } catch (QueryException x) {
                throw new AssertionError("seed " + seed + ": " + text + " printed as " + q + " does not parse back", x);
            }
            assertThat(again.toString()).as("seed %d, query %s", seed, text).isEqualTo(q.toString());
            for (LogEvent e : EVENTS) {
                assertThat(again.matches(e)).as("seed %d, query %s, event %s", seed, text, e.id()).isEqualTo(q.matches(e));
            }
        }
    }

    private static final String[] FIELDS = {"host", "source", "status", "message", "env", "tags", "@usr.name",
            "@process.ancestors.file.path", "@network.client.ip", "@network.destination.port", "@http.url"};
    private static final String[] PIECES = {"a", "sshd", "web-1", "admin", "/usr/bin/", " ", "\"", "\\", ":", "(", ")",
            "-", "!", "*", "?", "jürgen", "日本", "OR", "AND", "NOT", "22", ".", "@", "[", "{", "_exists_", "env:prod", "TO"};

    private static String randomQuery(Random r, int depth) {
        int kind = r.nextInt(depth > 2 ? 3 : 6);
        return switch (kind) {
            case 0 -> randomWord(r, false);
            case 1 -> FIELDS[r.nextInt(FIELDS.length)] + ":" + randomValue(r);
            case 2 -> "_exists_:" + FIELDS[r.nextInt(FIELDS.length)];
            case 3 -> randomQuery(r, depth + 1) + (r.nextBoolean() ? " " : " AND ") + randomQuery(r, depth + 1);
            case 4 -> "(" + randomQuery(r, depth + 1) + " OR " + randomQuery(r, depth + 1) + ")";
            default -> (r.nextBoolean() ? "-" : "NOT ") + "(" + randomQuery(r, depth + 1) + ")";
        };
    }

    private static String randomValue(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> "(" + randomWord(r, true) + " OR " + randomWord(r, true) + ")";
            case 1 -> ">" + (r.nextInt(2000) - 1000);
            case 2 -> "[" + r.nextInt(100) + " TO " + (100 + r.nextInt(100)) + "}";
            case 3 -> "CIDR(10.0.0.0/8, fd00::/" + r.nextInt(129) + ")";
            default -> randomWord(r, true);
        };
    }

    /** Some pieces, quoted or with every special character escaped; wildcards kept live when bare. */
    private static String randomWord(Random r, boolean value) {
        StringBuilder raw = new StringBuilder();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) raw.append(PIECES[r.nextInt(PIECES.length)]);
        String s = raw.toString();
        if (r.nextBoolean()) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean wildcard = (c == '*' || c == '?') && r.nextBoolean();
            // escape specials, and the first character so that words like OR stay words
            if (!wildcard && (i == 0 || !Character.isLetterOrDigit(c))) out.append('\\');
            out.append(c);
        }
        return out.toString();
    }
}
