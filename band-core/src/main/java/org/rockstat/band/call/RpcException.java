package org.rockstat.band.call;

/**
 * A JSON-RPC error with a code. Throw it from a service method to answer with that code; any
 * other exception is answered as {@link #INTERNAL_ERROR} with the exception's message (never a
 * stack trace). Over HTTP the code maps to a status: invalid params 400, not found 404,
 * overloaded 503, timeout 504, everything else 500.
 *
 * <pre>{@code
 * if (ip == null) throw RpcException.invalidParams("param 'ip' must be an IPv4 or IPv6 address");
 * }</pre>
 */
public class RpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Not valid JSON; nothing can be answered. */
    public static final int PARSE_ERROR = -32700;
    /** Not a valid request object. */
    public static final int INVALID_REQUEST = -32600;
    /** No such method in this service. */
    public static final int METHOD_NOT_FOUND = -32601;
    /** Params missing, of the wrong type, or not an object. */
    public static final int INVALID_PARAMS = -32602;
    /** The method failed. */
    public static final int INTERNAL_ERROR = -32603;
    /** Too many calls in flight; try again later (server-defined range). */
    public static final int OVERLOADED = -32001;
    /** The call ran past its timeout (server-defined range). */
    public static final int TIMEOUT = -32002;
    /** The service is shutting down or not connected (server-defined range). */
    public static final int UNAVAILABLE = -32003;

    private final int code;

    /** An error with the given JSON-RPC code and a message fit for the caller. */
    public RpcException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** An error with a cause that is logged here but never sent. */
    public RpcException(int code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
    }

    /** The JSON-RPC error code. */
    public int code() {
        return code;
    }

    /** {@value #INVALID_PARAMS}: the caller sent params this method cannot take. */
    public static RpcException invalidParams(String message) {
        return new RpcException(INVALID_PARAMS, message);
    }

    /** {@value #METHOD_NOT_FOUND}: no method by that name. */
    public static RpcException methodNotFound(String method) {
        return new RpcException(METHOD_NOT_FOUND, "Method not found: " + method);
    }
}
