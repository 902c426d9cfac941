package dev.vigil.server.store;

import dev.vigil.server.users.PasswordHasher;
import dev.vigil.server.users.Role;
import dev.vigil.server.users.Session;
import dev.vigil.server.users.User;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Console users and their login sessions. Passwords are stored as Argon2id hashes; a session is
 * stored under the SHA-256 of its cookie value (random 32 bytes, like API keys, so a fast hash is
 * enough: see {@link ApiKeyStore}).
 */
public final class UserStore {

    /** A session ends after this long without a request. */
    public static final long IDLE_TIMEOUT_MS = 8 * 3_600_000L;
    /** ...and after this long in any case. */
    public static final long MAX_SESSION_MS = 7 * 24 * 3_600_000L;
    public static final int MIN_PASSWORD_CHARS = 12, MAX_PASSWORD_CHARS = 1024;
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");
    private static final long TOUCH_GRANULARITY_MS = 60_000;
    private static final String COLUMNS = "id, username, role, created_at, created_by, last_login_at, disabled_at";
    private static final RowMapper<User> ROW = (rs, ctx) -> new User(rs.getString("id"), rs.getString("username"),
            Role.parse(rs.getString("role")), rs.getLong("created_at"), rs.getString("created_by"),
            rs.getObject("last_login_at") == null ? null : rs.getLong("last_login_at"),
            rs.getObject("disabled_at") == null ? null : rs.getLong("disabled_at"));

    private final Database db;
    private final PasswordHasher hasher;
    private final ConcurrentHashMap<String, Long> touched = new ConcurrentHashMap<>();
    /** Verified against when the user does not exist, so timing does not tell which names do. */
    private volatile String dummyHash;

    UserStore(Database db, PasswordHasher hasher) {
        this.db = db;
        this.hasher = hasher;
    }

