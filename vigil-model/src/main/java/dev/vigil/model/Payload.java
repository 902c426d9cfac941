package dev.vigil.model;

/**
 * What is specific to one event type. Each record here is the payload of one {@link EventType};
 * its SECL fields are prefixed by the type id ({@code open.flags}, {@code rename.file.destination.path}).
 * Syscall-based payloads carry {@code retval}: 0 or a positive result on success, {@code -errno}
 * on failure, so failed attempts (an EPERM'd module load, a denied open) are visible to rules.
 */
public sealed interface Payload {

    EventType type();

    /** A program was executed; the new program is the event's process. */
    record Exec() implements Payload {
        public static final Exec INSTANCE = new Exec();
        @Override public EventType type() { return EventType.EXEC; }
    }

    /** A process was forked; the child is the event's process, its parent is {@code process.parent}. */
    record Fork() implements Payload {
        public static final Fork INSTANCE = new Fork();
        @Override public EventType type() { return EventType.FORK; }
    }

    /**
     * A process exited.
     * @param cause {@code EXITED}, {@code SIGNALED} or {@code COREDUMPED}
     * @param code  the exit status for EXITED, the signal number otherwise
     */
    record Exit(String cause, int code) implements Payload {
        public Exit {
            cause = cause == null ? "" : cause;
        }
        @Override public EventType type() { return EventType.EXIT; }
    }

    /** open/openat/openat2/creat. {@code flags} are the O_* flags, {@code mode} the creation mode. */
    record Open(FileRef file, int flags, int mode, int retval) implements Payload {
        public Open {
            file = FileRef.orNone(file);
        }
        @Override public EventType type() { return EventType.OPEN; }
    }

    /** unlink/unlinkat (without AT_REMOVEDIR). */
    record Unlink(FileRef file, int flags, int retval) implements Payload {
        public Unlink {
            file = FileRef.orNone(file);
        }
        @Override public EventType type() { return EventType.UNLINK; }
    }

    /** rename/renameat/renameat2: {@code file} is the source, {@code destination} the new name. */
    record Rename(FileRef file, FileRef destination, int flags, int retval) implements Payload {
        public Rename {
            file = FileRef.orNone(file);
            destination = FileRef.orNone(destination);
        }
        @Override public EventType type() { return EventType.RENAME; }
    }

    /** chmod/fchmod/fchmodat/fchmodat2 with the requested mode (setuid bit is {@code 04000}). */
    record Chmod(FileRef file, int mode, int retval) implements Payload {
        public Chmod {
            file = FileRef.orNone(file);
        }
        @Override public EventType type() { return EventType.CHMOD; }
    }

    /** chown family; -1 means "unchanged", as in the syscall. */
    record Chown(FileRef file, int uid, int gid, int retval) implements Payload {
        public Chown {
            file = FileRef.orNone(file);
        }
        @Override public EventType type() { return EventType.CHOWN; }
    }

    record Mkdir(FileRef file, int mode, int retval) implements Payload {
        public Mkdir {
            file = FileRef.orNone(file);
        }
        @Override public EventType type() { return EventType.MKDIR; }
    }

    /** rmdir, and unlinkat with AT_REMOVEDIR. */
    record Rmdir(FileRef file, int retval) implements Payload {
        public Rmdir {
            file = FileRef.orNone(file);
        }
        @Override public EventType type() { return EventType.RMDIR; }
    }

    /** A hard link: {@code file} is the existing file, {@code destination} the new name. */
    record Link(FileRef file, FileRef destination, int retval) implements Payload {
        public Link {
            file = FileRef.orNone(file);
            destination = FileRef.orNone(destination);
        }
        @Override public EventType type() { return EventType.LINK; }
    }

    /** A symbolic link: {@code file} is the link created, {@code target} the text it points to, as given. */
    record Symlink(FileRef file, String target, int retval) implements Payload {
        public Symlink {
            file = FileRef.orNone(file);
            target = target == null ? "" : target;
        }
        @Override public EventType type() { return EventType.SYMLINK; }
    }

    /**
     * utime/utimes/utimensat/futimesat. Times are Unix seconds; {@code -1} means "set to now" (NULL
     * times or UTIME_NOW) and {@code -2} means "left unchanged" (UTIME_OMIT).
     */
    record Utimes(FileRef file, long atime, long mtime, int retval) implements Payload {
        public Utimes {
            file = FileRef.orNone(file);
        }
        @Override public EventType type() { return EventType.UTIMES; }
    }

    /** setuid family: the ids the process holds after the call. */
    record SetUid(int uid, int euid, int fsuid, int retval) implements Payload {
        @Override public EventType type() { return EventType.SETUID; }
    }

