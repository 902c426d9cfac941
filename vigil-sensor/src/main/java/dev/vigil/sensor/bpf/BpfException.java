package dev.vigil.sensor.bpf;

import java.util.List;

/** A libbpf operation failed; the message names the operation and the errno, the log holds libbpf's lines. */
public final class BpfException extends RuntimeException {
    private final int errno;
    private final List<String> log;

    public BpfException(String message, int errno, List<String> log) {
        super(message + (errno != 0 ? ": " + Libbpf.strerror(errno) + " (errno " + Math.abs(errno) + ")" : ""));
        this.errno = Math.abs(errno);
        this.log = List.copyOf(log);
    }

    public int errno() { return errno; }

    /** libbpf's log lines (verifier output included) captured while the operation ran. */
    public List<String> log() { return log; }
}
