package dev.vigil.model.field;

import dev.vigil.model.EventType;
import dev.vigil.model.LinuxConstants;
import dev.vigil.model.ProcessInfo;
import dev.vigil.model.field.Field.ProcessScope;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Generates the SECL field reference (markdown) from {@link Fields}, so the documentation cannot
 * drift from the registry: docs/events.md embeds {@link #markdown()} between marker lines, and
 * {@code FieldDocsTest} fails when the two differ.
 *
 * <p>Layout: an introduction; one section per {@link EventType}, in declaration order, listing the
 * fields that only that type carries; then one section for the fields every event carries, where
 * the process fields are listed once by suffix with the prefixes they appear under.
 *
 * <p>Regenerate the embedded copy with {@code ./mvnw -q -pl vigil-model test -Dvigil.updateDocs=true},
 * or print it with {@code java -cp vigil-model/target/classes dev.vigil.model.field.FieldDocs}.
 * The output depends only on the registry, so it is byte-for-byte stable between runs.
 */
public final class FieldDocs {

    private FieldDocs() {}

    public static void main(String[] args) {
        System.out.print(markdown());
        System.out.flush();
    }

    /** The whole field reference, ending with a newline. */
    public static String markdown() {
        StringBuilder out = new StringBuilder(32 * 1024);
        Map<ProcessScope, Prefix> prefixes = prefixes();

        out.append("# Field reference\n\n");
        out.append("Generated from the field registry (`dev.vigil.model.field.Fields`) by `FieldDocs`; ")
                .append("do not edit by hand.\n\n");
        out.append("Every field has a type: `string`, `int` (64-bit signed), `bool`, `ip` (a textual IP address ")
                .append("that rules may compare with IPs and CIDRs) or `time` (Unix nanoseconds). A type ending in ")
                .append("`[]` is an array: a comparison holds if it holds for any element. Where a field's values ")
                .append("have names, the *constants* note gives the family (for example `open.flags & O_CREAT > 0`). ")
                .append("An absent value reads as `\"\"`, `0` or `false` (ids such as `process.uid` read `-1`).\n\n");
        out.append("Each event type below lists the fields only it carries; every event also carries the fields in ")
                .append("[Fields on every event](#fields-on-every-event).\n\n");

        for (EventType type : EventType.values()) {
            eventSection(out, type, prefixes);
        }
        commonSection(out, prefixes);
        return out.toString();
    }

    // ---- sections -------------------------------------------------------------------------------

    private static void eventSection(StringBuilder out, EventType type, Map<ProcessScope, Prefix> prefixes) {
        out.append("## `").append(type.id()).append("`\n\n");
        out.append(summary(type)).append(" Category: ").append(type.category().name().toLowerCase())
                .append(".\n\n");
        List<Field> own = Fields.all().stream()
                .filter(f -> f.scope() == ProcessScope.NONE && f.eventTypes().equals(Set.of(type)))
                .toList();
        if (own.isEmpty()) {
            out.append("No fields of its own.\n\n");
        } else {
            table(out, "Field", own, f -> "`" + f.name() + "`");
        }
        for (Prefix p : prefixes.values()) {
            if (p.eventTypes().equals(Set.of(type))) {
                out.append("Also carries every process field under `").append(p.prefix()).append("`, for ")
                        .append(p.what()).append(": `").append(p.prefix()).append("file.path`, `")
                        .append(p.prefix()).append("argv` and the others listed in [process fields](#process-fields).\n\n");
            }
        }
    }

    private static void commonSection(StringBuilder out, Map<ProcessScope, Prefix> prefixes) {
        out.append("## Fields on every event\n\n");
        out.append("Context of the event: what happened when, on which host and in which container.\n\n");
        List<Field> common = Fields.all().stream()
                .filter(f -> f.scope() == ProcessScope.NONE && f.eventTypes().isEmpty())
                .toList();
        table(out, "Field", common, f -> "`" + f.name() + "`");

        out.append("### Process fields\n\n");
        out.append("A process's fields are declared once and appear under several prefixes:\n\n");
        for (Prefix p : prefixes.values()) {
            out.append("- `").append(p.prefix()).append("`: ").append(p.what());
            if (p.scope() == ProcessScope.ANCESTORS) {
                out.append("; every field is an array with one element per ancestor, nearest first, at most ")
                        .append(ProcessInfo.MAX_ANCESTORS).append(" deep (`argv` and `envs` hold the elements of all ")
                        .append("ancestors together)");
            }
            out.append(p.eventTypes().isEmpty() ? " (every event)"
                    : p.eventTypes().stream().map(t -> "`" + t.id() + "`")
                            .collect(Collectors.joining(", ", " (only on ", " events)")));
            out.append("\n");
        }
        out.append("\nSo `process.file.path`, `process.parent.file.path`, `process.ancestors.file.path` and so on. ")
                .append("A process with no known parent reads `process.parent.` fields as absent values.\n\n");

        List<Field> suffixes = new ArrayList<>();
        Prefix self = prefixes.get(ProcessScope.PROCESS);
        for (Fields.ProcessFieldDecl d : Fields.PROCESS_FIELDS) {
            suffixes.add(Fields.get(self.prefix() + d.suffix()));
        }
        table(out, "Suffix", suffixes,
                f -> "`" + f.name().substring(self.prefix().length()) + "`" + missingUnder(f, prefixes));
    }

    // ---- pieces ---------------------------------------------------------------------------------

    /** A table of fields; {@code label} renders the first cell (markdown). */
    private static void table(StringBuilder out, String firstColumn, List<Field> fields, Function<Field, String> label) {
        out.append("| ").append(firstColumn).append(" | Type | Description |\n");
        out.append("|---|---|---|\n");
        for (Field f : fields) {
            out.append("| ").append(label.apply(f)).append(" | ").append(typeName(f)).append(" | ")
                    .append(escape(f.doc()));
            if (f.constants() != null) {
                out.append(" (constants: ").append(constantsNote(f.constants())).append(")");
            }
            out.append(" |\n");
        }
        out.append("\n");
    }

    /** The field's type as the docs name it: {@code string}, {@code int[]}... */
    static String typeName(Field f) {
        String base = f.type().name().toLowerCase();
        return f.isArray() ? base + "[]" : base;
    }

    /** How a constant family is named in the docs: its common prefix ({@code O_*}) or, without one, its names. */
    static String constantsNote(LinuxConstants.Family family) {
        List<String> names = List.copyOf(LinuxConstants.family(family).keySet());
        if (names.size() == 1) {
            return "`" + names.getFirst() + "`";
        }
        String prefix = names.getFirst();
        for (String n : names) {
            int i = 0;
            while (i < prefix.length() && i < n.length() && prefix.charAt(i) == n.charAt(i)) i++;
            prefix = prefix.substring(0, i);
        }
        int underscore = prefix.lastIndexOf('_');
        if (underscore > 0) {
            prefix = prefix.substring(0, underscore + 1); // S_ISUID, S_IRWXU... -> S_*
        }
        if (prefix.isEmpty()) {
            return names.stream().map(n -> "`" + n + "`").collect(Collectors.joining(", "));
        }
        return "`" + prefix + "*`";
    }

    /** For a process suffix not expanded under every prefix, which prefixes lack it (none today). */
    private static String missingUnder(Field processField, Map<ProcessScope, Prefix> prefixes) {
        String suffix = processField.name().substring(prefixes.get(ProcessScope.PROCESS).prefix().length());
        List<String> missing = prefixes.values().stream()
                .filter(p -> Fields.get(p.prefix() + suffix) == null)
                .map(Prefix::prefix)
                .toList();
        return missing.isEmpty() ? "" : " (not under `" + String.join("`, `", missing) + "`)";
    }

    private static String escape(String doc) {
        return doc.replace("|", "\\|").replace("\n", " ");
    }

    private record Prefix(ProcessScope scope, String prefix, Set<EventType> eventTypes, String what) {}

    /** Where each process scope puts its fields, read from the registry itself. */
    private static Map<ProcessScope, Prefix> prefixes() {
        String firstSuffix = Fields.PROCESS_FIELDS.getFirst().suffix();
        Map<ProcessScope, Prefix> out = new EnumMap<>(ProcessScope.class);
        for (Field f : Fields.all()) {
            if (f.scope() != ProcessScope.NONE && f.name().endsWith("." + firstSuffix) && !out.containsKey(f.scope())) {
                String prefix = f.name().substring(0, f.name().length() - firstSuffix.length());
                out.put(f.scope(), new Prefix(f.scope(), prefix, f.eventTypes(), scopeDescription(f.scope())));
            }
        }
        return out;
    }

    private static String scopeDescription(ProcessScope scope) {
        return switch (scope) {
            case PROCESS -> "the process that caused the event";
            case PARENT -> "its parent";
            case ANCESTORS -> "its ancestors";
            case EXEC -> "the program just executed (the event's process, so the same values as `process.`)";
            case PTRACE_TRACEE -> "the traced process, when known";
            case SIGNAL_TARGET -> "the process the signal is sent to, when known";
            case NONE -> throw new IllegalArgumentException("no prefix for " + scope);
        };
    }

    private static String summary(EventType type) {
        return switch (type) {
            case EXEC -> "A program was executed (execve, execveat); the new program is the event's process.";
            case FORK -> "A process was created (fork, vfork, clone; threads are not reported); the child is the "
                    + "event's process, the parent is `process.parent`.";
            case EXIT -> "A process exited.";
            case OPEN -> "A file was opened (open, openat, openat2, creat).";
            case UNLINK -> "A file was removed (unlink, unlinkat).";
            case RENAME -> "A file was renamed (rename, renameat, renameat2).";
            case CHMOD -> "A file's mode was changed (chmod, fchmod, fchmodat, fchmodat2).";
            case CHOWN -> "A file's owner was changed (chown, fchown, lchown, fchownat).";
            case MKDIR -> "A directory was created (mkdir, mkdirat).";
            case RMDIR -> "A directory was removed (rmdir, unlinkat with AT_REMOVEDIR).";
            case LINK -> "A hard link was created (link, linkat).";
            case SYMLINK -> "A symbolic link was created (symlink, symlinkat).";
            case UTIMES -> "A file's access or modification time was set (utime, utimes, utimensat, futimesat).";
            case SETUID -> "A process changed its user ids (setuid, setreuid, setresuid, setfsuid).";
            case SETGID -> "A process changed its group ids (setgid, setregid, setresgid, setfsgid).";
            case CAPSET -> "A process changed its capabilities (capset).";
            case BPF -> "A bpf(2) call: programs loaded, maps created...";
            case LOAD_MODULE -> "A kernel module was loaded (init_module, finit_module).";
            case PTRACE -> "A process traced another (ptrace).";
            case MOUNT -> "A filesystem was mounted (mount).";
            case SIGNAL -> "A signal was sent to a process (kill, tkill, tgkill).";
            case SELINUX -> "SELinux enforcement or a boolean was changed through selinuxfs.";
            case CONNECT -> "A socket connected (connect).";
            case BIND -> "A socket was bound to a local address (bind).";
            case ACCEPT -> "A connection was accepted (accept, accept4).";
            case DNS -> "A DNS query was sent to a DNS server port; the first question is reported.";
            case LOST_EVENTS -> "Emitted by the agent when the kernel could not hand over events (ring buffer full).";
        };
    }
}
