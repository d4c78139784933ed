package org.exchangeai.app.store;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The signed-in account a web request runs for, in server mode. The store consults it so that every
 * page, listing and direct URL sees only what the account may see, without each page repeating the
 * rule. Unset (the single-user local mode, background jobs, the command line) means unrestricted.
 */
public record Viewer(String name, boolean admin) {

    /** Account names: letters, digits, '.', '_' and '-', so they are safe in paths, logs and SQL literals. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private static final ThreadLocal<Viewer> CURRENT = new ThreadLocal<>();

    public Viewer {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an account name needs 1 to 64 letters, digits, '.', '_' or '-'");
        }
    }

    public static Optional<Viewer> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Sets (or with {@code null} clears) the viewer of the calling thread. */
    public static void set(Viewer viewer) {
        if (viewer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(viewer);
        }
    }

    /** The account owning what the current request creates, or {@code null} in local mode. */
    static String ownerForNew() {
        Viewer v = CURRENT.get();
        return v == null ? null : v.name();
    }

    /** The account whose view is limited to its own and shared items, or {@code null} when all is visible. */
    static String restricted() {
        Viewer v = CURRENT.get();
        return v == null || v.admin() ? null : v.name();
    }
}
