package dev.vigil.detect.normalize;

/** Names of the errno values failed syscalls most often return (Linux x86_64 and arm64). */
final class Errno {

    private static final String[] NAMES = new String[112];

    static {
        NAMES[1] = "EPERM";
        NAMES[2] = "ENOENT";
        NAMES[3] = "ESRCH";
        NAMES[4] = "EINTR";
        NAMES[9] = "EBADF";
        NAMES[11] = "EAGAIN";
        NAMES[12] = "ENOMEM";
        NAMES[13] = "EACCES";
        NAMES[16] = "EBUSY";
        NAMES[17] = "EEXIST";
        NAMES[18] = "EXDEV";
        NAMES[20] = "ENOTDIR";
        NAMES[21] = "EISDIR";
        NAMES[22] = "EINVAL";
        NAMES[28] = "ENOSPC";
        NAMES[30] = "EROFS";
        NAMES[36] = "ENAMETOOLONG";
        NAMES[38] = "ENOSYS";
        NAMES[39] = "ENOTEMPTY";
        NAMES[95] = "EOPNOTSUPP";
        NAMES[97] = "EAFNOSUPPORT";
        NAMES[98] = "EADDRINUSE";
        NAMES[99] = "EADDRNOTAVAIL";
        NAMES[101] = "ENETUNREACH";
        NAMES[110] = "ETIMEDOUT";
        NAMES[111] = "ECONNREFUSED";
    }

    private Errno() {}

    /** The name of {@code errno}, or {@code null} when it is not in the table. */
    static String name(long errno) {
        return errno > 0 && errno < NAMES.length ? NAMES[(int) errno] : null;
    }
}
