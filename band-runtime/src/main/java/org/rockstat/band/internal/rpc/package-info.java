/**
 * The Band wire protocol over a transport: {@link org.rockstat.band.internal.rpc.RpcEndpoint} (the
 * protocol engine: decode, validate, route, answer), the client behind
 * {@link org.rockstat.band.client.RpcClient} with its pending calls, the wire codec and the
 * channel choice. Internal: not a public API.
 */
package org.rockstat.band.internal.rpc;
