package org.rockstat.band.internal.transport;

import org.rockstat.band.internal.config.SecretMasker;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.rockstat.band.rpc.RpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport over Redis pub/sub, on Lettuce: one pub/sub connection for the subscriptions and
 * one connection for publishing, async API only. Incoming messages are handed to virtual threads,
 * never processed on Lettuce's event loop.
 *
 * <p>The first connection is retried with capped exponential backoff (100 ms to 5 s) for as long
 * as it takes; afterwards Lettuce reconnects by itself (delay capped at 1 s) and resubscribes
 * every channel. Publishing while disconnected fails at once. The state is logged once per
 * change ({@code Redis connected}, {@code Redis connection to ... lost; retrying}) with the
 * password masked.
 *
 * <p>The state is read from the connections themselves ({@link StatefulConnection#isOpen()} of
 * both), re-evaluated after every Lettuce connect/disconnect event and once both connections
 * exist; the events only say "look again", they are not the state. The first subscribe completes
 * only once the channels are subscribed <em>and</em> the transport counts as connected, so a
 * caller that waited for it can publish at once.
 */
public final class RedisTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(RedisTransport.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private final String maskedDsn;
    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> firstSubscribe = new CompletableFuture<>();
    private final ThreadFactory deliveryThreads = Thread.ofVirtual().name("band-rpc-in-", 0).factory();
    private final ExecutorService stateEvents = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("band-redis-state").factory());
    private final Object stateLock = new Object();
    private volatile MessageListener listener;
    private volatile StatefulRedisPubSubConnection<String, String> sub;
    private volatile StatefulRedisConnection<String, String> pub;
    private volatile boolean closed;
    private boolean connected;
    private final java.util.concurrent.atomic.AtomicReference<CompletableFuture<Void>> closing =
            new java.util.concurrent.atomic.AtomicReference<>();
    private boolean everConnected;
    private boolean subscribedOnce;
    private Thread connector;

    /**
     * A transport for {@code dsn} ({@code redis://host:port/db}, {@code redis://user:pass@host},
     * {@code rediss://...} for TLS). Nothing connects until {@link #start()}.
     *
     * @throws IllegalArgumentException when the DSN cannot be parsed
     */
    public RedisTransport(String dsn) {
        this.maskedDsn = SecretMasker.maskText(dsn);
        try {
            this.uri = RedisURI.create(dsn.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Invalid redis_dsn '" + maskedDsn
                    + "': expected redis://host:port/db, redis://user:password@host:port or rediss://...", e);
        }
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        client.addListener(new StateListener());
    }

    /** Starts connecting in the background; returns at once. */
    public RedisTransport start() {
        synchronized (stateLock) {
            if (connector == null && !closed) {
                connector = Thread.ofVirtual().name("band-redis-connect").start(this::connectLoop);
            }
        }
        return this;
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public String description() {
        return "redis " + maskedDsn;
    }

    @Override
    public String peerName() {
        return "Redis";
    }

    @Override
    public CompletionStage<Void> subscribe(Set<String> newChannels, MessageListener listener) {
        this.listener = listener;
        channels.addAll(newChannels);
        StatefulRedisPubSubConnection<String, String> connection = sub;
        if (connection != null && connection.isOpen()) {
            subscribeAsync(connection, newChannels);
        }
        // otherwise connectLoop, or the pub/sub connection's next connect event, subscribes them
        return firstSubscribe;
    }

    private void subscribeAsync(StatefulRedisPubSubConnection<String, String> connection, Set<String> toSubscribe) {
        try {
            connection.async().subscribe(toSubscribe.toArray(String[]::new)).whenComplete((ok, error) -> {
                if (error == null) {
                    subscribed();
                } else if (!closed) {
                    log.warn("Subscribing {} on {} failed: {}; retried on reconnect", toSubscribe, maskedDsn, error.getMessage());
                }
            });
        } catch (RuntimeException e) {
            log.warn("Subscribing {} on {} failed: {}; retried on reconnect", toSubscribe, maskedDsn, e.getMessage());
        }
    }

    /** The channels are subscribed: the first subscribe completes as soon as we count as connected. */
    private void subscribed() {
        boolean ready;
        synchronized (stateLock) {
            subscribedOnce = true;
            ready = connected;
        }
        if (ready) {
            firstSubscribe.complete(null);
        }
    }

    @Override
    public CompletionStage<Void> publish(String channel, String message) {
        StatefulRedisConnection<String, String> connection = pub;
        if (connection == null || closed) {
            return CompletableFuture.failedFuture(new RpcException(RpcException.UNAVAILABLE, "not connected to Redis"));
        }
        try {
            return connection.async().publish(channel, message).thenApply(receivers -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public boolean isConnected() {
        synchronized (stateLock) {
            return connected;
        }
    }

    @Override
    public void onConnectionChange(ConnectionListener listener) {
        connectionListeners.add(listener);
    }

    /** Connects both connections, retrying with backoff until done or closed. */
    private void connectLoop() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        boolean reported = false;
        while (!closed) {
            try {
                if (sub == null) {
                    StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub(StringCodec.UTF8, uri);
                    connection.addListener(new Deliverer());
                    sub = connection;
                }
                if (pub == null) {
                    pub = client.connect(StringCodec.UTF8, uri);
                }
                boolean subscribing = !channels.isEmpty();
                if (subscribing) {
                    sub.async().subscribe(channels.toArray(String[]::new)).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
                // Lettuce fires the connect events before connect() returns, i.e. before sub and
                // pub are set: look at both connections now that they are
                updateState();
                if (subscribing) {
                    subscribed();
                }
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                if (closed) {
                    break;
                }
                if (!reported) {
                    log.warn("Redis at {} unreachable ({}); retrying until it is", maskedDsn, reason(e));
                    reported = true;
                }
                try {
                    Thread.sleep(backoff.nextDelayMillis());
                } catch (InterruptedException interrupted) {
                    break;
                }
            }
        }
        if (closed) {
            closeConnections();
        }
    }

    /**
     * Re-reads the state from both connections. Lettuce marks a connection open or not before it
     * fires the matching event, so the last call after any change sees the truth.
     */
    private void updateState() {
        boolean now;
        boolean changed;
        boolean ready;
        synchronized (stateLock) {
            now = !closed && isOpen(sub) && isOpen(pub);
            changed = now != connected;
            ready = now && subscribedOnce;
            connected = now;
            if (changed && !closed) {
                if (now) {
                    log.info(everConnected ? "Redis connected again ({})" : "Redis connected ({})", maskedDsn);
                    everConnected = true;
                } else {
                    log.warn("Redis connection to {} lost; retrying", maskedDsn);
                }
            }
        }
        if (ready) {
            firstSubscribe.complete(null);
        }
        if (changed && !closed) {
            stateEvents.execute(() -> connectionListeners.forEach(l -> {
                try {
                    l.connectionChanged(now);
                } catch (RuntimeException e) {
                    log.warn("Connection listener failed: {}", e.toString());
                }
            }));
        }
    }

    private static boolean isOpen(StatefulConnection<?, ?> connection) {
        return connection != null && connection.isOpen();
    }

    @Override
    public void close() {
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
            connected = false;
            if (connector != null) {
                connector.interrupt();
            }
        }
        try {
            // let both closes finish, so the client's shutdown does not close them again (and warn)
            closeConnections().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.debug("Closing the Redis connections: {}", e.toString());
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        stateEvents.shutdown();
        firstSubscribe.completeExceptionally(new RpcException(RpcException.UNAVAILABLE, "transport closed"));
    }

    /**
     * Closes both connections once: close() and a connect loop that notices the close may both
     * get here, and Lettuce warns about a second close. Whatever opens after this, the client's
     * shutdown closes.
     */
    private CompletableFuture<Void> closeConnections() {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (!closing.compareAndSet(null, mine)) {
            return closing.get();
        }
        var s = sub;
        var p = pub;
        CompletableFuture.allOf(
                s == null ? CompletableFuture.completedFuture(null) : s.closeAsync(),
                p == null ? CompletableFuture.completedFuture(null) : p.closeAsync())
                .whenComplete((ok, error) -> mine.complete(null));
        return mine;
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    /** Lettuce's connection events, for every connection of this client (on the event loop: keep short). */
    private final class StateListener implements RedisConnectionStateListener {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            StatefulRedisPubSubConnection<String, String> subscriber = sub;
            if (connection == subscriber && !closed && !firstSubscribe.isDone() && !channels.isEmpty()) {
                // the first subscribe has not gone through yet (it failed, or came while
                // disconnected), so Lettuce does not know these channels to resubscribe them
                subscribeAsync(subscriber, Set.copyOf(channels));
            }
            updateState();
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            updateState();
        }
    }

    /** Hands each pub/sub message to a virtual thread. */
    private final class Deliverer extends RedisPubSubAdapter<String, String> {
        @Override
        public void message(String channel, String message) {
            MessageListener target = listener;
            if (target != null && !closed) {
                deliveryThreads.newThread(() -> target.onMessage(channel, message)).start();
            }
        }
    }
}
