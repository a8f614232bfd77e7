package org.rockstat.band.method;

/**
 * What front does with a method, as listed in the {@code register} of {@code __status}.
 * {@link #EXPOSED} methods are callable by name but not registered with front.
 */
public enum Role {
    /** Result goes back to the caller of {@code /<service>/<name>}. */
    HANDLER("handler"),
    /** Adds data to matching events before handling; called {@code enrich} on the wire. */
    ENRICHER("enricher"),
    /** Receives every {@code broadcast} event after handling. */
    LISTENER("listener"),
    /** Callable over RPC and HTTP, not registered with front. */
    EXPOSED(null);

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    /** The role as written in {@code register}, or {@code null} for {@link #EXPOSED}. */
    public String wireName() {
        return wireName;
    }
}
