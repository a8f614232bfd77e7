/**
 * The Band wire protocol over a transport: {@link org.rockstat.band.internal.rpc.RpcRuntime} (what
 * the launcher wires), {@link org.rockstat.band.internal.rpc.RpcEndpoint} (the protocol engine)
 * and the client behind {@link org.rockstat.band.rpc.RpcClient}. Internal: not a public API.
 */
package org.rockstat.band.internal.rpc;
