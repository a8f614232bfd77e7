package org.rockstat.band.internal.rpc;

import java.util.concurrent.atomic.AtomicLong;

/** The shared RPC suite on the in-memory bus (a private bus per test). */
class MemoryRpcTest extends RpcSuite {
    private static final AtomicLong BUSES = new AtomicLong();
    private final String dsn = "memory://rpc-suite-" + BUSES.incrementAndGet();

    @Override
    String dsn() {
        return dsn;
    }
}
