/**
 * What a service method sees and returns: the front {@link org.rockstat.band.rpc.Event}, all
 * {@link org.rockstat.band.rpc.Params}, the {@link org.rockstat.band.rpc.CallContext}, typed
 * {@link org.rockstat.band.rpc.Response}s and {@link org.rockstat.band.rpc.RpcException} for
 * JSON-RPC errors; plus {@link org.rockstat.band.rpc.MethodSpec} and
 * {@link org.rockstat.band.rpc.MethodHandler} to register methods in plain code.
 */
package org.rockstat.band.rpc;