    /** setgid family: the ids the process holds after the call. */
    record SetGid(int gid, int egid, int fsgid, int retval) implements Payload {
        @Override public EventType type() { return EventType.SETGID; }
    }

    /** capset: the masks the process holds after the call. */
    record Capset(long capEffective, long capPermitted, int retval) implements Payload {
        @Override public EventType type() { return EventType.CAPSET; }
    }

    /**
     * bpf(2). {@code progType}/{@code progName} are set for BPF_PROG_LOAD, {@code mapType}/{@code mapName}
     * for BPF_MAP_CREATE; -1 / "" otherwise.
     */
    record Bpf(int cmd, int progType, String progName, int mapType, String mapName, int retval) implements Payload {
        public Bpf {
            progName = progName == null ? "" : progName;
            mapName = mapName == null ? "" : mapName;
        }
        @Override public EventType type() { return EventType.BPF; }
    }

    /**
     * init_module (from memory) or finit_module (from a file).
     * @param name the module name when known (read from the image's .modinfo), else ""
     */
    record LoadModule(String name, FileRef file, boolean fromMemory, String args, int retval) implements Payload {
        public LoadModule {
            name = name == null ? "" : name;
            file = file == null ? FileRef.NONE : file;
            args = args == null ? "" : args;
        }
        @Override public EventType type() { return EventType.LOAD_MODULE; }
    }

    /** ptrace(2): the request (PTRACE_ATTACH...), the target pid and, when known, the target process. */
    record Ptrace(int request, int targetPid, ProcessInfo tracee, int retval) implements Payload {
        public Ptrace {
            tracee = tracee == null ? ProcessInfo.NONE : tracee;
        }
        @Override public EventType type() { return EventType.PTRACE; }
    }

    /** mount(2): source (device or path), mount point, filesystem type and MS_* flags. */
    record Mount(String source, String mountpoint, String fsType, long flags, int retval) implements Payload {
        public Mount {
            source = source == null ? "" : source;
            mountpoint = mountpoint == null ? "" : mountpoint;
            fsType = fsType == null ? "" : fsType;
        }
        @Override public EventType type() { return EventType.MOUNT; }
    }

    /** kill/tkill/tgkill: the signal, the target pid and, when known, the target process. */
    record Signal(int signal, int targetPid, ProcessInfo target, int retval) implements Payload {
        public Signal {
            target = target == null ? ProcessInfo.NONE : target;
        }
        @Override public EventType type() { return EventType.SIGNAL; }
    }

    /**
     * A write to selinuxfs. {@code kind} is {@code enforce} (value "enforcing"/"permissive"),
     * {@code bool} ({@code boolName} set, value "on"/"off") or {@code bool_commit}.
     */
    record Selinux(String kind, String boolName, String value, int retval) implements Payload {
        public Selinux {
            kind = kind == null ? "" : kind;
            boolName = boolName == null ? "" : boolName;
            value = value == null ? "" : value;
        }
        @Override public EventType type() { return EventType.SELINUX; }
    }

    /** connect(2): the address connected to. {@code protocol} is IPPROTO_TCP/UDP when known, else 0. */
    record Connect(NetAddr addr, int protocol, int retval) implements Payload {
        public Connect {
            addr = addr == null ? NetAddr.NONE : addr;
        }
        @Override public EventType type() { return EventType.CONNECT; }
    }

    /** bind(2): the local address bound. */
    record Bind(NetAddr addr, int protocol, int retval) implements Payload {
        public Bind {
            addr = addr == null ? NetAddr.NONE : addr;
        }
        @Override public EventType type() { return EventType.BIND; }
    }

    /** accept/accept4: the peer's address and the local port that accepted. */
    record Accept(NetAddr addr, int localPort, int retval) implements Payload {
        public Accept {
            addr = addr == null ? NetAddr.NONE : addr;
        }
        @Override public EventType type() { return EventType.ACCEPT; }
    }

    /** A DNS query sent by a process: the first question and the server it was sent to. */
    record Dns(int id, String questionName, int questionType, int questionClass, int questionCount,
               NetAddr server) implements Payload {
        public Dns {
            questionName = questionName == null ? "" : questionName;
            server = server == null ? NetAddr.NONE : server;
        }
        @Override public EventType type() { return EventType.DNS; }
    }

    /** The kernel side could not deliver {@code count} events (ring buffer full) since the last report. */
    record LostEvents(long count, long total) implements Payload {
        @Override public EventType type() { return EventType.LOST_EVENTS; }
    }
}
