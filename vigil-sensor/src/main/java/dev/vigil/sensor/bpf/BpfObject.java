package dev.vigil.sensor.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One eBPF object (ELF) through its life: open from bytes, configure (global data, map sizes,
 * which programs to load), load (verification), attach, and close (detach everything).
 *
 * <p>Not thread-safe: one owner configures, loads and closes it. Maps may be read from any thread
 * through their fds.
 */
public final class BpfObject implements AutoCloseable {

    /** A program of the object: its C function name and ELF section (e.g. {@code tp/syscalls/sys_enter_openat}). */
    public record Program(String name, String section) {}

    private final Arena arena = Arena.ofShared();
    private final MemorySegment obj;
    private final Map<String, MemorySegment> programs = new LinkedHashMap<>();
    private final Map<String, MemorySegment> maps = new LinkedHashMap<>();
    private final List<MemorySegment> links = new ArrayList<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private boolean loaded;
    private boolean closed;

    private BpfObject(MemorySegment obj) {
        this.obj = obj;
        for (MemorySegment p = Libbpf.nextProgram(obj, MemorySegment.NULL); !p.equals(MemorySegment.NULL);
             p = Libbpf.nextProgram(obj, p)) {
            programs.put(Libbpf.programName(p), p);
        }
        for (MemorySegment m = Libbpf.nextMap(obj, MemorySegment.NULL); !m.equals(MemorySegment.NULL);
             m = Libbpf.nextMap(obj, m)) {
            maps.put(Libbpf.mapName(m), m);
        }
    }

    /**
     * Opens an object from its ELF bytes. libbpf keeps a pointer to the bytes until close, so they are
     * copied into memory owned by this object.
     */
    public static BpfObject open(byte[] elf) {
        Libbpf.setPrintCallback(BpfObject::logLine);
        Arena bytesArena = Arena.global(); // libbpf may reference the buffer for the object's lifetime
        MemorySegment image = bytesArena.allocate(elf.length, 8);
        MemorySegment.copy(elf, 0, image, ValueLayout.JAVA_BYTE, 0, elf.length);
        CURRENT_LOG.set(new ArrayList<>());
        MemorySegment obj = Libbpf.openMem(image, elf.length);
        if (obj.equals(MemorySegment.NULL)) {
            throw new BpfException("cannot open the eBPF object", Libbpf.errno(), CURRENT_LOG.get());
        }
        return new BpfObject(obj);
    }

    // libbpf logs from the calling thread; keep the lines of the current operation for error reports.
    private static final ThreadLocal<List<String>> CURRENT_LOG = ThreadLocal.withInitial(ArrayList::new);

    private static void logLine(Libbpf.Level level, String line) {
        if (level != Libbpf.Level.DEBUG) {
            CURRENT_LOG.get().add(line);
        }
    }

    public List<Program> programs() {
        List<Program> out = new ArrayList<>();
        programs.forEach((name, p) -> out.add(new Program(name, Libbpf.programSection(p))));
        return out;
    }

    public List<String> mapNames() { return List.copyOf(maps.keySet()); }

    /** Whether {@code program} is loaded (and so attached); default true. Before {@link #load()} only. */
    public void setAutoload(String program, boolean autoload) {
        checkNotLoaded();
        MemorySegment p = programs.get(program);
        if (p == null) {
            throw new IllegalArgumentException("no program named " + program);
        }
        int rc = Libbpf.setAutoload(p, autoload);
        if (rc != 0) {
            throw new BpfException("cannot change autoload of " + program, rc, List.of());
        }
    }

    public void setMaxEntries(String mapName, int maxEntries) {
        checkNotLoaded();
        int rc = Libbpf.setMaxEntries(map(mapName), maxEntries);
        if (rc != 0) {
            throw new BpfException("cannot size map " + mapName + " to " + maxEntries, rc, List.of());
        }
    }

    /**
     * The writable initial contents of the global-data map whose name ends with {@code suffix}
     * (e.g. ".rodata"); write settings into it before {@link #load()}.
     */
    public MemorySegment globalData(String suffix) {
        checkNotLoaded();
        for (var e : maps.entrySet()) {
            if (e.getKey().endsWith(suffix)) {
                MemorySegment data = Libbpf.initialValue(e.getValue(), arena);
                if (data.equals(MemorySegment.NULL)) {
                    break;
                }
                return data;
            }
        }
        throw new IllegalArgumentException("no global data section " + suffix + " in the object (maps: " + maps.keySet() + ")");
    }

    /** Loads (verifies) every autoloaded program and creates the maps. */
    public void load() {
        checkNotLoaded();
        CURRENT_LOG.set(new ArrayList<>());
        int rc = Libbpf.load(obj);
        List<String> lines = CURRENT_LOG.get();
        log.addAll(lines);
        if (rc != 0) {
            throw new BpfException("the kernel refused the eBPF programs", rc, lines);
        }
        loaded = true;
    }

    /** Attaches one loaded program at the hook its section names. */
    public void attach(String program) {
        if (!loaded) {
            throw new IllegalStateException("load() first");
        }
        CURRENT_LOG.set(new ArrayList<>());
        MemorySegment link = Libbpf.attach(programs.get(program));
        if (link.equals(MemorySegment.NULL)) {
            throw new BpfException("cannot attach " + program + " (" + Libbpf.programSection(programs.get(program)) + ")",
                    Libbpf.errno(), CURRENT_LOG.get());
        }
        links.add(link);
    }

    public int mapFd(String name) {
        if (!loaded) {
            throw new IllegalStateException("load() first");
        }
        return Libbpf.mapFd(map(name));
    }

    /** Lines libbpf logged at WARN or INFO level while loading. */
    public List<String> log() { return List.copyOf(log); }

    private MemorySegment map(String name) {
        MemorySegment m = maps.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no map named " + name + " (maps: " + maps.keySet() + ")");
        }
        return m;
    }

    private void checkNotLoaded() {
        if (loaded) {
            throw new IllegalStateException("the object is already loaded");
        }
        if (closed) {
            throw new IllegalStateException("the object is closed");
        }
    }

    /** Detaches every program and frees the object's maps (the kernel drops them with the last fd). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (MemorySegment link : links) {
            Libbpf.destroyLink(link);
        }
        links.clear();
        Libbpf.close(obj);
        arena.close();
    }
}
