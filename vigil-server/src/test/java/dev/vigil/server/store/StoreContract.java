package dev.vigil.server.store;

import dev.vigil.detect.suppression.Suppression;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.vigil.server.store.TestSignals.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link Store} does besides signals: opening again, settings, suppressions, rules, API keys. */
abstract class StoreContract extends StoreTestCase {

    // ---- the store

    @Test
    void reopeningKeepsEverythingAndTheServerId() {
        String serverId = store.serverId();
        assertThat(serverId).startsWith("srv-");
        assertThat(store.dialect()).isEqualTo(dialect());
        store.signals().applyEngineUpdates(List.of(signal("sig-1").build()), new DetectionCheckpoint(3, 2));
        store.rules().put("r1", "Rule one", RuleFormat.YAML, "name: one", "alice");
        store.close();

        store = fixture.open(clock);

        assertThat(store.serverId()).isEqualTo(serverId);
        assertThat(store.signals().get("sig-1")).isPresent();
        assertThat(store.signals().checkpoint()).contains(new DetectionCheckpoint(3, 2));
        assertThat(store.rules().get("r1")).isPresent();
    }

    // ---- settings

    @Test
    void settingsAreSmallNamedValues() {
        assertThat(store.settings().get("ui.theme")).isEmpty();
        store.settings().put("ui.theme", "dark");
        store.settings().put("ui.theme", "light 🌞");
        assertThat(store.settings().get("ui.theme")).contains("light 🌞");
        assertThat(store.settings().getOrCreate("ui.theme", () -> "other")).isEqualTo("light 🌞");
        assertThat(store.settings().getOrCreate("new", () -> "first")).isEqualTo("first");
        assertThat(store.settings().delete("ui.theme")).isTrue();
        assertThat(store.settings().delete("ui.theme")).isFalse();
        assertThat(store.settings().get(Settings.SERVER_ID)).contains(store.serverId());
    }

    // ---- suppressions

