package org.rockstat.band.client;

import org.rockstat.band.call.RpcException;

/**
 * Another service answered a call with a JSON-RPC error: its code and its message, and which
 * call it was. Thrown by {@link RpcClient} calls and by {@link RemoteService} proxies; a timeout,
 * a lost connection or a service nobody runs are plain {@link RpcException}s instead, since no
 * service answered.
 *
 * <pre>{@code
 * try {
 *     geo.enrich(ip);
 * } catch (RemoteException e) {
 *     if (e.code() == RpcException.INVALID_PARAMS) { ... }   // e.remoteMessage(): what mmgeo said
 * }
 * }</pre>
 */
public class RemoteException extends RpcException {
    private static final long serialVersionUID = 1L;

    private final String service;
    private final String method;
    private final String remoteMessage;

    /** {@code service.method} answered error {@code code} with {@code remoteMessage}. */
    public RemoteException(String service, String method, int code, String remoteMessage) {
        super(code, service + "." + method + " failed: " + remoteMessage + " (code " + code + ")");
        this.service = service;
        this.method = method;
        this.remoteMessage = remoteMessage;
    }

    /** The service that answered (the callee's name, or the channel for a gather). */
    public String service() {
        return service;
    }

    /** The remote method's wire name. */
    public String method() {
        return method;
    }

    /** The error's {@code message} as the remote service sent it. */
    public String remoteMessage() {
        return remoteMessage;
    }
}
