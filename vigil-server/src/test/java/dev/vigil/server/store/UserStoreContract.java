package dev.vigil.server.store;

import dev.vigil.server.users.PasswordHasher;
import dev.vigil.server.users.Role;
import dev.vigil.server.users.Session;
import dev.vigil.server.users.User;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Console users and their sessions, the same on every store. */
abstract class UserStoreContract extends StoreTestCase {

    static final String PASSWORD = "correct horse battery";
    static final long HOUR = 3_600_000L;

    UserStore users() {
        return store.users();
    }

    String storedHash(String username) {
        return store.database().read(h -> h.createQuery("SELECT password_hash FROM users WHERE username = :u")
                .bind("u", username).mapTo(String.class).one());
    }

    // ---- accounts

    @Test
    void createdUsersAreListedByNameWithTheirRole() {
        assertThat(users().isEmpty()).isTrue();
        User bob = users().create("Bob", PASSWORD, Role.READ_ONLY, "cli:root");
        clock.advance(1_000);
        User alice = users().create("  alice.smith@example.com ", PASSWORD, Role.ADMIN, "vigil");

        assertThat(bob.id()).startsWith("usr-");
        assertThat(bob).isEqualTo(new User(bob.id(), "bob", Role.READ_ONLY, T0, "cli:root", null, null));
        assertThat(alice.username()).isEqualTo("alice.smith@example.com");
        assertThat(alice.createdAt()).isEqualTo(T0 + 1_000);
        assertThat(users().list()).containsExactly(alice, bob);
        assertThat(users().byName("BOB ")).contains(bob);
        assertThat(users().byName("carol")).isEmpty();
        assertThat(users().isEmpty()).isFalse();
        // only an Argon2id hash is stored, never the password
        assertThat(storedHash("bob")).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain(PASSWORD);
    }

