package org.rockstat.band.internal.transport;

import java.util.regex.Pattern;

/** Redis DSN helpers. */
public final class Dsn {
    private static final Pattern USERINFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^@/]*)@");

    private Dsn() {
    }

    /**
     * The DSN with its password replaced by {@code ***}: {@code redis://user:***@host},
     * {@code redis://:***@host}; a user-less secret ({@code redis://secret@host}) becomes
     * {@code redis://***@host}.
     */
    public static String mask(String dsn) {
        if (dsn == null) {
            return null;
        }
        var m = USERINFO.matcher(dsn);
        if (!m.find()) {
            return dsn;
        }
        String userinfo = m.group(2);
        int colon = userinfo.indexOf(':');
        String masked = colon < 0 ? "***" : userinfo.substring(0, colon) + ":***";
        return m.group(1) + masked + "@" + dsn.substring(m.end());
    }

    /** True for an empty DSN or {@code memory://}: the in-process bus. */
    public static boolean isMemory(String dsn) {
        return dsn == null || dsn.isBlank() || dsn.trim().startsWith("memory:");
    }
}
