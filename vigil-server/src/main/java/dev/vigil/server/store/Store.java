package dev.vigil.server.store;

import java.time.InstantSource;
import java.util.Objects;

/**
 * The backend's database: open one per process with {@link #open(StoreConfig)}, share it, close it
 * at shutdown. Opening migrates the schema to the current version (Flyway), so a new server
 * version upgrades the database it finds. Every part is safe for concurrent use.
 *
 * <pre>{@code
 * try (Store store = Store.open(StoreConfig.sqlite(Path.of("/var/lib/vigil")))) {
 *     store.signals().applyEngineUpdates(updates, DetectionCheckpoint.at(offset));
 *     SignalPage open = store.signals().search(SignalQuery.builder().status(SignalStatus.OPEN).build());
 * }
 * }</pre>
 */
public final class Store implements AutoCloseable {

    private final Database db;
    private final SignalStore signals;
    private final SuppressionStore suppressions;
    private final RuleStore rules;
    private final ApiKeyStore apiKeys;
    private final Settings settings;
    private final UserStore users;
    private final String serverId;

    private Store(Database db) {
        this.db = db;
        this.signals = new SignalStore(db);
        this.suppressions = new SuppressionStore(db);
        this.rules = new RuleStore(db);
        this.apiKeys = new ApiKeyStore(db);
        this.settings = new Settings(db);
        this.users = new UserStore(db, new dev.vigil.server.users.PasswordHasher());
        this.serverId = settings.getOrCreate(Settings.SERVER_ID, () -> Ids.random("srv-"));
    }

    /**
     * Opens (creating and migrating as needed) the store {@code config} describes.
     *
     * @throws StoreException if the database cannot be reached, created or migrated; the message names it
     */
    public static Store open(StoreConfig config) {
        return open(config, InstantSource.system());
    }

    /** As {@link #open(StoreConfig)}, with the clock that stamps changes (tests pass a fixed one). */
    public static Store open(StoreConfig config, InstantSource clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Database db = Database.open(config, clock);
        try {
            return new Store(db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public Dialect dialect() { return db.dialect(); }

    public SignalStore signals() { return signals; }

    public SuppressionStore suppressions() { return suppressions; }

    public RuleStore rules() { return rules; }

    public ApiKeyStore apiKeys() { return apiKeys; }

    public Settings settings() { return settings; }

    /** Console users and sessions. */
    public UserStore users() { return users; }

    /** This server's id: random, made when the database was created, stable across restarts. */
    public String serverId() { return serverId; }

    /** For tests that look at tables directly (cascades). */
    Database database() { return db; }

    @Override
    public void close() {
        db.close();
    }
}