    @Test
    void aNameIsTakenOnceWhateverItsCase() {
        users().create("alice", PASSWORD, Role.ADMIN, "vigil");
        assertThatThrownBy(() -> users().create("ALICE", "another password!", Role.READ_ONLY, "vigil"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("user 'alice' already exists");
        assertThat(users().list()).hasSize(1).first().extracting(User::role).isEqualTo(Role.ADMIN);
    }

    @Test
    void badNamesAreRefused() {
        for (String bad : new String[] {"", "   ", "-alice", ".alice", "al ice", "<script>", "alice/bob", "ålice", "a".repeat(65), null}) {
            assertThatThrownBy(() -> users().create(bad, PASSWORD, Role.ADMIN, "vigil")).as("name %s", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("user name must be 1-64 of a-z 0-9");
        }
        for (String good : new String[] {"a", "0", "bob_2", "x-y", "alice.smith@example.com", "a".repeat(64)}) {
            assertThat(users().create(good, PASSWORD, Role.READ_ONLY, "vigil").username()).isEqualTo(good);
        }
        assertThat(users().list()).hasSize(6);
    }

    @Test
    void shortAndOverlongPasswordsAreRefused() {
        assertThatThrownBy(() -> users().create("alice", "eleven char", Role.ADMIN, "vigil"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("password must have at least 12 characters");
        assertThatThrownBy(() -> users().create("alice", null, Role.ADMIN, "vigil"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("password must have at least 12 characters");
        assertThatThrownBy(() -> users().create("alice", "x".repeat(1025), Role.ADMIN, "vigil"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("password is too long");
        assertThat(users().isEmpty()).isTrue();
        assertThat(users().create("alice", "twelve chars", Role.ADMIN, "vigil").username()).isEqualTo("alice");

        assertThatThrownBy(() -> users().setPassword("alice", "too short")).isInstanceOf(IllegalArgumentException.class);
        assertThat(users().authenticate("alice", "twelve chars")).isPresent();
    }

    // ---- logging in

    @Test
    void authenticateNeedsTheRightPasswordOfAnEnabledUser() {
        User alice = users().create("alice", PASSWORD, Role.RESPONDER, "vigil");

        assertThat(users().authenticate("alice", PASSWORD)).contains(alice);
        assertThat(users().authenticate(" Alice ", PASSWORD)).contains(alice);
        assertThat(users().authenticate("alice", "correct horse battery ")).isEmpty();
        assertThat(users().authenticate("alice", "wrong password")).isEmpty();
        assertThat(users().authenticate("alice", "")).isEmpty();
        assertThat(users().authenticate("alice", null)).isEmpty();
        assertThat(users().authenticate("alice", "x".repeat(1025))).isEmpty();
        assertThat(users().authenticate("mallory", PASSWORD)).isEmpty();
        assertThat(users().authenticate(null, PASSWORD)).isEmpty();

        User disabled = users().setDisabled("alice", true);
        assertThat(disabled.disabledAt()).isEqualTo(T0);
        assertThat(users().authenticate("alice", PASSWORD)).isEmpty();
        assertThat(users().setDisabled("alice", false).disabled()).isFalse();
        assertThat(users().authenticate("alice", PASSWORD)).contains(alice);
    }

    @Test
    void aHashWithOtherParametersIsReplacedAtTheNextLogin() {
        // made by an older version with cheaper parameters
        new UserStore(store.database(), new PasswordHasher(64, 1, 1)).create("alice", PASSWORD, Role.ADMIN, "vigil");
        String old = storedHash("alice");
        assertThat(old).startsWith("$argon2id$v=19$m=64,t=1,p=1$");

        assertThat(users().authenticate("alice", "wrong password")).isEmpty();
        assertThat(storedHash("alice")).isEqualTo(old); // only the right password may be re-hashed

        assertThat(users().authenticate("alice", PASSWORD)).isPresent();
        String rehashed = storedHash("alice");
        assertThat(rehashed).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(users().authenticate("alice", PASSWORD)).isPresent();
        assertThat(storedHash("alice")).isEqualTo(rehashed);
    }

    @Test
    void changesToUnknownUsersAreNotFound() {
        assertThatThrownBy(() -> users().setPassword("ghost", PASSWORD)).isInstanceOf(NotFoundException.class)
                .hasMessage("user `ghost` does not exist");
        assertThatThrownBy(() -> users().setRole("ghost", Role.ADMIN)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> users().setDisabled("ghost", true)).isInstanceOf(NotFoundException.class);
    }

    // ---- sessions

    @Test
    void aSessionIsFoundByItsCookieValueOnly() {
        User alice = users().create("alice", PASSWORD, Role.RESPONDER, "vigil");
        clock.advance(5_000);
        UserStore.NewSession s = users().startSession(alice);

        assertThat(s.token()).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(s.session().csrfToken()).hasSize(43).isNotEqualTo(s.token());
        Session found = users().session(s.token()).orElseThrow();
        assertThat(found.user().username()).isEqualTo("alice");
        assertThat(found.csrfToken()).isEqualTo(s.session().csrfToken());
        assertThat(found.createdAt()).isEqualTo(T0 + 5_000);
        assertThat(found.expiresAt()).isEqualTo(T0 + 5_000 + UserStore.MAX_SESSION_MS);
        assertThat(users().byName("alice").orElseThrow().lastLoginAt()).isEqualTo(T0 + 5_000);

        assertThat(users().session(null)).isEmpty();
        assertThat(users().session("")).isEmpty();
        assertThat(users().session(s.token().substring(1) + "A")).isEmpty();
        assertThat(users().session(s.token() + "A")).isEmpty();
        // stored as a hash: the table holds nothing a browser could send
        long plain = store.database().read(h -> h.createQuery("SELECT count(*) FROM sessions WHERE token_hash = :t")
                .bind("t", s.token()).mapTo(Long.class).one());
        assertThat(plain).isZero();

        // two logins, two sessions with their own CSRF tokens
        UserStore.NewSession other = users().startSession(alice);
        assertThat(other.session().csrfToken()).isNotEqualTo(s.session().csrfToken());
        assertThat(rows("sessions")).isEqualTo(2);
    }

    @Test
    void aSessionInUseEndsSevenDaysAfterLogin() {
        UserStore.NewSession s = users().startSession(users().create("alice", PASSWORD, Role.ADMIN, "vigil"));
        long used = 0;
        while (used + 7 * HOUR < UserStore.MAX_SESSION_MS) {
            used += 7 * HOUR;
            clock.advance(7 * HOUR);
            assertThat(users().session(s.token())).as("after %d h", used / HOUR).isPresent();
        }
        clock.advance(UserStore.MAX_SESSION_MS - used);
        assertThat(users().session(s.token())).as("at exactly 7 days").isPresent();
        clock.advance(1);
        assertThat(users().session(s.token())).isEmpty();
    }

    @Test
    void aSessionEndsAfterEightHoursWithoutARequest() {
        User alice = users().create("alice", PASSWORD, Role.ADMIN, "vigil");
        UserStore.NewSession s = users().startSession(alice);
        UserStore.NewSession other = users().startSession(alice);

        clock.advance(UserStore.IDLE_TIMEOUT_MS - 60_000);
        assertThat(users().session(s.token())).isPresent(); // a request: the idle time starts again
        clock.advance(UserStore.IDLE_TIMEOUT_MS - 60_000);
        assertThat(users().session(s.token())).isPresent();
        assertThat(users().session(other.token())).as("idle for 16 h").isEmpty();

        clock.advance(UserStore.IDLE_TIMEOUT_MS + 1);
        assertThat(users().session(s.token())).isEmpty();

        // the next login sweeps what expired
        assertThat(rows("sessions")).isEqualTo(2);
        UserStore.NewSession fresh = users().startSession(alice);
        assertThat(rows("sessions")).isEqualTo(1);
        assertThat(users().session(fresh.token())).isPresent();
    }

    @Test
    void endingASessionEndsOnlyThatOne() {
        User alice = users().create("alice", PASSWORD, Role.ADMIN, "vigil");
        UserStore.NewSession laptop = users().startSession(alice);
        UserStore.NewSession phone = users().startSession(alice);

        users().endSession(laptop.token());
        users().endSession(null);
        users().endSession("not a token");

        assertThat(users().session(laptop.token())).isEmpty();
        assertThat(users().session(phone.token())).isPresent();
    }

    @Test
    void aNewPasswordEndsEverySessionOfThatUser() {
        User alice = users().create("alice", PASSWORD, Role.ADMIN, "vigil");
        User bob = users().create("bob", PASSWORD, Role.READ_ONLY, "vigil");
        UserStore.NewSession a1 = users().startSession(alice), a2 = users().startSession(alice), b = users().startSession(bob);
        assertThat(users().session(a1.token())).isPresent();

        users().setPassword("ALICE", "a new password");

        assertThat(users().session(a1.token())).isEmpty();
        assertThat(users().session(a2.token())).isEmpty();
        assertThat(users().session(b.token())).isPresent();
        assertThat(users().authenticate("alice", PASSWORD)).isEmpty();
        assertThat(users().authenticate("alice", "a new password")).isPresent();
    }

    @Test
    void disablingEndsSessionsAndARoleChangeShowsAtTheNextRequest() {
        User alice = users().create("alice", PASSWORD, Role.ADMIN, "vigil");
        UserStore.NewSession s = users().startSession(alice);

        assertThat(users().setRole("alice", Role.READ_ONLY).role()).isEqualTo(Role.READ_ONLY);
        assertThat(users().session(s.token()).map(x -> x.user().role())).isEqualTo(Optional.of(Role.READ_ONLY));

        users().setDisabled("alice", true);
        assertThat(users().session(s.token())).isEmpty();
        users().setDisabled("alice", false);
        assertThat(users().session(s.token())).as("enabling again does not bring sessions back").isEmpty();
    }
}
