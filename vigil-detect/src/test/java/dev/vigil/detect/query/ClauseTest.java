package dev.vigil.detect.query;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Query#clause()}: the compiled conditions as an index translating queries sees them. */
class ClauseTest {

    @Test
    void mirrorsTheCompiledTree() {
        Clause c = Query.parse("source:(sshd OR sudo) -@usr.name:root env:pr* _exists_:@network.client.ip").clause();
        assertThat(c).isEqualTo(new Clause.And(List.of(
                new Clause.FieldIs(new Clause.Reserved("source"), new Clause.AnyOf(List.of(
                        new Clause.Exact("sshd", null, null), new Clause.Exact("sudo", null, null)))),
                new Clause.Not(new Clause.FieldIs(new Clause.Attribute("usr.name"), new Clause.Exact("root", null, null))),
                new Clause.FieldIs(new Clause.Tag("env"), new Clause.Pattern("pr*", "LL*")),
                new Clause.Exists(new Clause.Attribute("network.client.ip")))));
    }

    @Test
    void valuesCarryWhatTheMatcherComparesBy() {
        assertThat(Query.parse("@port:22").clause()).isEqualTo(new Clause.FieldIs(new Clause.Attribute("port"), new Clause.Exact("22", 22L, null)));
        assertThat(Query.parse("@x:2.5").clause()).isEqualTo(new Clause.FieldIs(new Clause.Attribute("x"), new Clause.Exact("2.5", 2.5, null)));
        assertThat(Query.parse("@ok:true").clause()).isEqualTo(new Clause.FieldIs(new Clause.Attribute("ok"), new Clause.Exact("true", null, true)));
        assertThat(Query.parse("@n:[1 TO 5}").clause()).isEqualTo(new Clause.FieldIs(new Clause.Attribute("n"), new Clause.Range("1", true, "5", false)));
        assertThat(Query.parse("CIDR(@ip, 10.0.0.0/8)").clause()).isEqualTo(new Clause.FieldIs(new Clause.Attribute("ip"), new Clause.Cidr(List.of("10.0.0.0/8"))));
        assertThat(Query.parse("tags:pci").clause()).isEqualTo(new Clause.FieldIs(new Clause.Tag(null), new Clause.Exact("pci", null, null)));
        assertThat(Query.parse("\"Failed pass\\*\"").clause()).isEqualTo(new Clause.Text("Failed pass\\*", "LLLLLLLLLLLLL"));
        assertThat(Query.parse("").clause()).isEqualTo(new Clause.All());
        assertThat(Query.parse("_missing_:host").clause()).isEqualTo(new Clause.Not(new Clause.Exists(new Clause.Reserved("host"))));
    }
}
