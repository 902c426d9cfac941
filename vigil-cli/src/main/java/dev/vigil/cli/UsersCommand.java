package dev.vigil.cli;

import dev.vigil.server.store.NotFoundException;
import dev.vigil.server.store.Store;
import dev.vigil.server.store.StoreConfig;
import dev.vigil.server.store.StoreException;
import dev.vigil.server.store.UserStore;
import dev.vigil.server.users.Role;
import dev.vigil.server.users.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code vigil users}: the web console's accounts, changed in the server's store directly (SQLite
 * under --data, or PostgreSQL), so the first admin can exist before the server first starts and a
 * lost admin password can be reset without one. Works while the server runs: it sees changes at
 * the next request.
 */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = {"Web console users of a Vigil server, in its store (the same --data or --postgres as 'vigil server').",
                "Roles: read_only (sees everything, changes nothing), responder (also triage: status, assignee, comments, "
                        + "suppressions), admin (also rules, users and API keys).",
                "Passwords are read from the terminal without echo, or from standard input with --password-stdin; never "
                        + "from the command line. At least " + UserStore.MIN_PASSWORD_CHARS + " characters."},
        subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Passwd.class, UsersCommand.SetRole.class,
                UsersCommand.Disable.class, UsersCommand.Enable.class})
final class UsersCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The store options every subcommand takes, and its exit statuses: 0 done; 1 refused (a bad
     * name or password, a name taken, an unknown user); 2 a usage error; 3 no store, or no way to
     * read a password.
     */
    abstract static class StoreCommand implements Callable<Integer> {

        static final int REFUSED = 1, UNUSABLE = 3;
        static final Path HOME_DATA = Path.of(System.getProperty("user.home"), ".local/share/vigil");
        static final Path SYSTEM_DATA = Path.of("/var/lib/vigil/server");

        @Spec
        CommandSpec spec;

        @Option(names = "--data", paramLabel = "DIR",
                description = "The server's data directory (default: ~/.local/share/vigil, else /var/lib/vigil/server when only that "
                        + "one holds a store, as 'vigil up' run as root makes it).")
        Path data;

        @Option(names = "--postgres", paramLabel = "JDBC_URL", description = "The server's PostgreSQL store (jdbc:postgresql://host:5432/db) instead of SQLite.")
        String postgres;

        @Option(names = "--postgres-user", paramLabel = "USER", description = "PostgreSQL user (password from VIGIL_PG_PASSWORD).")
        String pgUser = "vigil";

        /** Whether this command may create the store when there is none yet (only adding a user may). */
        boolean createsStore() { return false; }

        @Override
        public final Integer call() {
            try {
                validate();
                StoreConfig config = storeConfig();
                try (Store store = Store.open(config)) {
                    return run(store.users(), config);
                }
            } catch (IllegalArgumentException | NotFoundException x) {
                err().println(spec.qualifiedName() + ": " + x.getMessage());
                return REFUSED;
            } catch (Unusable | StoreException x) {
                err().println(spec.qualifiedName() + ": " + x.getMessage());
                return UNUSABLE;
            } finally {
                out().flush();
                err().flush();
            }
        }

        /** Checks the arguments before the store is opened (or created). */
        void validate() {}

        abstract int run(UserStore users, StoreConfig where);

        private StoreConfig storeConfig() {
            if (postgres != null) {
                return StoreConfig.postgres(postgres, pgUser, System.getenv().getOrDefault("VIGIL_PG_PASSWORD", ""));
            }
            Path dir = data;
            if (dir == null) {
                dir = hasStore(HOME_DATA) || !hasStore(SYSTEM_DATA) ? HOME_DATA : SYSTEM_DATA;
            }
            if (!hasStore(dir) && !createsStore()) {
                throw new Unusable("no Vigil store in " + dir + " (no " + StoreConfig.SQLITE_FILE + "): give the server's --data "
                        + "(or --postgres), or create the store with 'vigil users add'");
            }
            return StoreConfig.sqlite(dir);
        }

        private static boolean hasStore(Path dir) {
            return Files.isRegularFile(dir.resolve(StoreConfig.SQLITE_FILE));
        }

        static String where(StoreConfig c) {
            return c.dataDir() != null ? c.dataDir().resolve(StoreConfig.SQLITE_FILE).toString() : c.jdbcUrl();
        }

        PrintWriter out() { return spec.commandLine().getOut(); }

        PrintWriter err() { return spec.commandLine().getErr(); }

        /** Warns when no enabled admin is left: nobody could manage users or rules in the console. */
        void warnIfNoAdmin(UserStore users) {
            if (users.list().stream().noneMatch(u -> u.role() == Role.ADMIN && !u.disabled())) {
                err().println(spec.qualifiedName() + ": note: no enabled admin is left; make one with 'vigil users role NAME admin'");
            }
        }
    }

    /** A store command that takes a new password. */
    abstract static class PasswordCommand extends StoreCommand {

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input instead of the terminal.")
        boolean passwordStdin;

        String readPassword(String username) {
            if (passwordStdin) {
                try {
                    String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                    if (line == null || line.isEmpty()) throw new IllegalArgumentException("no password on standard input");
                    return line;
                } catch (IOException x) {
                    throw new Unusable("cannot read standard input: " + x.getMessage());
                }
            }
            java.io.Console c = System.console();
            if (c == null || !c.isTerminal()) {
                throw new Unusable("no terminal to read the password from: give it on standard input with --password-stdin");
            }
            char[] first = c.readPassword("Password for %s (at least %d characters): ", username, UserStore.MIN_PASSWORD_CHARS);
            if (first == null) throw new Unusable("no password given");
            char[] again = c.readPassword("The same again: ");
            try {
                if (again == null || !Arrays.equals(first, again)) throw new IllegalArgumentException("the two passwords differ");
                return new String(first);
            } finally {
                Arrays.fill(first, ' ');
                if (again != null) Arrays.fill(again, ' ');
            }
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Create a user. Works before the server's first start (the store is created): the server then does "
                    + "not make its own 'admin' with a random password."})
    static final class Add extends PasswordCommand {
        @Parameters(paramLabel = "NAME", description = "User name: 1-64 of a-z 0-9 . _ @ - (stored lower case).")
        String name;

        @Option(names = "--role", paramLabel = "ROLE", required = true, description = "admin, responder or read_only.")
        String role;

        @Override
        boolean createsStore() { return true; }

        @Override
        void validate() {
            UserStore.username(name);
            Role.parse(role);
        }

        @Override
        int run(UserStore users, StoreConfig where) {
            String username = UserStore.username(name);
            Role r = Role.parse(role);
            if (users.byName(username).isPresent()) throw new IllegalArgumentException("user '" + username + "' already exists");
            User u = users.create(username, readPassword(username), r, "cli:" + System.getProperty("user.name"));
            out().println("created user " + u.username() + " (" + u.role().id() + ") in " + where(where));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every user: role, state, when created and last logged in.")
    static final class ListUsers extends StoreCommand {
        @Override
        int run(UserStore users, StoreConfig where) {
            java.util.List<User> all = users.list();
            if (all.isEmpty()) {
                out().println("no users (the server creates 'admin' with a random password at its next start)");
                return 0;
            }
            Text.Table t = new Text.Table("NAME", "ROLE", "STATE", "CREATED", "CREATED BY", "LAST LOGIN");
            for (User u : all) {
                t.row(u.username(), u.role().id(), u.disabled() ? "disabled" : "enabled", time(u.createdAt()), u.createdBy(),
                        u.lastLoginAt() == null ? "never" : time(u.lastLoginAt()));
            }
            t.print(out());
            return 0;
        }

        private static String time(long ms) {
            return Instant.ofEpochMilli(ms).truncatedTo(ChronoUnit.SECONDS).toString();
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a user's password; their console sessions end.")
    static final class Passwd extends PasswordCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(UserStore users, StoreConfig where) {
            User u = users.byName(name).orElseThrow(() -> new NotFoundException("user", name));
            users.setPassword(u.username(), readPassword(u.username()));
            out().println("password of " + u.username() + " changed; their console sessions were ended");
            return 0;
        }
    }

    @Command(name = "role", mixinStandardHelpOptions = true, description = "Change a user's role (effective at their next request).")
    static final class SetRole extends StoreCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "ROLE", description = "admin, responder or read_only.")
        String role;

        @Override
        void validate() {
            Role.parse(role);
        }

        @Override
        int run(UserStore users, StoreConfig where) {
            User u = users.setRole(name, Role.parse(role));
            out().println(u.username() + " is now " + u.role().id());
            warnIfNoAdmin(users);
            return 0;
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable a user: they cannot log in, their sessions end.")
    static final class Disable extends StoreCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(UserStore users, StoreConfig where) {
            User u = users.setDisabled(name, true);
            out().println("disabled " + u.username() + "; their console sessions were ended");
            warnIfNoAdmin(users);
            return 0;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled user again.")
    static final class Enable extends StoreCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(UserStore users, StoreConfig where) {
            User u = users.setDisabled(name, false);
            out().println("enabled " + u.username());
            return 0;
        }
    }

    /** Nothing to work on: no store, no terminal. Exit status 3. */
    static final class Unusable extends RuntimeException {
        Unusable(String message) {
            super(message);
        }
    }
}
