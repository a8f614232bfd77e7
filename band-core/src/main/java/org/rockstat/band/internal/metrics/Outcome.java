package org.rockstat.band.internal.metrics;

import java.util.Locale;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.internal.concurrent.Futures;

/**
 * How a call ended, as the {@code outcome} tag of the call meters: a handful of values, whatever
 * the error text says, so a dashboard can count them.
 *
 * <pre>{@code
 * Outcome.of(null);                                              // OK
 * Outcome.of(new RpcException(RpcException.TIMEOUT, "late")).tag(); // "timeout"
 * }</pre>
 */
public enum Outcome {
    /** Answered with a result. */
    OK,
    /** The method failed, or answered an error of its own. */
    ERROR,
    /** The call was malformed: invalid params or request. */
    INVALID,
    /** No such method. */
    NOT_FOUND,
    /** Refused: the method's running and waiting places were full. */
    OVERLOADED,
    /** Dropped unrun: its caller (front) had stopped waiting while it queued. */
    SHED,
    /** Ran past its timeout (or, for our own calls, no answer in time). */
    TIMEOUT,
    /** Not served: shutting down, interrupted, not connected, or nobody listening. */
    UNAVAILABLE;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** The tag value: {@code ok}, {@code error}, {@code invalid}... */
    public String tag() {
        return tag;
    }

    /** The outcome of a call that completed with {@code error} ({@code null}: {@link #OK}). */
    public static Outcome of(Throwable error) {
        if (error == null) {
            return OK;
        }
        if (!(Futures.unwrap(error) instanceof RpcException rpc)) {
            return ERROR;
        }
        return switch (rpc.code()) {
            case RpcException.INVALID_PARAMS, RpcException.INVALID_REQUEST, RpcException.PARSE_ERROR -> INVALID;
            case RpcException.METHOD_NOT_FOUND -> NOT_FOUND;
            case RpcException.OVERLOADED -> OVERLOADED;
            case RpcException.TIMEOUT -> TIMEOUT;
            case RpcException.UNAVAILABLE -> UNAVAILABLE;
            default -> ERROR;
        };
    }
}
