/**
 * Moving text messages between pub/sub channels: {@link org.rockstat.band.internal.transport.RedisTransport}
 * (Lettuce), {@link org.rockstat.band.internal.transport.MemoryTransport} (in-process) and
 * {@link org.rockstat.band.internal.transport.Transports}, which picks one from {@code redis_dsn}.
 * Internal: not a public API.
 */
package org.rockstat.band.internal.transport;
