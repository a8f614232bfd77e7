package org.rockstat.band.internal.rpc;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.internal.transport.RedisTransport;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.testing.RedisServerExtension;

/** The shared RPC suite on a real redis-server. */
class RedisRpcTest extends RpcSuite {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @Override
    Transport newTransport() {
        return new RedisTransport(redis.dsn()).start();
    }
}
