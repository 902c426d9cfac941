package dev.vigil.server.console;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Slows password guessing: after {@value #FREE_FAILURES} failed logins for one user name, or
 * {@value #FREE_FAILURES_PER_ADDRESS} from one address, further attempts are refused until a
 * delay has passed that doubles with each failure (1 s, 2 s, 4 s ... at most
 * {@value #MAX_DELAY_MS} ms). A success clears the user name's count. Refusals are counted.
 * State is in memory: a restart forgets it, which costs an attacker a restart per few guesses.
 */
public final class LoginThrottle {

    static final int FREE_FAILURES = 5, FREE_FAILURES_PER_ADDRESS = 20;
    static final long MAX_DELAY_MS = 15 * 60_000L;
    /** Entries not touched for this long are dropped, so the maps stay small. */
    static final long FORGET_AFTER_MS = 3_600_000L;
    static final int MAX_ENTRIES = 100_000;

    private record Failures(int count, long lastAt) {}

    private final ConcurrentHashMap<String, Failures> byUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Failures> byAddress = new ConcurrentHashMap<>();
    public final LongAdder refused = new LongAdder();
    public final LongAdder failures = new LongAdder();

    /** Milliseconds to wait before this attempt may be tried; 0 when it may go ahead. */
    public long waitMillis(String username, String address, long now) {
        long w = Math.max(wait(byUser.get(key(username)), FREE_FAILURES, now), wait(byAddress.get(address), FREE_FAILURES_PER_ADDRESS, now));
        if (w > 0) refused.increment();
        return w;
    }

    public void failed(String username, String address, long now) {
        failures.increment();
        if (byUser.size() + byAddress.size() > MAX_ENTRIES) forgetOld(now);
        byUser.merge(key(username), new Failures(1, now), (a, b) -> new Failures(a.count + 1, now));
        byAddress.merge(address, new Failures(1, now), (a, b) -> new Failures(a.count + 1, now));
    }

    public void succeeded(String username) {
        byUser.remove(key(username));
    }

    private static long wait(Failures f, int free, long now) {
        if (f == null || f.count < free) return 0;
        long delay = Math.min(MAX_DELAY_MS, 1000L << Math.min(20, f.count - free));
        return Math.max(0, f.lastAt + delay - now);
    }

    private void forgetOld(long now) {
        byUser.values().removeIf(f -> now - f.lastAt > FORGET_AFTER_MS);
        byAddress.values().removeIf(f -> now - f.lastAt > FORGET_AFTER_MS);
    }

    private static String key(String username) {
        return username == null ? "" : username.trim().toLowerCase(java.util.Locale.ROOT);
    }
}
