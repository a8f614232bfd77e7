package org.rockstat.band.internal.rpc;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.RedisServerExtension;

/** The shared RPC suite on a real redis-server. */
class RedisRpcTest extends RpcSuite {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @Override
    String dsn() {
        return redis.dsn();
    }
}
