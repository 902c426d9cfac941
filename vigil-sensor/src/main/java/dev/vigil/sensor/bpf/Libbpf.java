package dev.vigil.sensor.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.Optional;
import java.util.function.BiConsumer;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls into {@code libbpf.so.1} through the FFM API: only the functions the sensor uses.
 *
 * <p>Conventions of libbpf 1.x: functions returning a pointer return NULL and set errno on error
 * (captured here through {@link Linker.Option#captureCallState}); functions returning int return a
 * negative errno. {@link #errno()} reads the errno captured by the last pointer-returning call on
 * this thread.
 *
 * <p>libbpf's log goes through {@link #setPrintCallback}: libbpf passes a printf format and a
 * {@code va_list}, which on x86_64 is passed as a pointer, so {@code vsnprintf} from libc formats
 * it without any C code of ours.
 */
public final class Libbpf {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> STATE = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(CALL_STATE));

    private static final Optional<SymbolLookup> LIB = load();

    private static Optional<SymbolLookup> load() {
        for (String name : new String[] {"libbpf.so.1", "/usr/lib/x86_64-linux-gnu/libbpf.so.1", "/lib64/libbpf.so.1"}) {
            try {
                return Optional.of(SymbolLookup.libraryLookup(name, Arena.global()));
            } catch (IllegalArgumentException notThere) {
                // try the next location
            }
        }
        return Optional.empty();
    }

    /** Whether libbpf.so.1 could be loaded. */
    public static boolean available() { return LIB.isPresent(); }

    private static MethodHandle fn(String name, FunctionDescriptor d, boolean errno) {
        SymbolLookup lib = LIB.orElseThrow(() -> new IllegalStateException("libbpf.so.1 not found"));
        MemorySegment addr = lib.find(name).orElseThrow(() -> new IllegalStateException("libbpf.so.1 lacks " + name));
        return errno ? LINKER.downcallHandle(addr, d, Linker.Option.captureCallState("errno"))
                : LINKER.downcallHandle(addr, d);
    }

    private static MethodHandle libc(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d);
    }

    /** Holder so that merely loading this class does not need libbpf (tests of other code can run). */
    private static final class H {
        static final MethodHandle OPEN_MEM = fn("bpf_object__open_mem", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), true);
        static final MethodHandle LOAD = fn("bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
        static final MethodHandle CLOSE = fn("bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS), false);
        static final MethodHandle NEXT_PROGRAM = fn("bpf_object__next_program", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), false);
        static final MethodHandle PROGRAM_NAME = fn("bpf_program__name", FunctionDescriptor.of(ADDRESS, ADDRESS), false);
        static final MethodHandle PROGRAM_SECTION = fn("bpf_program__section_name", FunctionDescriptor.of(ADDRESS, ADDRESS), false);
        static final MethodHandle SET_AUTOLOAD = fn("bpf_program__set_autoload", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN), false);
        static final MethodHandle ATTACH = fn("bpf_program__attach", FunctionDescriptor.of(ADDRESS, ADDRESS), true);
        static final MethodHandle LINK_DESTROY = fn("bpf_link__destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
        static final MethodHandle NEXT_MAP = fn("bpf_object__next_map", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), false);
        static final MethodHandle MAP_NAME = fn("bpf_map__name", FunctionDescriptor.of(ADDRESS, ADDRESS), false);
        static final MethodHandle MAP_FD = fn("bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
        static final MethodHandle MAP_SET_MAX_ENTRIES = fn("bpf_map__set_max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), false);
        static final MethodHandle MAP_INITIAL_VALUE = fn("bpf_map__initial_value", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), false);
        static final MethodHandle MAP_LOOKUP_ELEM = fn("bpf_map_lookup_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), false);
        static final MethodHandle NUM_POSSIBLE_CPUS = fn("libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT), false);
        static final MethodHandle RING_BUFFER_NEW = fn("ring_buffer__new", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS), true);
        static final MethodHandle RING_BUFFER_POLL = fn("ring_buffer__poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), false);
        static final MethodHandle RING_BUFFER_CONSUME = fn("ring_buffer__consume", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
        static final MethodHandle RING_BUFFER_FREE = fn("ring_buffer__free", FunctionDescriptor.ofVoid(ADDRESS), false);
        static final MethodHandle SET_PRINT = fn("libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS), false);
        static final MethodHandle VSNPRINTF = libc("vsnprintf", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        static final MethodHandle STRERROR = libc("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    private Libbpf() {}

    static int errno() {
        return (int) ERRNO.get(STATE.get(), 0L);
    }

    /** The C library's description of an errno value, e.g. "Operation not permitted". */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) H.STRERROR.invokeExact(Math.abs(errno));
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    static MemorySegment openMem(MemorySegment object, long size) {
        try {
            return (MemorySegment) H.OPEN_MEM.invokeExact(STATE.get(), object, size, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int load(MemorySegment obj) {
        try {
            return (int) H.LOAD.invokeExact(obj);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void close(MemorySegment obj) {
        try {
            H.CLOSE.invokeExact(obj);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment nextProgram(MemorySegment obj, MemorySegment prev) {
        try {
            return (MemorySegment) H.NEXT_PROGRAM.invokeExact(obj, prev);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static String programName(MemorySegment prog) {
        try {
            return cString((MemorySegment) H.PROGRAM_NAME.invokeExact(prog));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static String programSection(MemorySegment prog) {
        try {
            return cString((MemorySegment) H.PROGRAM_SECTION.invokeExact(prog));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setAutoload(MemorySegment prog, boolean autoload) {
        try {
            return (int) H.SET_AUTOLOAD.invokeExact(prog, autoload);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment attach(MemorySegment prog) {
        try {
            return (MemorySegment) H.ATTACH.invokeExact(STATE.get(), prog);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int destroyLink(MemorySegment link) {
        try {
            return (int) H.LINK_DESTROY.invokeExact(link);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment nextMap(MemorySegment obj, MemorySegment prev) {
        try {
            return (MemorySegment) H.NEXT_MAP.invokeExact(obj, prev);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static String mapName(MemorySegment map) {
        try {
            return cString((MemorySegment) H.MAP_NAME.invokeExact(map));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int mapFd(MemorySegment map) {
        try {
            return (int) H.MAP_FD.invokeExact(map);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setMaxEntries(MemorySegment map, int maxEntries) {
        try {
            return (int) H.MAP_SET_MAX_ENTRIES.invokeExact(map, maxEntries);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The writable initial data of a global-data map (.rodata/.bss) before load, sized. */
    static MemorySegment initialValue(MemorySegment map, Arena arena) {
        try {
            MemorySegment size = arena.allocate(JAVA_LONG);
            MemorySegment data = (MemorySegment) H.MAP_INITIAL_VALUE.invokeExact(map, size);
            return data.equals(MemorySegment.NULL) ? data : data.reinterpret(size.get(JAVA_LONG, 0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int lookupElem(int fd, MemorySegment key, MemorySegment value) {
        try {
            return (int) H.MAP_LOOKUP_ELEM.invokeExact(fd, key, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int numPossibleCpus() {
        try {
            return (int) H.NUM_POSSIBLE_CPUS.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment ringBufferNew(int mapFd, MemorySegment callback) {
        try {
            return (MemorySegment) H.RING_BUFFER_NEW.invokeExact(STATE.get(), mapFd, callback, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int ringBufferPoll(MemorySegment rb, int timeoutMs) {
        try {
            return (int) H.RING_BUFFER_POLL.invokeExact(rb, timeoutMs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int ringBufferConsume(MemorySegment rb) {
        try {
            return (int) H.RING_BUFFER_CONSUME.invokeExact(rb);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void ringBufferFree(MemorySegment rb) {
        try {
            H.RING_BUFFER_FREE.invokeExact(rb);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- logging -------------------------------------------------------------------------------

    /** libbpf log levels, as in {@code enum libbpf_print_level}. */
    public enum Level { WARN, INFO, DEBUG }

    private static volatile BiConsumer<Level, String> printSink = (l, m) -> { };
    private static volatile MemorySegment printStub;

    /**
     * Routes libbpf's log lines (verifier errors included) to {@code sink}. Installed once per JVM;
     * later calls only change the sink.
     */
    public static synchronized void setPrintCallback(BiConsumer<Level, String> sink) {
        printSink = sink;
        if (printStub != null) {
            return;
        }
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(Libbpf.class, "onPrint",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
            printStub = LINKER.upcallStub(target, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            MemorySegment previous = (MemorySegment) H.SET_PRINT.invokeExact(printStub);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int onPrint(int level, MemorySegment format, MemorySegment vaList) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(4096);
            int n = (int) H.VSNPRINTF.invokeExact(out, 4096L, format, vaList);
            String line = n > 0 ? out.getString(0).stripTrailing() : "";
            Level l = level <= 0 ? Level.WARN : level == 1 ? Level.INFO : Level.DEBUG;
            printSink.accept(l, line);
        } catch (Throwable t) {
            // an exception must never unwind into libbpf
        }
        return 0;
    }

    static String cString(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? "" : p.reinterpret(4096).getString(0);
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    static final ValueLayout.OfLong U64 = JAVA_LONG;
}