    /** A lower-cased, checked user name. */
    public static String username(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(n).matches()) {
            throw new IllegalArgumentException("user name must be 1-64 of a-z 0-9 . _ @ - (starting with a letter or digit)");
        }
        return n;
    }

    static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD_CHARS) {
            throw new IllegalArgumentException("password must have at least " + MIN_PASSWORD_CHARS + " characters");
        }
        if (password.length() > MAX_PASSWORD_CHARS) throw new IllegalArgumentException("password is too long");
    }

    /** @throws IllegalArgumentException for a bad name or password, or a name already taken */
    public User create(String username, String password, Role role, String actor) {
        String name = username(username);
        checkPassword(password);
        String hash = hasher.hash(password);
        String id = Ids.random("usr-");
        try {
            return db.write(h -> {
                if (h.createQuery("SELECT count(*) FROM users WHERE username = :u").bind("u", name).mapTo(Long.class).one() > 0) {
                    throw new IllegalArgumentException("user '" + name + "' already exists");
                }
                h.createUpdate("INSERT INTO users (id, username, password_hash, role, created_at, created_by) "
                                + "VALUES (:id, :u, :hash, :role, :now, :actor)")
                        .bind("id", id).bind("u", name).bind("hash", hash).bind("role", role.id())
                        .bind("now", db.now()).bind("actor", actor).execute();
                return h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id").bind("id", id).map(ROW).one();
            });
        } catch (StoreException e) {
            // the same name created at the same moment by another server or `vigil users add` (unique index)
            if (byName(name).isPresent()) throw new IllegalArgumentException("user '" + name + "' already exists");
            throw e;
        }
    }

    public List<User> list() {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM users ORDER BY username").map(ROW).list());
    }

    public Optional<User> byName(String username) {
        String name = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE username = :u").bind("u", name).map(ROW).findOne());
    }

    public boolean isEmpty() {
        return db.read(h -> h.createQuery("SELECT count(*) FROM users").mapTo(Long.class).one()) == 0;
    }

    /**
     * The enabled user whose password this is. Costs one Argon2 hash whether or not the user
     * exists. A hash made with older parameters is replaced by one with the current ones.
     */
    public Optional<User> authenticate(String username, String password) {
        if (password == null || password.length() > MAX_PASSWORD_CHARS) return Optional.empty();
        String name = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        record Row(User user, String hash) {}
        Optional<Row> row = db.read(h -> h.createQuery("SELECT " + COLUMNS + ", password_hash FROM users WHERE username = :u")
                .bind("u", name).map((rs, ctx) -> new Row(ROW.map(rs, ctx), rs.getString("password_hash"))).findOne());
        if (row.isEmpty() && dummyHash == null) dummyHash = hasher.hash("not a password of anyone's");
        boolean ok = hasher.verify(password, row.map(Row::hash).orElse(dummyHash));
        if (!ok || row.isEmpty() || row.get().user().disabled()) return Optional.empty();
        if (hasher.needsRehash(row.get().hash())) setPasswordHash(row.get().user().id(), hasher.hash(password));
        return row.map(Row::user);
    }

    /** Sets a new password and ends the user's sessions. */
    public void setPassword(String username, String password) {
        checkPassword(password);
        User u = byName(username).orElseThrow(() -> new NotFoundException("user", username));
        String hash = hasher.hash(password);
        db.write(h -> {
            h.createUpdate("UPDATE users SET password_hash = :h WHERE id = :id").bind("h", hash).bind("id", u.id()).execute();
            h.createUpdate("DELETE FROM sessions WHERE user_id = :id").bind("id", u.id()).execute();
            return null;
        });
    }

    private void setPasswordHash(String id, String hash) {
        db.write(h -> h.createUpdate("UPDATE users SET password_hash = :h WHERE id = :id").bind("h", hash).bind("id", id).execute());
    }

    public User setRole(String username, Role role) {
        User u = byName(username).orElseThrow(() -> new NotFoundException("user", username));
        db.write(h -> h.createUpdate("UPDATE users SET role = :r WHERE id = :id").bind("r", role.id()).bind("id", u.id()).execute());
        return byName(username).orElseThrow();
    }

    /** Disables (or enables again) a user; disabling ends their sessions. */
    public User setDisabled(String username, boolean disabled) {
        User u = byName(username).orElseThrow(() -> new NotFoundException("user", username));
        db.write(h -> {
            h.createUpdate("UPDATE users SET disabled_at = :t WHERE id = :id")
                    .bind("t", disabled ? db.now() : null).bind("id", u.id()).execute();
            if (disabled) h.createUpdate("DELETE FROM sessions WHERE user_id = :id").bind("id", u.id()).execute();
            return null;
        });
        return byName(username).orElseThrow();
    }

    /** A new session for {@code user}: the cookie value (shown to the browser only) and the session. */
    public record NewSession(String token, Session session) {}

    public NewSession startSession(User user) {
        String token = randomToken();
        String csrf = randomToken();
        long now = db.now();
        db.write(h -> {
            h.createUpdate("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) "
                            + "VALUES (:t, :u, :c, :now, :now, :exp)")
                    .bind("t", ApiKeyStore.sha256(token)).bind("u", user.id()).bind("c", csrf).bind("now", now)
                    .bind("exp", now + MAX_SESSION_MS).execute();
            h.createUpdate("UPDATE users SET last_login_at = :now WHERE id = :id").bind("now", now).bind("id", user.id()).execute();
            // expired sessions of everyone go when someone logs in: no separate sweeper needed
            h.createUpdate("DELETE FROM sessions WHERE expires_at < :now OR last_seen_at < :idle")
                    .bind("now", now).bind("idle", now - IDLE_TIMEOUT_MS).execute();
            return null;
        });
        touched.values().removeIf(t -> t < now - IDLE_TIMEOUT_MS); // those sessions were just deleted
        return new NewSession(token, new Session(user, csrf, now, now + MAX_SESSION_MS));
    }

    /** The live session of this cookie value, for an enabled user; empty if unknown, expired or idle too long. */
    public Optional<Session> session(String token) {
        if (token == null || token.length() != 43) return Optional.empty();
        String hash = ApiKeyStore.sha256(token);
        long now = db.now();
        record Row(Session session, long lastSeen) {}
        Optional<Row> row = db.read(h -> h.createQuery("SELECT s.csrf_token, s.created_at AS s_created, s.expires_at, s.last_seen_at, "
                        + "u.id, u.username, u.role, u.created_at, u.created_by, u.last_login_at, u.disabled_at "
                        + "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = :t")
                .bind("t", hash)
                .map((rs, ctx) -> new Row(new Session(ROW.map(rs, ctx), rs.getString("csrf_token"), rs.getLong("s_created"),
                        rs.getLong("expires_at")), rs.getLong("last_seen_at")))
                .findOne());
        if (row.isEmpty()) return Optional.empty();
        Session s = row.get().session();
        if (s.user().disabled() || s.expiresAt() < now || row.get().lastSeen() < now - IDLE_TIMEOUT_MS) return Optional.empty();
        Long last = touched.get(hash);
        if (last == null || now - last >= TOUCH_GRANULARITY_MS) {
            touched.put(hash, now);
            db.write(h -> h.createUpdate("UPDATE sessions SET last_seen_at = :now WHERE token_hash = :t")
                    .bind("now", now).bind("t", hash).execute());
        }
        return Optional.of(s);
    }

    public void endSession(String token) {
        if (token == null) return;
        String hash = ApiKeyStore.sha256(token);
        touched.remove(hash);
        db.write(h -> h.createUpdate("DELETE FROM sessions WHERE token_hash = :t").bind("t", hash).execute());
    }

    /** 32 random bytes, base64url without padding: 43 characters. */
    static String randomToken() {
        byte[] b = new byte[32];
        Ids.RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
