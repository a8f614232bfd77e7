package org.rockstat.band.internal.concurrent;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The one unwrapping of the wrappers {@code CompletableFuture} puts around a failure. */
public final class Futures {
    private Futures() {}

    /** The failure inside any {@link CompletionException} / {@link ExecutionException} layers. */
    public static Throwable unwrap(Throwable error) {
        Throwable out = error;
        while ((out instanceof CompletionException || out instanceof ExecutionException) && out.getCause() != null) {
            out = out.getCause();
        }
        return out;
    }
}
