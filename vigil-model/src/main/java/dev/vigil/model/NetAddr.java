package dev.vigil.model;

/**
 * A socket address: the family ({@link LinuxConstants#AF_INET} and so on), the textual IP (empty for
 * AF_UNIX), the port, and for unix sockets the socket path.
 */
public record NetAddr(int family, String ip, int port, String path) {

    public static final NetAddr NONE = new NetAddr(0, "", 0, "");

    public NetAddr {
        ip = ip == null ? "" : ip;
        path = path == null ? "" : path;
    }

    public static NetAddr inet(int family, String ip, int port) { return new NetAddr(family, ip, port, ""); }
}
