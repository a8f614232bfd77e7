package org.rockstat.band.internal.replica;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.report.RateLimitedLog;
import org.rockstat.band.internal.report.WireText;
import org.rockstat.band.internal.transport.MessageListener;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.internal.transport.TransportListener;
import org.rockstat.band.internal.transport.TransportState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas of one service, as this replica knows them, and at which point of Redis's order
 * it knows them. Every replica subscribes the Band-private channel {@code band:<service>:members}
 * (front and director never see it) on the same connection as the service's channels, and applies
 * what arrives there on the receiving thread, before any later message is looked at
 * ({@link MessageListener#arrive}): so each request or event is judged against the members as they
 * were when Redis delivered it, the same on every replica, and {@link View#owns} picks one of them.
 *
 * <p>Joining and leaving are one Redis script each ({@link Transport#publishWithState}): the member
 * hash {@code band:<service>:members} changes, the announcement is published and the new hash read
 * back in one step, so a joining replica learns exactly the members at the point of its own
 * announcement. Until its announcement comes back it owns nothing; after it, messages wait for
 * that hash (one round trip). A replica beats every {@code beat}; one not heard for
 * {@code timeout} is announced gone by the others, and its share moves to them.
 *
 * <pre>{@code
 * ReplicaSet replicas = new ReplicaSet("uaparser", transport, Duration.ofSeconds(1), Duration.ofSeconds(3));
 * replicas.start(endpoint.start(channels, dispatcher)); // joins once every channel is subscribed
 * boolean mine = ReplicaSet.await(replicas.current()).owns(replicas.id(), key);
 * replicas.leave().get(1, TimeUnit.SECONDS);           // on SIGTERM, before draining
 * }</pre>
 */
public final class ReplicaSet implements MessageListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaSet.class);
    private static final Duration VIEW_WAIT = Duration.ofSeconds(5);
    private static final RateLimitedLog slow = new RateLimitedLog(log, Duration.ofSeconds(10));
    private static final CompletableFuture<View> OUTSIDE = CompletableFuture.completedFuture(View.OUTSIDE);

    /** One join: the members right before our hello (for what arrives until it is back), and right after. */
    private record Join(String nonce, CompletableFuture<View> before, CompletableFuture<View> view) {}

    private final String service;
    private final String id;
    private final String channel;
    private final Transport transport;
    private final Duration beat;
    private final Duration timeout;
    private final long started = System.currentTimeMillis();
    private final RateLimitedLog garbage = new RateLimitedLog(log, Duration.ofSeconds(10));
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();
    private final Map<String, Long> announcedGone = new ConcurrentHashMap<>();
    private final AtomicBoolean joining = new AtomicBoolean();
    /** The transport's {@link Transport#session()} our latest hello went out on; -1 before the first. */
    private volatile long joinSession = -1;

    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private final CompletableFuture<Void> left = new CompletableFuture<>();
    private final ScheduledThreadPoolExecutor timer;
    // until the first join is answered, what arrives waits for the members before our hello
    private final CompletableFuture<View> firstBefore = new CompletableFuture<>();
    private volatile CompletableFuture<View> current = firstBefore;
    private volatile Join join;
    private volatile long lastAttemptNanos;
    private volatile boolean subscribed;
    private volatile boolean leaving;
    private volatile boolean solo;
    private volatile boolean closed;

    /** The replica set of {@code service} on {@code transport}; nothing happens until {@link #start(CompletionStage)}. */
    public ReplicaSet(String service, Transport transport, Duration beat, Duration timeout) {
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        this.id = HexFormat.of().formatHex(random);
        this.service = service;
        this.channel = "band:" + service + ":members";
        this.transport = transport;
        this.beat = beat;
        this.timeout = timeout;
        this.timer = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().daemon().name("band-replicas").factory());
        this.timer.setRemoveOnCancelPolicy(true);
        this.lastAttemptNanos = System.nanoTime() - timeout.toNanos() - 1;
    }

    /** This replica's id: random, new for every start. */
    public String id() {
        return id;
    }

    /** The Band-private channel (and hash key) of the members. */
    public String channel() {
        return channel;
    }

    /**
     * Subscribes the members channel, joins once it and {@code channelsSubscribed} (the service's
     * own channels) are subscribed, and beats from now on; rejoins after a lost connection (what
     * was announced meanwhile is unknown). A hello sent before the service's channels were
     * subscribed would give it a share of messages it cannot receive.
     *
     * @return completes when this replica first knows the members (it owns its share from then)
     */
    public CompletableFuture<Void> start(CompletionStage<Void> channelsSubscribed) {
        transport.addListener(new TransportListener() {
            @Override
            public void stateChanged(TransportState from, TransportState to) {
                // the connection we joined on needs no second hello (one sent from here too could start
                // before the first was back, and the members in between were judged differently)
                if (to != TransportState.CONNECTED || joinSession < 0 || transport.session() == joinSession) {
                    return;
                }
                // announcements may have been missed while disconnected: current() is OUTSIDE until we join again
                Thread.ofVirtual().name("band-replicas-join").start(() -> join("connected"));
            }
        });
        timer.scheduleWithFixedDelay(this::tick, beat.toMillis(), beat.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture.allOf(
                        transport.subscribe(Set.of(channel), this).toCompletableFuture(),
                        channelsSubscribed.toCompletableFuture())
                .whenComplete((ok, error) -> {
                    if (error == null) {
                        subscribed = true;
                        join("start");
                    }
                });
        return joined;
    }

    /**
     * True while this replica is one of the members it knows, so it handles its share: false
     * before its first join came back, while it rejoins after a lost connection or after being
     * announced gone, and once it announced leaving. Readiness reports it.
     */
    public boolean isMember() {
        View view = current().getNow(null);
        return view != null && view.isMember() && view.contains(id);
    }

    /**
     * For readiness: {@code up} while {@link #isMember()}; {@code down: leaving} from the moment
     * this replica starts leaving (SIGTERM); {@code down: joining} before its hello came back (at start, after a lost
     * connection, after being announced gone).
     */
    public String membership() {
        if (leaving) {
            return "down: leaving";
        }
        // disconnected, it may miss announcements: it joins again once connected
        return isMember() && transport.isConnected() ? "up" : "down: joining";
    }

    /**
     * The members at the latest point received; a message captures it when it arrives. On a
     * connection other than the one our latest hello went out on, announcements may have been
     * missed: {@link View#OUTSIDE} until this replica has joined again on it.
     */
    public CompletableFuture<View> current() {
        long joinedOn = joinSession;
        return joinedOn >= 0 && !solo && transport.session() != joinedOn ? OUTSIDE : current;
    }

    /** The view a message captured; waits only while this replica's join is being answered. */
    public static View await(CompletableFuture<View> captured) {
        View view = captured.getNow(null);
        if (view != null) {
            return view;
        }
        try {
            return captured.get(VIEW_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return View.OUTSIDE;
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            slow.warn("view", "The members of the service were not known in time: a message was left to the others");
            return View.OUTSIDE;
        }
    }

    /**
     * Announces that this replica leaves: the messages Redis delivers after the announcement are
     * the others'; the ones before it are still ours to handle.
     *
     * @return completes when the announcement came back (every earlier message has arrived)
     */
    public CompletableFuture<Void> leave() {
        leaving = true;
        // announced even when not a member of the current view (rejoining after a lost connection):
        // the others may still count this replica, and would wait for its beats to time out
        if (joinSession < 0 || !transport.isConnected()) {
            left.complete(null);
            return left;
        }
        transport
                .publishWithState(channel, id, null, channel, Json.utf8(announcement("leave", id)))
                .whenComplete((hash, error) -> {
                    if (error != null) {
                        log.warn(
                                "Could not announce leaving to the other replicas ({}): they take over after {} ms",
                                error.getMessage(),
                                timeout.toMillis());
                        left.complete(null);
                    }
                });
        return left;
    }

    private void join(String why) {
        if (closed
                || leaving
                || solo
                || !subscribed
                || !transport.isConnected()
                || !joining.compareAndSet(false, true)) {
            return;
        }
        lastAttemptNanos = System.nanoTime();
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        Join attempt = new Join(
                HexFormat.of().formatHex(random),
                firstBefore.isDone() ? new CompletableFuture<>() : firstBefore,
                new CompletableFuture<>());
        join = attempt;
        long session = transport.session();
        if (joinSession != session || !current.getNow(View.OUTSIDE).contains(id)) {
            // what arrives until our hello is back belongs to the members before it: a lone replica
            // (none before it) handles it at once, as it always did
            set(attempt.before());
        }
        joinSession = session;
        ObjectNode hello =
                announcement("hello", id).put("nonce", attempt.nonce()).put("started", started);
        String member = Json.object().put("started", started).toString();
        transport
                .publishWithState(channel, id, member, channel, Json.utf8(hello))
                .whenComplete((hash, error) -> {
                    joining.set(false);
                    if (error != null && String.valueOf(error.getMessage()).contains("NOPERM")) {
                        // an ACL without Band's key: handle everything, as before replicas shared
                        solo = true;
                        View alone = View.of(java.util.List.of(id));
                        attempt.before().complete(alone);
                        attempt.view().complete(alone);
                        set(CompletableFuture.completedFuture(alone));
                        log.warn(
                                "Replicas of '{}' cannot share the work: the Redis user may not write the key {} ({});"
                                        + " this replica handles every message it receives. Grant the key pattern"
                                        + " ~band:* (see docs/replicas.md)",
                                service,
                                channel,
                                error.getMessage());
                        joined.complete(null);
                        return;
                    }
                    if (error != null) {
                        attempt.before().complete(View.OUTSIDE);
                        attempt.view().complete(View.OUTSIDE);
                        slow.warn(
                                "join",
                                "Could not join the replicas of '{}' ({}): retrying",
                                service,
                                error.getMessage());
                        return;
                    }
                    View view = View.of(hash.fields().keySet());
                    long now = System.nanoTime();
                    view.members().forEach(m -> lastHeard.put(m, now));
                    attempt.before().complete(hash.existed() ? view : view.without(id));
                    attempt.view().complete(view);
                    log.info("Replica {} of '{}' joined ({}): {} replica(s): {}", id, service, why, view.size(), view);
                    joined.complete(null);
                });
    }

    /** Applied on the receiving thread, in Redis's order, before later messages are looked at. */
    @Override
    public Runnable arrive(String from, byte[] text) {
        JsonNode node = parse(text);
        String op = node == null ? null : node.path("op").asText(null);
        String who = node == null ? null : node.path("id").asText(null);
        if (op == null || who == null) {
            return () -> garbage.warn(
                    "members",
                    "Dropped a message on channel '{}': not a replica announcement: {}",
                    from,
                    WireText.of(text));
        }
        lastHeard.put(who, System.nanoTime());
        return switch (op) {
            case "hello" -> onHello(who, node);
            case "leave", "gone" -> onLeave(who, op, node);
            default -> ReplicaSet::nothing;
        };
    }

    private Runnable onHello(String who, JsonNode node) {
        if (!who.equals(id)) {
            return changed(v -> v.with(who), who + " joined");
        }
        Join attempt = join;
        if (attempt != null && attempt.nonce().equals(node.path("nonce").asText())) {
            // from here on the members are the hash read back by the same script
            set(attempt.view());
        }
        return ReplicaSet::nothing;
    }

    private Runnable onLeave(String who, String op, JsonNode node) {
        lastHeard.remove(who);
        if (!who.equals(id)) {
            return changed(v -> v.without(who), who + ("gone".equals(op) ? " timed out" : " left"));
        }
        if (leaving) {
            apply(v -> v.without(id));
            left.complete(null);
            return ReplicaSet::nothing;
        }
        set(CompletableFuture.completedFuture(View.OUTSIDE));
        return () -> {
            log.warn(
                    "Replica {} of '{}' was announced gone by {} (its beats were not heard for {} ms): joining again",
                    id,
                    service,
                    WireText.of(node.path("by").asText()),
                    timeout.toMillis());
            join("announced gone");
        };
    }

    private static void nothing() {
        // an announcement that changes no view
    }

    private static JsonNode parse(byte[] text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void onMessage(String from, byte[] text) {
        arrive(from, text).run();
    }

    private Runnable changed(UnaryOperator<View> change, String what) {
        CompletableFuture<View> after = apply(change);
        return () ->
                after.thenAccept(v -> log.info("Replicas of '{}': {}; {} replica(s): {}", service, what, v.size(), v));
    }

    private CompletableFuture<View> apply(UnaryOperator<View> change) {
        lock.lock();
        try {
            current = current.thenApply(change);
            return current;
        } finally {
            lock.unlock();
        }
    }

    private void set(CompletableFuture<View> view) {
        lock.lock();
        try {
            current = view;
        } finally {
            lock.unlock();
        }
    }

    /** Beats, expires the members not heard for {@code timeout}, and joins when outside. */
    private void tick() {
        if (closed || leaving || solo) {
            return;
        }
        View view = current().getNow(null);
        if (view == null) {
            return;
        }
        if (!view.contains(id)) {
            // an answered join whose hello has not come back yet is not retried at once
            if (System.nanoTime() - lastAttemptNanos > timeout.toNanos()) {
                join("retry");
            }
            return;
        }
        long now = System.nanoTime();
        Long self = lastHeard.get(id);
        // our own beats come back the way theirs do: when ours are late too, the delay is ours
        // (reading paused, a starved process), and the silence of the others proves nothing
        boolean hearing = self != null && now - self <= 2 * beat.toNanos();
        transport.publishUrgent(channel, Json.utf8(announcement("beat", id))).whenComplete((n, error) -> {
            if (error != null) {
                slow.warn("beat", "A beat to the other replicas of '{}' was not sent: {}", service, error.getMessage());
            }
        });
        if (!hearing) {
            return;
        }
        for (String member : view.members()) {
            Long heard = lastHeard.putIfAbsent(member, now);
            if (member.equals(id) || heard == null || now - heard <= timeout.toNanos()) {
                continue;
            }
            Long announced = announcedGone.get(member);
            if (announced != null && now - announced <= timeout.toNanos()) {
                continue;
            }
            announcedGone.put(member, now);
            log.warn(
                    "Replica {} of '{}' not heard for {} ms: announcing it gone, the others take its share",
                    member,
                    service,
                    (now - heard) / 1_000_000);
            transport
                    .publishWithState(
                            channel,
                            member,
                            null,
                            channel,
                            Json.utf8(announcement("gone", member).put("by", id)))
                    .whenComplete((hash, error) -> {
                        if (error != null) {
                            slow.warn("gone", "Could not announce replica {} gone: {}", member, error.getMessage());
                        }
                    });
        }
    }

    private static ObjectNode announcement(String op, String who) {
        return Json.object().put("op", op).put("id", who);
    }

    /** Stops beating; the others expire this replica unless it {@link #leave left}. */
    @Override
    public void close() {
        closed = true;
        firstBefore.complete(View.OUTSIDE);
        timer.shutdownNow();
    }
}
