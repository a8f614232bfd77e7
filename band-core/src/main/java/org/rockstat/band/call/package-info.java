/**
 * What a service method receives, returns and throws, over HTTP and RPC alike: the front
 * {@link org.rockstat.band.call.Event}, all {@link org.rockstat.band.call.Params}, the
 * {@link org.rockstat.band.call.CallContext}, typed {@link org.rockstat.band.call.Response}s and
 * {@link org.rockstat.band.call.RpcException} for JSON-RPC errors.
 */
package org.rockstat.band.call;
