package dev.vigil.server.console;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Slows password guessing: after {@value #FREE_FAILURES} failed logins for one user name, or
 * {@value #FREE_FAILURES_PER_ADDRESS} from one address, further attempts are refused until a
 * delay has passed that doubles with each failure (1 s, 2 s, 4 s ... at most
 * {@value #MAX_DELAY_MS} ms). A success clears the user name's count. Refusals are counted.
 * State is in memory: a restart forgets it, which costs an attacker a restart per few guesses.
 *
 * <p>An attempt counts as failed from the moment it is let through ({@link #begin}) until it is
 * known to have succeeded ({@link #succeeded}): many guesses sent at once cannot all pass while
 * the first ones are still being checked.
 */
public final class LoginThrottle {

    static final int FREE_FAILURES = 5, FREE_FAILURES_PER_ADDRESS = 20;
    static final long MAX_DELAY_MS = 15 * 60_000L;
    /** Entries not touched for this long are dropped, so the maps stay small. */
    static final long FORGET_AFTER_MS = 3_600_000L;
    static final int MAX_ENTRIES = 100_000;
    /** Longer names cannot exist (see UserStore): they share one entry instead of filling memory. */
    static final int MAX_KEY_CHARS = 64;

    private record Failures(int count, long lastAt) {}

    private final Map<String, Failures> byUser = new HashMap<>();
    private final Map<String, Failures> byAddress = new HashMap<>();
    /** Attempts refused because of the throttle (answered 429 without looking at the password). */
    public final LongAdder refused = new LongAdder();
    /** Attempts with a wrong password, or an unknown or disabled user. */
    public final LongAdder failures = new LongAdder();

    /**
     * Milliseconds to wait before this attempt may be tried; 0 when it may go ahead, and then it
     * is counted as a failure until {@link #succeeded} says otherwise.
     */
    public synchronized long begin(String username, String address, long now) {
        String user = key(username);
        long w = Math.max(wait(byUser.get(user), FREE_FAILURES, now), wait(byAddress.get(address), FREE_FAILURES_PER_ADDRESS, now));
        if (w > 0) {
            refused.increment();
            return w;
        }
        if (byUser.size() + byAddress.size() > MAX_ENTRIES) forgetOld(now);
        byUser.merge(user, new Failures(1, now), (a, b) -> new Failures(a.count + 1, now));
        byAddress.merge(address, new Failures(1, now), (a, b) -> new Failures(a.count + 1, now));
        return 0;
    }

    /** The attempt let through by {@link #begin} failed (it is counted already; this counts it in the statistics). */
    public void failed() {
        failures.increment();
    }

    /** The attempt let through by {@link #begin} succeeded: the user name starts afresh, the address's count goes back. */
    public synchronized void succeeded(String username, String address) {
        byUser.remove(key(username));
        byAddress.computeIfPresent(address, (k, f) -> f.count <= 1 ? null : new Failures(f.count - 1, f.lastAt));
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
        String k = username == null ? "" : username.trim().toLowerCase(java.util.Locale.ROOT);
        return k.length() > MAX_KEY_CHARS ? k.substring(0, MAX_KEY_CHARS) + "…" : k;
    }
}
