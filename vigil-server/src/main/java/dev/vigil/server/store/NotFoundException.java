package dev.vigil.server.store;

/** The thing a change names does not exist (any more): an API answers 404. */
public final class NotFoundException extends StoreException {

    private final String kind;
    private final String id;

    public NotFoundException(String kind, String id) {
        super(kind + " `" + id + "` does not exist");
        this.kind = kind;
        this.id = id;
    }

    /** What was looked for: {@code signal}, {@code suppression}, {@code rule}, {@code api key}. */
    public String kind() { return kind; }

    public String id() { return id; }
}
