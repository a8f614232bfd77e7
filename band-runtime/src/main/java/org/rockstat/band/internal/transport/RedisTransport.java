package org.rockstat.band.internal.transport;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandHandler;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.File;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.internal.config.RuntimeConfig.RedisTls;
import org.rockstat.band.internal.config.SecretMasker;
import org.rockstat.band.internal.report.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport over Redis pub/sub, on Lettuce: a <em>session</em> is one pub/sub connection for
 * the subscriptions and one connection for publishing. Band, not Lettuce, rebuilds sessions, so
 * one policy ({@link #DELAY}) spaces every attempt and every attempt's failure is seen (a
 * {@code WRONGPASS} is logged once, with its reason, masked). With a {@code redis-sentinel://} DSN
 * every attempt asks the sentinels for the master first, so after a failover the next session is
 * on the new master. With {@code rediss://} the certificate is verified (chain and host name)
 * against {@code redis_tls.ca_file} or the JVM's CAs; a rejected certificate is one WARN naming it.
 *
 * <p><b>A service heartbeats only while it can hear.</b> An open socket proves nothing: a
 * half-open subscriber, or a decoder broken by an out-of-memory error, looks connected while
 * nothing arrives. So a canary goes round every {@link TransportOptions#watchdogEvery()}: published
 * on the publish connection to a channel of this instance's own, received on the subscription
 * connection. The state is {@link TransportState#CONNECTED} only once a canary came back in the
 * current session; when a canary written is not back within {@link TransportOptions#watchdogTimeout()}
 * (and nothing else proves the subscription delivers: {@link RedisSession#deafness}), or either
 * connection drops, or its pipeline throws, the session is torn down and rebuilt. TCP keepalive
 * is tuned so a dead peer is noticed in seconds.
 *
 * <p>Nothing is lost without a trace. Publishes go through a bounded outbox written by one
 * thread with explicit flushes (system messages first); a publisher waits for room, and a message
 * that cannot be written is failed and counted. Incoming messages go to virtual threads; when
 * {@link TransportOptions#maxInbox()} of them are not yet picked up, or half the outbox's room is
 * taken, reading stops (TCP back-pressure: Redis holds the rest) until both are down again.
 */
public final class RedisTransport implements Transport {
    /** Delay between connection attempts. */
    static final Delay DELAY =
            Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS);

    private static final Logger log = LoggerFactory.getLogger(RedisTransport.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** How long a close waits for what was already offered to reach Redis. */
    private static final Duration CLOSE_FLUSH = Duration.ofSeconds(2);

    private final String maskedDsn;
    private final String tlsHint;
    private final RedisURI uri;
    private final TransportOptions options;
    private final String canaryChannel;
    private final ClientResources resources;
    private final RedisClient client;
    private final List<TransportListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, MessageListener> channels = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> firstSubscribed = new ConcurrentHashMap<>();
    private final ExecutorService events = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("band-redis-events").factory());
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("band-redis-watchdog").factory());
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition sessionEnded = lock.newCondition();
    private final Outbox outbox;
    private final RateLimitedLog rateLimited = new RateLimitedLog(log, Duration.ofSeconds(10));
    private final Inbox inbox;
    private final AtomicLong sessionsEnded = new AtomicLong();
    private final AtomicLong deafSessions = new AtomicLong();
    private final List<CompletableFuture<Void>> closes = new CopyOnWriteArrayList<>();
    private volatile RedisSession session;
    private volatile TransportState state = TransportState.NEW;
    private volatile String lastLoggedFailure;
    private volatile boolean everConnected;
    private volatile String capturing;
    private volatile Channel captured;
    private Thread connector;
    private ScheduledFuture<?> watchdogTask;

    /**
     * A transport for {@code dsn} for the service {@code name}; nothing connects until
     * {@link #start()}.
     *
     * @throws IllegalArgumentException when the DSN cannot be parsed (check it first with {@link Transports#check})
     */
    public RedisTransport(String dsn, String name, TransportOptions options) {
        this.maskedDsn = SecretMasker.maskText(dsn);
        this.uri = Transports.parseRedisUri(dsn);
        // Lettuce's handshake (HELLO, AUTH, SELECT) waits the URI's timeout, 60 s by default: an attempt
        // against a silent peer must fail as fast as a TCP connect does
        uri.setTimeout(HANDSHAKE_TIMEOUT);
        this.options = options;
        byte[] instance = new byte[6];
        new SecureRandom().nextBytes(instance);
        this.canaryChannel = "band:canary:" + name + ":" + HexFormat.of().formatHex(instance);
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .nettyCustomizer(new Customizer())
                .build();
        this.client = RedisClient.create(resources, uri);
        this.tlsHint = uri.isSsl() && options.tls().caFile().isEmpty()
                ? "set redis_tls.ca_file to the CA that signed Redis's certificate"
                : "is redis_tls.ca_file the CA that signed Redis's certificate, and is it issued for this host name?";
        ClientOptions.Builder clientOptions = ClientOptions.builder();
        if (uri.isSsl()) {
            clientOptions.sslOptions(sslOptions(options.tls()));
        }
        client.setOptions(clientOptions
                // Band rebuilds whole sessions itself: one policy, every attempt seen
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(CONNECT_TIMEOUT)
                        .keepAlive(SocketOptions.KeepAliveOptions.builder()
                                .enable()
                                .idle(Duration.ofSeconds(5))
                                .interval(Duration.ofSeconds(1))
                                .count(3)
                                .build())
                        .build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        // each waits on the other: answers waiting in the outbox pause reading, a batch written may resume it
        this.outbox = new Outbox(options, () -> session, this::endSession, this::outboxTaken);
        this.inbox = new Inbox(options.maxInbox(), outbox::occupied, options.publishQueue());
    }

    private void outboxTaken() {
        inbox.outboxTaken();
    }

    /**
     * The TLS files for {@code rediss://}. Verification stays Lettuce's default for a {@code rediss}
     * URI ({@code FULL}: chain and host name) unless the DSN itself says otherwise ({@code verifyPeer}).
     */
    private static SslOptions sslOptions(RedisTls tls) {
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
        if (!tls.caFile().isEmpty()) {
            ssl.trustManager(new File(tls.caFile()));
        }
        if (tls.hasClientCertificate()) {
            ssl.keyManager(new File(tls.certFile()), new File(tls.keyFile()), null);
        }
        return ssl.build();
    }

    @Override
    public void start() {
        lock.lock();
        try {
            if (state != TransportState.NEW) {
                return;
            }
            move(TransportState.CONNECTING);
            connector = Thread.ofVirtual().name("band-redis-connect").start(this::connectLoop);
            outbox.start();
            long every = options.watchdogEvery().toMillis();
            watchdogTask = watchdog.scheduleWithFixedDelay(this::watch, every, every, TimeUnit.MILLISECONDS);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens a connection of its own to this transport's Redis (same address, credentials, TLS and
     * timeouts), outside the sessions: for blocking stream reads, which must not stall the
     * publishes and the subscription. The caller closes it; it is not rebuilt when lost. Its
     * values are {@code String}s: stream entries are read and acknowledged one at a time, off the
     * path of every message the sessions' {@link MessageCodec} is for.
     */
    public StatefulRedisConnection<String, String> connectDedicated() {
        return client.connect(StringCodec.UTF8, uri);
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
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        RedisSession s;
        lock.lock();
        try {
            for (String channel : newChannels) {
                channels.put(channel, listener);
                waits.add(firstSubscribed.computeIfAbsent(channel, c -> new CompletableFuture<>()));
            }
            // the session being opened sees these channels when it is published (open() checks under this lock)
            s = session;
        } finally {
            lock.unlock();
        }
        if (s != null && !s.ended.get()) {
            subscribeIn(s, Set.copyOf(newChannels));
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }

    private void subscribeIn(RedisSession s, Set<String> wanted) {
        try {
            s.sub.async().subscribe(wanted.toArray(String[]::new)).whenComplete((ok, error) -> {
                if (error == null) {
                    s.subscribed.addAll(wanted);
                    completeSubscribed(s);
                } else {
                    endSession(s, "subscribing " + wanted + " failed: " + reason(error));
                }
            });
        } catch (RuntimeException e) {
            endSession(s, "subscribing " + wanted + " failed: " + reason(e));
        }
    }

    @Override
    public CompletionStage<Void> unsubscribe(Set<String> gone) {
        gone.forEach(channels::remove);
        RedisSession s = session;
        if (s != null) {
            s.subscribed.removeAll(gone);
        }
        if (s == null || s.ended.get() || gone.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return s.sub.async().unsubscribe(gone.toArray(String[]::new)).thenApply(ok -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<Long> publish(String channel, byte[] message) {
        if (state != TransportState.CONNECTED) {
            return CompletableFuture.failedFuture(new RpcException(RpcException.UNAVAILABLE, "not connected to Redis"));
        }
        return outbox.offer(channel, message, false);
    }

    @Override
    public CompletionStage<Long> publishUrgent(String channel, byte[] message) {
        if (state != TransportState.CONNECTED) {
            return CompletableFuture.failedFuture(new RpcException(RpcException.UNAVAILABLE, "not connected to Redis"));
        }
        return outbox.offer(channel, message, true);
    }

    /** HSET or HDEL, PUBLISH and HGETALL in one script: the published message and the state are one step. */
    private static final String PUBLISH_WITH_STATE = "local existed = redis.call('HEXISTS', KEYS[1], ARGV[1])"
            + " if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1])"
            + " else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end"
            + " redis.call('PUBLISH', ARGV[3], ARGV[4])"
            + " return {existed, redis.call('HGETALL', KEYS[1])}";

    @Override
    public CompletionStage<SharedState> publishWithState(
            String key, String field, String value, String channel, byte[] message) {
        RedisSession s = session;
        if (state != TransportState.CONNECTED || s == null || s.ended.get()) {
            return CompletableFuture.failedFuture(new RpcException(RpcException.UNAVAILABLE, "not connected to Redis"));
        }
        try {
            CompletionStage<List<Object>> reply = s.pub.async()
                    .eval(
                            PUBLISH_WITH_STATE,
                            io.lettuce.core.ScriptOutputType.MULTI,
                            new String[] {key},
                            // the script's arguments are values: bytes, as the message is
                            MessageCodec.bytes(field),
                            MessageCodec.bytes(value == null ? "" : value),
                            MessageCodec.bytes(channel),
                            message);
            s.pub.flushCommands();
            return reply.thenApply(RedisTransport::pairs);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The script's reply: HEXISTS before, then HGETALL's flat list (of values: bytes). */
    private static SharedState pairs(List<Object> reply) {
        boolean existed = reply.size() > 0 && Long.valueOf(1).equals(reply.get(0));
        List<?> flat = reply.size() > 1 && reply.get(1) instanceof List<?> list ? list : List.of();
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put(text(flat.get(i)), text(flat.get(i + 1)));
        }
        return new SharedState(existed, map);
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? MessageCodec.text(bytes) : String.valueOf(value);
    }

    @Override
    public long session() {
        return sessionsEnded.get();
    }

    @Override
    public TransportState state() {
        return state;
    }

    @Override
    public void addListener(TransportListener listener) {
        listeners.add(listener);
    }

    @Override
    public Stats stats() {
        RedisSession s = session;
        return new Stats(
                sessionsEnded.get(),
                deafSessions.get(),
                outbox.failed(),
                outbox.queued(),
                inbox.backlog(),
                s != null && s.readingPaused());
    }

    // ---------------------------------------------------------------- sessions

    /** Opens a session whenever there is none, waits while one lives, until closed. */
    private void connectLoop() {
        int attempt = 0;
        while (state != TransportState.CLOSED) {
            RedisSession s = new RedisSession();
            try {
                open(s);
                attempt = 0;
                awaitEnd(s);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                close(s);
                if (state == TransportState.CLOSED) {
                    return;
                }
                attempt++;
                Duration delay = DELAY.createDelay(attempt);
                failed(attempt, delay, e);
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void open(RedisSession s) throws Exception {
        // with redis-sentinel:// a sentinel's connection is initialised first; the master's address is
        // known only once it answered, so the last channel initialised is always the data node's
        capturing = "sub";
        s.sub = client.connectPubSub(MessageCodec.INSTANCE, uri);
        s.subChannel = captured;
        capturing = "pub";
        s.pub = client.connect(MessageCodec.INSTANCE, uri);
        s.pubChannel = captured;
        capturing = null;
        s.pub.setAutoFlushCommands(false);
        s.sub.addListener(new Deliverer(s));
        RedisConnectionStateListener lost = new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                endSession(s, "connection lost");
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {}
        };
        s.sub.addListener(lost);
        s.pub.addListener(lost);
        List<String> wanted = new ArrayList<>(channels.keySet());
        wanted.add(canaryChannel);
        s.sub.async().subscribe(wanted.toArray(String[]::new)).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        s.subscribed.addAll(wanted);
        Set<String> missed = new java.util.HashSet<>();
        lock.lock();
        try {
            if (state == TransportState.CLOSED) {
                throw new IllegalStateException("closed");
            }
            session = s;
            // channels subscribed to while this session was opening
            missed.addAll(channels.keySet());
            missed.removeAll(s.subscribed);
        } finally {
            lock.unlock();
        }
        if (!missed.isEmpty()) {
            subscribeIn(s, missed);
        }
        sendCanary(s);
    }

    private void awaitEnd(RedisSession s) throws InterruptedException {
        lock.lock();
        try {
            while (!s.ended.get() && state != TransportState.CLOSED) {
                sessionEnded.await();
            }
        } finally {
            lock.unlock();
        }
        close(s);
    }

    /** Ends a session for {@code why}: logged once, the connect loop opens the next. */
    private void endSession(RedisSession s, String why) {
        if (!s.ended.compareAndSet(false, true)) {
            return;
        }
        lock.lock();
        try {
            if (state == TransportState.CLOSED) {
                return;
            }
            sessionsEnded.incrementAndGet();
            if (session == s) {
                session = null;
            }
            if (s.proven) {
                log.warn("Redis connection to {} lost ({}); reconnecting", maskedDsn, why);
            } else {
                log.warn("Redis at {} never answered ({}); reconnecting", maskedDsn, why);
            }
            evaluate();
            sessionEnded.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes both connections of a session once; the transport's close waits for every such close. */
    private void close(RedisSession s) {
        s.ended.set(true);
        if (!s.closed.compareAndSet(false, true)) {
            return;
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (var connection : new io.lettuce.core.api.StatefulConnection<?, ?>[] {s.sub, s.pub}) {
            if (connection != null) {
                try {
                    closing.add(connection.closeAsync());
                } catch (RuntimeException ignored) {
                    // closing a broken connection: nothing more to do
                }
            }
        }
        closes.removeIf(CompletableFuture::isDone);
        closes.add(CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .handle((ok, e) -> null));
    }

    /** A failed attempt: listeners are told each one, the log each new reason. */
    private void failed(int attempt, Duration delay, Throwable error) {
        String cause = SecretMasker.maskText(reason(error));
        String why = isTlsTrust(error) ? "TLS: Redis's certificate is not trusted: " + cause + "; " + tlsHint : cause;
        if (!why.equals(lastLoggedFailure)) {
            lastLoggedFailure = why;
            log.warn(
                    "Redis at {} {} ({}); retrying until it is",
                    maskedDsn,
                    everConnected ? "cannot be reached again" : "unreachable",
                    why);
        }
        listeners.forEach(l -> l.attemptFailed(attempt, delay, why));
    }

    /**
     * Pauses or resumes reading the current session's subscription, as the {@link Inbox} does
     * (tests call it from a listener's {@link MessageListener#arrive}, on the event loop, where a
     * burst makes the inbox call it).
     */
    void readSubscriptions(boolean on) {
        RedisSession s = session;
        if (s != null) {
            s.readSubscriptions(on);
        }
    }

    // ---------------------------------------------------------------- the watchdog

    /** Every period: send a canary, and end the session when none came back in time. */
    private void watch() {
        RedisSession s = session;
        if (s == null || s.ended.get()) {
            return;
        }
        String deaf = s.deafness(System.nanoTime(), options.watchdogTimeout().toNanos(), s.readingPaused());
        if (deaf != null) {
            deafSessions.incrementAndGet();
            endSession(s, deaf);
            return;
        }
        sendCanary(s);
    }

    private void sendCanary(RedisSession s) {
        outbox.offerCanary(s, canaryChannel, MessageCodec.bytes(Long.toString(s.canarySeq.incrementAndGet())))
                .thenAccept(receivers -> {
                    if (receivers > 0) {
                        s.lastCanaryTakenNanos = System.nanoTime();
                    }
                });
    }

    private void canaryArrived(RedisSession s) {
        s.canaryArrived();
        if (!s.proven) {
            s.proven = true;
            lock.lock();
            try {
                evaluate();
            } finally {
                lock.unlock();
            }
            completeSubscribed(s);
        }
    }

    /** Channels subscribed in a proven session have their first subscription. */
    private void completeSubscribed(RedisSession s) {
        if (s.proven && !s.ended.get()) {
            s.subscribed.forEach(channel -> {
                CompletableFuture<Void> first = firstSubscribed.get(channel);
                if (first != null) {
                    first.complete(null);
                }
            });
        }
    }

    /** The one place the state changes (called with the lock held). */
    private void evaluate() {
        if (state == TransportState.CLOSED) {
            return;
        }
        RedisSession s = session;
        TransportState next = s != null && s.proven && !s.ended.get()
                ? TransportState.CONNECTED
                : everConnected ? TransportState.RECONNECTING : TransportState.CONNECTING;
        if (next == state) {
            return;
        }
        if (next == TransportState.CONNECTED) {
            log.info(everConnected ? "Redis connected again ({})" : "Redis connected ({})", maskedDsn);
            everConnected = true;
            lastLoggedFailure = null;
        }
        move(next);
    }

    /** Called with the lock held; listeners run on the event thread, in order. */
    private void move(TransportState to) {
        TransportState from = state;
        state = to;
        events.execute(() -> listeners.forEach(l -> {
            try {
                l.stateChanged(from, to);
            } catch (RuntimeException e) {
                log.warn("Transport listener failed: {}", e.toString());
            }
        }));
    }

    /**
     * Writes what was offered before the call (at most {@link #CLOSE_FLUSH}: a dead connection
     * fails it at once, counted), then drops subscriptions and connections.
     */
    @Override
    public void close() {
        if (state != TransportState.CLOSED && outbox.started()) {
            try {
                int unsent = outbox.awaitSent(CLOSE_FLUSH);
                if (unsent > 0) {
                    log.warn(
                            "{} message(s) were still not taken by Redis {} ms after the transport began closing: dropped",
                            unsent,
                            CLOSE_FLUSH.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        RedisSession s;
        lock.lock();
        try {
            if (state == TransportState.CLOSED) {
                return;
            }
            move(TransportState.CLOSED);
            s = session;
            session = null;
            sessionEnded.signalAll();
            if (watchdogTask != null) {
                watchdogTask.cancel(false);
            }
        } finally {
            lock.unlock();
        }
        outbox.close();
        if (connector != null) {
            connector.interrupt();
        }
        if (s != null) {
            close(s);
        }
        try {
            if (connector != null) {
                connector.join(Duration.ofSeconds(2));
            }
            // every close done, so the client's shutdown does not close a connection again (and warn)
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.debug("Closing the Redis connections: {}", e.toString());
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        watchdog.shutdownNow();
        events.shutdown();
        RpcException closed = new RpcException(RpcException.UNAVAILABLE, "transport closed");
        firstSubscribed.values().forEach(f -> f.completeExceptionally(closed));
    }

    /** True when the handshake failed because the server's certificate was not accepted. */
    private static boolean isTlsTrust(Throwable error) {
        Throwable e = error;
        // a cause chain is short; the bound only guards against a cycle
        for (int depth = 0; e != null && depth < 32; depth++, e = e.getCause()) {
            if (e instanceof java.security.cert.CertificateException
                    || e instanceof java.security.cert.CertPathBuilderException
                    || e instanceof java.security.cert.CertPathValidatorException) {
                return true;
            }
        }
        return false;
    }

    /** The root cause's message, for a log line. */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && !root.getCause().equals(root)) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    // ---------------------------------------------------------------- receiving

    /** Takes the canary out of the pub/sub stream and hands every other message to the {@link Inbox}. */
    private final class Deliverer extends RedisPubSubAdapter<String, byte[]> {
        private final RedisSession s;

        Deliverer(RedisSession s) {
            this.s = s;
        }

        @Override
        public void message(String channel, byte[] message) {
            s.lastHeardNanos = System.nanoTime();
            if (channel.equals(canaryChannel)) {
                canaryArrived(s);
                return;
            }
            MessageListener target = channels.get(channel);
            if (target != null && state != TransportState.CLOSED) {
                inbox.deliver(s, target, channel, message);
            }
        }
    }

    /** Knows the Netty channel of each connection, and ends the session its pipeline fails in. */
    private final class Customizer implements NettyCustomizer {
        @Override
        @SuppressWarnings("ReferenceEquality") // which of the session's two channels: identity is the question
        public void afterChannelInitialized(Channel channel) {
            if (capturing != null) {
                captured = channel;
            }
            if ("sub".equals(capturing)) {
                // in front of Lettuce's handler: what it holds Lettuce has not decoded yet
                ChannelHandlerContext lettuce = channel.pipeline().context(CommandHandler.class);
                if (lettuce != null) {
                    channel.pipeline().addBefore(lettuce.name(), ReadGate.NAME, new ReadGate());
                } else {
                    channel.pipeline().addFirst(ReadGate.NAME, new ReadGate());
                }
            }
            channel.pipeline().addLast("band-failures", new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    RedisSession s = session;
                    if (s != null && (ctx.channel() == s.subChannel || ctx.channel() == s.pubChannel)) {
                        rateLimited.warn(
                                "pipeline",
                                "Redis connection to {} failed in its pipeline ({});" + " rebuilding it",
                                maskedDsn,
                                cause.toString());
                        endSession(s, "pipeline failure: " + cause);
                    }
                    ctx.close();
                }
            });
        }
    }
}
