package dev.vigil.detect.query;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The index hints: values a field must have in every event a query matches. */
class RequiredValuesTest {

    private static Optional<Set<String>> required(String query, String field) {
        return Query.parse(query).requiredValues(field);
    }

    @Test
    void aTopLevelConditionConstrainsItsField() {
        assertThat(required("source:sshd @evt.outcome:failure", "source")).contains(Set.of("sshd"));
        assertThat(required("source:sshd @evt.outcome:failure", "@evt.outcome")).contains(Set.of("failure"));
        assertThat(required("source:sshd @evt.outcome:failure", "host")).isEmpty();
        assertThat(required("host:web-1", "host")).contains(Set.of("web-1"));
        assertThat(required("service:api status:error", "status")).contains(Set.of("error"));
    }

    @Test
    void valueGroupsAndOrOnOneFieldGiveEachValue() {
        assertThat(required("source:(sshd OR sudo) x", "source")).contains(Set.of("sshd", "sudo"));
        assertThat(required("source:sshd OR source:sudo", "source")).contains(Set.of("sshd", "sudo"));
        assertThat(required("(source:sshd @usr.name:root) OR (source:sudo @usr.name:admin)", "source"))
                .contains(Set.of("sshd", "sudo"));
        assertThat(required("@network.destination.port:(22 OR 2222)", "@network.destination.port"))
                .contains(Set.of("22", "2222"));
    }

    @Test
    void andIntersects() {
        assertThat(required("source:(sshd OR sudo) source:sudo", "source")).contains(Set.of("sudo"));
        assertThat(required("source:sshd source:sudo", "source")).contains(Set.of()); // nothing can match
    }

    @Test
    void unconstrainedCasesAreEmpty() {
        assertThat(required("source:sshd OR host:web-1", "source")).as("OR across fields").isEmpty();
        assertThat(required("-source:sshd", "source")).as("NOT").isEmpty();
        assertThat(required("NOT source:sshd host:a", "source")).as("NOT").isEmpty();
        assertThat(required("source:ssh*", "source")).as("wildcard").isEmpty();
        assertThat(required("source:(sshd OR ssh*)", "source")).as("wildcard in a group").isEmpty();
        assertThat(required("source:*", "source")).as("exists").isEmpty();
        assertThat(required("@n:>5", "@n")).as("range").isEmpty();
        assertThat(required("CIDR(@ip, 10.0.0.0/8)", "@ip")).as("CIDR").isEmpty();
        assertThat(required("sshd", "source")).as("full text").isEmpty();
        assertThat(required("*", "source")).isEmpty();
    }

    @Test
    void anAttributeIsNamedWithItsAt() {
        assertThat(required("@usr.name:root", "@usr.name")).contains(Set.of("root"));
        assertThat(required("usr.name:root", "@usr.name")).as("a tag, not the attribute").isEmpty();
    }

    @Test
    void otherFieldsAreRejected() {
        assertThatThrownBy(() -> Query.parse("env:prod").requiredValues("env"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field 'env' has no required values (allowed: source, host, service, status, @attribute)");
    }

    @Test
    void theSetIsReadOnly() {
        assertThat(required("source:sshd", "source").orElseThrow()).isUnmodifiable();
    }
}
