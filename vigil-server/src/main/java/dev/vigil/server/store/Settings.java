package dev.vigil.server.store;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** Small named values the server keeps about itself, such as its id. */
public final class Settings {

    /** The server's id, made once when the store is first opened. */
    public static final String SERVER_ID = "server.id";

    private final Database db;

    Settings(Database db) {
        this.db = db;
    }

    public Optional<String> get(String name) {
        return db.read(h -> h.createQuery("SELECT value FROM settings WHERE name = :name").bind("name", name)
                .mapTo(String.class).findOne());
    }

    public void put(String name, String value) {
        Objects.requireNonNull(value, "value");
        db.write(h -> h.createUpdate("INSERT INTO settings (name, value, updated_at) VALUES (:name, :value, :now) "
                        + "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
                .bind("name", name).bind("value", value).bind("now", db.now()).execute());
    }

    /** @return whether there was such a setting */
    public boolean delete(String name) {
        return db.write(h -> h.createUpdate("DELETE FROM settings WHERE name = :name").bind("name", name).execute() > 0);
    }

    /** The value of {@code name}, storing {@code initial}'s first if there is none; the first writer wins. */
    public String getOrCreate(String name, Supplier<String> initial) {
        Optional<String> existing = get(name);
        if (existing.isPresent()) return existing.get();
        String value = Objects.requireNonNull(initial.get(), "initial value");
        return db.write(h -> {
            h.createUpdate("INSERT INTO settings (name, value, updated_at) VALUES (:name, :value, :now) "
                            + "ON CONFLICT (name) DO NOTHING")
                    .bind("name", name).bind("value", value).bind("now", db.now()).execute();
            return h.createQuery("SELECT value FROM settings WHERE name = :name").bind("name", name)
                    .mapTo(String.class).one();
        });
    }
}