    @Test
    void suppressionsAreCreatedReadUpdatedAndDeleted() {
        Suppression ci = store.suppressions().create(
                new SuppressionSpec("CI compilers", "builds run gcc", "rule-compiler", "@host.tags:env:ci", null, true), "alice");
        clock.advance(1_000);
        Suppression temp = store.suppressions().create(
                new SuppressionSpec("pentest", null, null, "@host.name:pentest-*", T0 + 86_400_000L, true), "bob");

        assertThat(ci.id()).startsWith("sup-").isNotEqualTo(temp.id());
        assertThat(ci).isEqualTo(new Suppression(ci.id(), "CI compilers", "builds run gcc", "rule-compiler",
                "@host.tags:env:ci", null, true, "alice", T0, 0));
        assertThat(temp.ruleId()).isNull();
        assertThat(temp.description()).isNull();
        assertThat(temp.expiresAt()).isEqualTo(T0 + 86_400_000L);
        assertThat(store.suppressions().list()).containsExactly(ci, temp);
        assertThat(store.suppressions().get(ci.id())).contains(ci);

        Suppression off = store.suppressions().update(ci.id(),
                new SuppressionSpec("CI compilers (off)", "paused", "rule-compiler", "@host.tags:env:ci", null, false));
        assertThat(off).isEqualTo(new Suppression(ci.id(), "CI compilers (off)", "paused", "rule-compiler",
                "@host.tags:env:ci", null, false, "alice", T0, 0));

        assertThat(store.suppressions().delete(temp.id())).isTrue();
        assertThat(store.suppressions().delete(temp.id())).isFalse();
        assertThat(store.suppressions().list()).containsExactly(off);
        assertThatThrownBy(() -> store.suppressions().update(temp.id(), new SuppressionSpec("x", null, null, "*", null, true)))
                .isInstanceOf(NotFoundException.class).hasMessage("suppression `" + temp.id() + "` does not exist");
        assertThatThrownBy(() -> new SuppressionSpec(" ", null, null, "*", null, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
    }

    @Test
    void suppressedCountsAddUp() {
        Suppression a = store.suppressions().create(new SuppressionSpec("a", null, null, "*", null, true), "alice");
        Suppression b = store.suppressions().create(new SuppressionSpec("b", null, null, "*", null, true), "alice");

        store.suppressions().addSuppressedCounts(Map.of(a.id(), 5L, b.id(), 1L, "sup-deleted", 9L));
        store.suppressions().addSuppressedCounts(Map.of(a.id(), 400_000L));
        store.suppressions().addSuppressedCounts(Map.of());

        assertThat(store.suppressions().get(a.id()).orElseThrow().suppressedCount()).isEqualTo(400_005L);
        assertThat(store.suppressions().get(b.id()).orElseThrow().suppressedCount()).isEqualTo(1L);
        // an update by a person keeps the count
        store.suppressions().update(a.id(), new SuppressionSpec("a2", null, null, "*", null, true));
        assertThat(store.suppressions().get(a.id()).orElseThrow().suppressedCount()).isEqualTo(400_005L);
    }

    // ---- rules

    @Test
    void everyRuleChangeBumpsItsVersionAndRepeatingOneDoesNot() {
        StoredRule v1 = store.rules().put("miner", "Crypto miner", RuleFormat.YAML, "query: '@exec.name:xmrig'\n", "alice");
        assertThat(v1).isEqualTo(new StoredRule("miner", "Crypto miner", RuleFormat.YAML, "query: '@exec.name:xmrig'\n",
                true, 1, T0, "alice"));

        clock.advance(1_000);
        assertThat(store.rules().put("miner", "Crypto miner", RuleFormat.YAML, "query: '@exec.name:xmrig'\n", "bob"))
                .isEqualTo(v1);

        StoredRule v2 = store.rules().put("miner", "Crypto miner", RuleFormat.JSON, "{\"query\":\"@exec.name:xmrig\"}", "bob");
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.format()).isEqualTo(RuleFormat.JSON);
        assertThat(v2.updatedAt()).isEqualTo(T0 + 1_000);
        assertThat(v2.updatedBy()).isEqualTo("bob");

        StoredRule off = store.rules().setEnabled("miner", false, "carol");
        assertThat(off.enabled()).isFalse();
        assertThat(off.version()).isEqualTo(3);
        assertThat(store.rules().setEnabled("miner", false, "carol").version()).isEqualTo(3);

        // a new text keeps the rule disabled
        StoredRule v4 = store.rules().put("miner", "Crypto miner v2", RuleFormat.JSON, "{}", "dave");
        assertThat(v4.version()).isEqualTo(4);
        assertThat(v4.enabled()).isFalse();
    }

    @Test
    void rulesAreListedByIdAndDeleted() {
        store.rules().put("b", "B", RuleFormat.YAML, "b", "alice");
        store.rules().put("a", "A", RuleFormat.YAML, "a", "alice");
        store.rules().put("c", "C ✓", RuleFormat.JSON, "{\"name\": \"✓ ש\"}", "alice");

        assertThat(store.rules().list()).extracting(StoredRule::id).containsExactly("a", "b", "c");
        assertThat(store.rules().get("c").orElseThrow().source()).isEqualTo("{\"name\": \"✓ ש\"}");
        assertThat(store.rules().delete("b")).isTrue();
        assertThat(store.rules().delete("b")).isFalse();
        assertThat(store.rules().get("b")).isEmpty();
        assertThatThrownBy(() -> store.rules().setEnabled("b", true, "alice"))
                .isInstanceOf(NotFoundException.class).hasMessage("rule `b` does not exist");
        assertThatThrownBy(() -> store.rules().put("d", " ", RuleFormat.YAML, "", "alice"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rule `d` needs a name");
    }

    // ---- API keys

    @Test
    void aKeyIsShownOnceAndVerifiedByItsHash() {
        CreatedKey created = store.apiKeys().create("ci deploy", "alice");
        String plaintext = created.plaintext();

        assertThat(plaintext).startsWith("vgl_").hasSize(4 + 43).matches("vgl_[0-9A-Za-z]{43}");
        ApiKey key = created.key();
        assertThat(key.id()).startsWith("key-");
        assertThat(key).isEqualTo(new ApiKey(key.id(), "ci deploy", plaintext.substring(0, 12), T0, "alice", null, null));
        assertThat(created.toString()).doesNotContain(plaintext.substring(4));
        assertThat(store.apiKeys().verify(plaintext)).contains(key);
        // nothing the store hands out holds the key or its hash
        String hash = ApiKeyStore.sha256(plaintext);
        assertThat(store.apiKeys().list().toString()).doesNotContain(hash).doesNotContain(plaintext.substring(12));
        assertThat(rows("api_keys")).isEqualTo(1);
    }

    @Test
    void wrongMalformedAndRevokedKeysDoNotVerify() {
        CreatedKey a = store.apiKeys().create("a", "alice");
        CreatedKey b = store.apiKeys().create("b", "alice");
        String p = a.plaintext();
        char last = p.charAt(p.length() - 1);

        assertThat(store.apiKeys().verify(p.substring(0, p.length() - 1) + (last == 'a' ? 'b' : 'a'))).isEmpty();
        assertThat(store.apiKeys().verify(p.toUpperCase(java.util.Locale.ROOT))).isEmpty();
        assertThat(store.apiKeys().verify(p + "x")).isEmpty();
        assertThat(store.apiKeys().verify("")).isEmpty();
        assertThat(store.apiKeys().verify(null)).isEmpty();

        clock.advance(5_000);
        assertThat(store.apiKeys().revoke(a.key().id())).isTrue();
        assertThat(store.apiKeys().revoke(a.key().id())).isFalse();
        assertThat(store.apiKeys().revoke("key-unknown")).isFalse();
        assertThat(store.apiKeys().verify(p)).isEmpty();
        assertThat(store.apiKeys().verify(b.plaintext())).isPresent();
        assertThat(store.apiKeys().list()).extracting(ApiKey::name, ApiKey::revokedAt, ApiKey::active)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a", T0 + 5_000, false),
                        org.assertj.core.groups.Tuple.tuple("b", null, true));
    }

    @Test
    void keysAreDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) assertThat(seen.add(store.apiKeys().create("k" + i, "alice").plaintext())).isTrue();
    }

    @Test
    void touchRecordsTheLastUseAtMostOncePerMinute() {
        ApiKey key = store.apiKeys().create("k", "alice").key();

        store.apiKeys().touch(key.id(), T0 + 1_000);
        store.apiKeys().touch(key.id(), T0 + 2_000);
        assertThat(lastUsed(key)).isEqualTo(T0 + 1_000);

        store.apiKeys().touch(key.id(), T0 + 1_000 + ApiKeyStore.TOUCH_GRANULARITY_MS);
        assertThat(lastUsed(key)).isEqualTo(T0 + 1_000 + ApiKeyStore.TOUCH_GRANULARITY_MS);
        store.apiKeys().touch("key-unknown", T0);
    }

    private Long lastUsed(ApiKey key) {
        return store.apiKeys().list().stream().filter(k -> k.id().equals(key.id())).findFirst().orElseThrow().lastUsedAt();
    }
}
