package dev.vigil.server.console;

import dev.vigil.server.users.Role;
import dev.vigil.server.users.Session;

/**
 * What every page's frame needs: the title, which navigation entry is current, who is logged
 * in, and the CSRF token for forms and htmx requests.
 */
public record Chrome(String title, String nav, String username, Role role, String csrf) {

    static Chrome of(String title, String nav, Session s) {
        return new Chrome(title, nav, s.user().username(), s.user().role(), s.csrfToken());
    }

    /** Whether the user may triage (change signals, suppressions). */
    public boolean canTriage() { return role.allows(Role.RESPONDER); }

    /** Whether the user may change rules, users and keys. */
    public boolean canAdmin() { return role.allows(Role.ADMIN); }
}
