package org.rockstat.band.internal.rpc;

import org.rockstat.band.internal.transport.MemoryBus;
import org.rockstat.band.internal.transport.MemoryTransport;
import org.rockstat.band.internal.transport.Transport;

/** The shared RPC suite on the in-memory bus (a private bus per test). */
class MemoryRpcTest extends RpcSuite {
    private final MemoryBus bus = new MemoryBus();

    @Override
    Transport newTransport() {
        return new MemoryTransport(bus, "test");
    }
}
