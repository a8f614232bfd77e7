package org.rockstat.band.internal.transport;

/** Redis DSN helpers. */
public final class Dsn {
    private Dsn() {
    }

    /** True for an empty DSN or {@code memory://}: the in-process bus. */
    public static boolean isMemory(String dsn) {
        return dsn == null || dsn.isBlank() || dsn.trim().startsWith("memory:");
    }
}
