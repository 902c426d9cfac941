package dev.vigil.model;

/**
 * A file as an event names it: its absolute path (as seen from the process's root, so a file in a
 * container has the path the container sees) and the last path component.
 */
public record FileRef(String path, String name) {

    /** No file: used where an event has no file in that slot (for example a module loaded from memory). */
    public static final FileRef NONE = new FileRef("", "");

    public FileRef {
        path = path == null ? "" : path;
        name = name == null ? "" : name;
    }

    public static FileRef of(String path) {
        if (path == null || path.isEmpty()) {
            return NONE;
        }
        int slash = path.lastIndexOf('/');
        String name = slash < 0 ? path : (slash == path.length() - 1 && path.length() > 1 ? "" : path.substring(slash + 1));
        return new FileRef(path, name);
    }

    public boolean isNone() { return path.isEmpty(); }

    /** {@code f}, or {@link #NONE} for null. */
    public static FileRef orNone(FileRef f) { return f == null ? NONE : f; }

    /** The extension of the name without the dot, or {@code ""}. */
    public String extension() {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot + 1);
    }
}
