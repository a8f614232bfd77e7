package org.rockstat.band.internal.durable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.rockstat.band.call.CallContext;
import org.rockstat.band.internal.concurrent.Futures;
import org.rockstat.band.internal.config.RuntimeConfig;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.report.RateLimitedLog;
import org.rockstat.band.internal.report.WireText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event stream of a service's durable listeners. Every replica that receives a broadcast a
 * durable listener takes appends it to {@code band:<service>:events} (one script: {@code SET NX PX}
 * on the event id, then {@code XADD MAXLEN ~}), so the event is in the stream once although each
 * replica appends it, even when its owner died before it could. The replicas read the stream
 * through the consumer group {@code band} (consumer: the replica's id) on a connection of their
 * own, blocking, and run the durable listeners through the dispatcher; an entry is acknowledged
 * once they returned. One that threw, or whose replica died, is taken again ({@code XAUTOCLAIM})
 * once unacknowledged for {@code durable.claim_idle_ms}; after {@code durable.max_deliveries}
 * runs it moves to {@code band:<service>:dead} with the reason, acknowledged.
 *
 * <pre>{@code
 * DurableStream stream = new DurableStream("store", replicaId, redis::connectDedicated, config.durable(), dispatcher);
 * stream.start();                            // reads the stream from now on
 * stream.append(eventId, "front", paramsText); // for each broadcast a durable listener takes
 * stream.close();                            // at stop: what runs finishes, the rest is claimed by the others
 * }</pre>
 */
public final class DurableStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DurableStream.class);
    /** The consumer group of a service's replicas. */
    public static final String GROUP = "band";
    /** Entries run at once by one replica. */
    static final int IN_FLIGHT = 64;
    /** A second append of the same event id within this window is not appended (one of each replica). */
    static final Duration SEEN_WINDOW = Duration.ofSeconds(60);

    private static final Duration BLOCK = Duration.ofSeconds(1);
    private static final Duration RECONNECT = Duration.ofSeconds(1);
    private static final int CLAIM_BATCH = 100;

    private static final String APPEND =
            "if KEYS[2] ~= nil and not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2])"
                    + " then return false end"
                    + " return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'id', ARGV[3], 'from', ARGV[4],"
                    + " 'event', ARGV[5])";
    private static final String BURY = "redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'entry', ARGV[2],"
            + " 'id', ARGV[4], 'event', ARGV[5], 'reason', ARGV[6], 'deliveries', ARGV[7])"
            + " return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])";

    private final String service;
    private final String consumer;
    private final String stream;
    private final String dead;
    private final String seenPrefix;
    private final Supplier<StatefulRedisConnection<String, String>> connect;
    private final RuntimeConfig.Durable settings;
    private final Dispatcher dispatcher;
    /**
     * Entries running at once. Fair: the reader takes every free permit for each blocking read and
     * takes them again at once, so without fairness the sweep's claims would wait for it indefinitely.
     */
    private final Semaphore permits = new Semaphore(IN_FLIGHT, true);

    private final Map<String, String> lastError = new ConcurrentHashMap<>();
    private final RateLimitedLog warnings = new RateLimitedLog(log, Duration.ofSeconds(10));
    private final java.util.concurrent.locks.ReentrantLock writerLock = new java.util.concurrent.locks.ReentrantLock();
    private final Stats stats = new Stats();
    private volatile StatefulRedisConnection<String, String> writer;
    private volatile long writerFailedNanos;
    private volatile boolean closed;
    /** Entries found trimmed unread in the current episode (already counted). */
    private long trimmedSeen;

    private Thread reader;
    private Thread sweeper;

    /** Counts since start, and the stream's length at the latest sweep. */
    public static final class Stats {
        final AtomicLong appended = new AtomicLong();
        final AtomicLong appendedBefore = new AtomicLong();
        final AtomicLong appendFailures = new AtomicLong();
        final AtomicLong processed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong claimed = new AtomicLong();
        final AtomicLong deadLettered = new AtomicLong();
        final AtomicLong length = new AtomicLong();
        final AtomicLong lostToTrim = new AtomicLong();

        /** Entries trimmed away (durable.max_len) before they ran, unread or pending, as the sweeps saw: events lost. */
        public long lostToTrim() {
            return lostToTrim.get();
        }

        /** Events this replica appended. */
        public long appended() {
            return appended.get();
        }

        /** Appends skipped because another replica (or an earlier append) put the event id in already. */
        public long appendedBefore() {
            return appendedBefore.get();
        }

        /** Appends Redis did not take: the listeners ran here at once instead, without retries. */
        public long appendFailures() {
            return appendFailures.get();
        }

        /** Entries whose listeners returned, acknowledged. */
        public long processed() {
            return processed.get();
        }

        /** Runs whose listener threw (the entry is retried). */
        public long failed() {
            return failed.get();
        }

        /** Entries taken over after {@code durable.claim_idle_ms} unacknowledged. */
        public long claimed() {
            return claimed.get();
        }

        /** Entries moved to the dead-letter stream. */
        public long deadLettered() {
            return deadLettered.get();
        }

        /** {@code XLEN} of the stream at the latest sweep. */
        public long length() {
            return length.get();
        }
    }

    /**
     * The stream of {@code service} for the replica {@code consumer}; {@code connect} opens a
     * connection of its own to the service's Redis (one for blocking reads, one for the rest).
     */
    public DurableStream(
            String service,
            String consumer,
            Supplier<StatefulRedisConnection<String, String>> connect,
            RuntimeConfig.Durable settings,
            Dispatcher dispatcher) {
        this.service = service;
        this.consumer = consumer;
        this.stream = streamKey(service);
        this.dead = deadKey(service);
        this.seenPrefix = "band:" + service + ":seen:";
        this.connect = connect;
        this.settings = settings;
        this.dispatcher = dispatcher;
    }

    /** The stream of {@code service}'s durable events. */
    public static String streamKey(String service) {
        return "band:" + service + ":events";
    }

    /** The dead-letter stream of {@code service}. */
    public static String deadKey(String service) {
        return "band:" + service + ":dead";
    }

    /** What happened since start. */
    public Stats stats() {
        return stats;
    }

    /** Feeds the durable listeners from the stream from now on (the broadcast path leaves them out). */
    public void start() {
        dispatcher.feedDurableFromStream();
        reader = Thread.ofVirtual().name("band-durable-read").start(this::readLoop);
        sweeper = Thread.ofVirtual().name("band-durable-sweep").start(this::sweepLoop);
        log.info(
                "Durable listeners read stream {} as consumer {} of group {} (max_len {}, max_deliveries {},"
                        + " claim_idle_ms {})",
                stream,
                consumer,
                GROUP,
                settings.maxLen(),
                settings.maxDeliveries(),
                settings.claimIdle().toMillis());
    }

    /**
     * Appends a broadcast event a durable listener takes. {@code eventId} (the event's
     * {@code params.id}) makes appends of the same event by several replicas one entry; without it
     * the entry is appended as is (the caller appends only what it owns then). When Redis does not
     * take it, the durable listeners run here at once (as a plain listener would: at most once).
     */
    public void append(String eventId, String from, ObjectNode params) {
        String text = params.toString();
        io.lettuce.core.api.async.RedisAsyncCommands<String, String> commands = writer();
        if (commands == null) {
            appendFailed(params, from, "no connection to Redis");
            return;
        }
        String[] keys = eventId == null ? new String[] {stream} : new String[] {stream, seenPrefix + eventId};
        commands.<String>eval(
                        APPEND,
                        ScriptOutputType.VALUE,
                        keys,
                        Integer.toString(settings.maxLen()),
                        Long.toString(SEEN_WINDOW.toMillis()),
                        eventId == null ? "" : eventId,
                        from == null ? "" : from,
                        text)
                .whenComplete((id, error) -> {
                    if (error != null) {
                        appendFailed(params, from, error.getMessage());
                    } else if (id == null) {
                        stats.appendedBefore.incrementAndGet();
                    } else {
                        stats.appended.incrementAndGet();
                    }
                });
    }

    private void appendFailed(ObjectNode params, String from, String why) {
        stats.appendFailures.incrementAndGet();
        warnings.warn(
                "append",
                "Could not append an event to {} ({}): its durable listeners run here at once, without retries",
                stream,
                why);
        dispatcher.callDurable(params, context(from), null);
    }

    private io.lettuce.core.api.async.RedisAsyncCommands<String, String> writer() {
        StatefulRedisConnection<String, String> connection = writerConnection();
        return connection == null ? null : connection.async();
    }

    /** The connection for appends, acknowledgements and claims; opened again when lost (at most once a second). */
    private StatefulRedisConnection<String, String> writerConnection() {
        StatefulRedisConnection<String, String> current = writer;
        if (current != null && current.isOpen()) {
            return current;
        }
        writerLock.lock();
        try {
            current = writer;
            if (current != null && current.isOpen()) {
                return current;
            }
            if (closed || System.nanoTime() - writerFailedNanos < RECONNECT.toNanos()) {
                return null;
            }
            if (current != null) {
                current.closeAsync();
            }
            writer = connect.get();
            return writer;
        } catch (RuntimeException e) {
            writerFailedNanos = System.nanoTime();
            warnings.warn("connect", "Could not connect to Redis for stream {}: {}", stream, e.getMessage());
            return null;
        } finally {
            writerLock.unlock();
        }
    }

    private RedisCommands<String, String> writerSync() {
        StatefulRedisConnection<String, String> connection = writerConnection();
        if (connection == null) {
            throw new IllegalStateException("no connection to Redis");
        }
        return connection.sync();
    }

    @SuppressWarnings("unchecked") // one stream offset through Lettuce's varargs
    private List<StreamMessage<String, String>> read(RedisCommands<String, String> sync, int count) {
        return sync.xreadgroup(
                Consumer.from(GROUP, consumer),
                XReadArgs.Builder.block(BLOCK).count(count),
                XReadArgs.StreamOffset.lastConsumed(stream));
    }

    private void readLoop() {
        StatefulRedisConnection<String, String> connection = null;
        boolean grouped = false;
        while (!closed) {
            int held = 0;
            try {
                if (connection == null || !connection.isOpen()) {
                    if (connection != null) {
                        connection.closeAsync();
                    }
                    connection = connect.get();
                }
                RedisCommands<String, String> sync = connection.sync();
                if (!grouped) {
                    createGroup(sync);
                    grouped = true;
                }
                permits.acquire();
                held = 1;
                int want = 1 + permits.drainPermits();
                held = want;
                List<StreamMessage<String, String>> batch = read(sync, want);
                held = 0;
                int got = batch == null ? 0 : batch.size();
                permits.release(want - got);
                if (got > 0) {
                    for (StreamMessage<String, String> entry : batch) {
                        run(entry);
                    }
                }
            } catch (InterruptedException e) {
                permits.release(held);
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                permits.release(held);
                if (closed) {
                    break;
                }
                if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                    grouped = false; // the group or the stream was deleted by hand
                }
                warnings.warn("read", "Reading stream {} failed ({}); again in {} ms", stream, e.getMessage(), 1000);
                if (connection != null) {
                    connection.closeAsync();
                    connection = null;
                }
                if (!pause(RECONNECT)) {
                    break;
                }
            }
        }
        if (connection != null) {
            connection.closeAsync();
        }
    }

    private void createGroup(RedisCommands<String, String> sync) {
        try {
            // from the stream's start: what replicas appended before the group existed is read too
            sync.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), GROUP, XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // BUSYGROUP: another replica (or an earlier start) created it
        }
    }

    /** Runs the durable listeners for one entry (a permit held), acknowledging it when they returned. */
    private void run(StreamMessage<String, String> entry) {
        Map<String, String> body = entry.getBody();
        ObjectNode params = parse(body == null ? null : body.get("event"));
        if (params == null) {
            bury(entry, 1, "not a JSON object: cannot run the listener on it");
            permits.release();
            return;
        }
        CompletableFuture<Object> result;
        try {
            result = dispatcher.callDurable(params, context(body.get("from")), null);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((ignored, error) -> {
            try {
                if (error == null) {
                    ack(entry.getId());
                } else {
                    failed(entry, Futures.unwrap(error));
                }
            } finally {
                permits.release();
            }
        });
    }

    private void ack(String id) {
        lastError.remove(id);
        var commands = writer();
        if (commands == null) {
            // not acknowledged: taken again after claim_idle_ms, and run twice
            warnings.warn("ack", "Could not acknowledge entries of {}: no connection; they will run again", stream);
            return;
        }
        stats.processed.incrementAndGet();
        commands.xack(stream, GROUP, id).whenComplete((n, error) -> {
            if (error != null) {
                warnings.warn(
                        "ack",
                        "Could not acknowledge entries of {} ({}); they will run again",
                        stream,
                        error.getMessage());
            }
        });
    }

    private void failed(StreamMessage<String, String> entry, Throwable error) {
        stats.failed.incrementAndGet();
        String reason = error.getClass().getSimpleName() + ": " + error.getMessage();
        lastError.put(entry.getId(), reason);
        warnings.warn(
                "failed",
                "A durable listener of {} failed on entry {} ({}); it runs again after {} ms, at most {} runs",
                service,
                entry.getId(),
                WireText.of(reason),
                settings.claimIdle().toMillis(),
                settings.maxDeliveries());
    }

    private void sweepLoop() {
        long every = Math.clamp(settings.claimIdle().toMillis() / 2, 50, 5_000);
        while (!closed && pause(Duration.ofMillis(every))) {
            try {
                sweep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    warnings.warn("sweep", "Claiming entries of {} failed: {}", stream, e.getMessage());
                }
            }
        }
    }

    /** Takes entries unacknowledged for claim_idle_ms: retries them, or dead-letters them after max_deliveries. */
    void sweep() throws InterruptedException {
        RedisCommands<String, String> sync = writerSync();
        long length = sync.xlen(stream);
        stats.length.set(length);
        checkTrim(sync, length);
        // what is due now: an entry among them that XAUTOCLAIM does not return was trimmed away while pending
        List<PendingMessage> due = sync.xpending(
                stream,
                io.lettuce.core.XPendingArgs.Builder.xpending(
                                GROUP, Range.create("-", "+"), Limit.from(CLAIM_BATCH * 10))
                        .idle(settings.claimIdle()));
        java.util.Set<String> taken = new java.util.HashSet<>();
        String cursor = "0-0";
        int retried = 0;
        int buried = 0;
        int others = 0;
        for (int round = 0; round < 10 && !closed; round++) {
            ClaimedMessages<String, String> claimed = sync.xautoclaim(
                    stream,
                    XAutoClaimArgs.Builder.xautoclaim(Consumer.from(GROUP, consumer), settings.claimIdle(), cursor)
                            .count(CLAIM_BATCH));
            List<StreamMessage<String, String>> entries = claimed.getMessages().stream()
                    .filter(m -> m != null && m.getId() != null)
                    .toList();
            if (!entries.isEmpty()) {
                Map<String, Long> deliveries = deliveries(sync, entries);
                for (StreamMessage<String, String> entry : entries) {
                    taken.add(entry.getId());
                    stats.claimed.incrementAndGet();
                    if (!lastError.containsKey(entry.getId())) {
                        others++;
                    }
                    long count = deliveries.getOrDefault(entry.getId(), 1L);
                    if (count > settings.maxDeliveries()) {
                        bury(entry, count - 1, null);
                        buried++;
                    } else {
                        permits.acquire();
                        run(entry);
                        retried++;
                    }
                }
            }
            cursor = claimed.getId();
            if (cursor == null || "0-0".equals(cursor)) {
                break;
            }
        }
        lostWhilePending(sync, due, taken);
        if (retried + buried > 0) {
            log.info(
                    "Took {} entries of {} left unacknowledged for {} ms ({} from replicas that stopped or stalled):"
                            + " {} run again, {} moved to {}",
                    retried + buried,
                    stream,
                    settings.claimIdle().toMillis(),
                    others,
                    retried,
                    buried,
                    dead);
        }
    }

    /**
     * Trimming ({@code MAXLEN ~}) removes the oldest entries whether read or not. When the group's
     * last delivered entry is older than the stream's first one, every entry left is unread, so
     * the group's lag (entries added and not yet read) beyond the stream's length was trimmed
     * away unread: lost. Sampled at each sweep.
     */
    private void checkTrim(RedisCommands<String, String> sync, long length) {
        String first = field(sync.xinfoStream(stream), "recorded-first-entry-id");
        String delivered = null;
        String lag = null;
        for (Object group : sync.xinfoGroups(stream)) {
            if (group instanceof List<?> fields && GROUP.equals(field(fields, "name"))) {
                delivered = field(fields, "last-delivered-id");
                lag = field(fields, "lag");
            }
        }
        long lost = 0;
        if (first != null && delivered != null && lag != null && !lag.isEmpty() && compareIds(delivered, first) < 0) {
            lost = Long.parseLong(lag) - length;
        }
        if (lost <= 0) {
            trimmedSeen = 0;
            return;
        }
        if (lost > trimmedSeen) {
            stats.lostToTrim.addAndGet(lost - trimmedSeen);
            trimmedSeen = lost;
        }
        warnings.warn(
                "trimmed",
                "Stream {} was trimmed to durable.max_len = {} past {} entries no replica had read: those events are"
                        + " lost. Raise durable.max_len, or make the listener faster",
                stream,
                settings.maxLen(),
                lost);
    }

    private static String field(List<?> fields, String name) {
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (name.equals(String.valueOf(fields.get(i)))) {
                Object value = fields.get(i + 1);
                return value == null ? null : String.valueOf(value);
            }
        }
        return null;
    }

    /** Orders stream ids ({@code millis-seq}). */
    static int compareIds(String a, String b) {
        String[] x = a.split("-", 2);
        String[] y = b.split("-", 2);
        int byTime = Long.compareUnsigned(Long.parseUnsignedLong(x[0]), Long.parseUnsignedLong(y[0]));
        if (byTime != 0 || x.length < 2 || y.length < 2) {
            return byTime;
        }
        return Long.compareUnsigned(Long.parseUnsignedLong(x[1]), Long.parseUnsignedLong(y[1]));
    }

    /** Counts and reports the due entries that are no longer in the stream (trimmed while pending). */
    private void lostWhilePending(
            RedisCommands<String, String> sync, List<PendingMessage> due, java.util.Set<String> taken) {
        int lost = 0;
        for (PendingMessage message : due) {
            // one not taken may just have been acknowledged by a replica that was slow: only a missing entry is lost
            if (!taken.contains(message.getId())
                    && sync.xrange(stream, Range.create(message.getId(), message.getId()))
                            .isEmpty()) {
                lost++;
            }
        }
        if (lost > 0) {
            stats.lostToTrim.addAndGet(lost);
            warnings.warn(
                    "trimmed-pending",
                    "{} entries of {} were trimmed to durable.max_len = {} while waiting to run again or to be"
                            + " claimed: those events are lost. Raise durable.max_len (at least the events of"
                            + " claim_idle_ms x (max_deliveries + 1))",
                    lost,
                    stream,
                    settings.maxLen());
        }
    }

    /** The delivery counts of entries this consumer just claimed (XAUTOCLAIM counted the claim). */
    private Map<String, Long> deliveries(
            RedisCommands<String, String> sync, List<StreamMessage<String, String>> entries) {
        List<PendingMessage> pending = sync.xpending(
                stream,
                Consumer.from(GROUP, consumer),
                Range.create(entries.getFirst().getId(), entries.getLast().getId()),
                Limit.from(entries.size() + IN_FLIGHT));
        Map<String, Long> counts = new HashMap<>();
        for (PendingMessage message : pending) {
            counts.put(message.getId(), message.getRedeliveryCount());
        }
        return counts;
    }

    /** Moves an entry to the dead-letter stream with the reason, and acknowledges it (one script). */
    private void bury(StreamMessage<String, String> entry, long runs, String why) {
        Map<String, String> body = entry.getBody() == null ? Map.of() : entry.getBody();
        String error = lastError.remove(entry.getId());
        String reason = why != null
                ? why
                : error != null
                        ? error
                        : "not acknowledged after " + runs + " runs (the replicas running it stopped or stalled)";
        stats.deadLettered.incrementAndGet();
        log.warn(
                "Moved entry {} (event {}) of {} to {} after {} runs: {}",
                entry.getId(),
                WireText.of(body.getOrDefault("id", "")),
                stream,
                dead,
                runs,
                WireText.of(reason));
        writerSync()
                .eval(
                        BURY,
                        ScriptOutputType.INTEGER,
                        new String[] {stream, dead},
                        GROUP,
                        entry.getId(),
                        Integer.toString(settings.maxLen()),
                        body.getOrDefault("id", ""),
                        body.getOrDefault("event", ""),
                        reason,
                        Long.toString(runs));
    }

    private static ObjectNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            JsonNode tree = Json.mapper().readTree(text);
            return tree instanceof ObjectNode object ? object : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static CallContext context(String from) {
        return new CallContext(from == null || from.isEmpty() ? null : from, null, "broadcast", "redis");
    }

    private boolean pause(Duration duration) {
        try {
            Thread.sleep(duration);
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops reading and claiming; waits up to {@code within} for the runs in progress to finish and
     * be acknowledged. What is left unacknowledged is claimed by another replica after
     * {@code durable.claim_idle_ms} (and may run twice).
     */
    public void close(Duration within) {
        closed = true;
        for (Thread thread : new Thread[] {reader, sweeper}) {
            if (thread != null) {
                thread.interrupt();
            }
        }
        try {
            if (!permits.tryAcquire(IN_FLIGHT, within.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn(
                        "Durable listeners of {} still running at stop: their entries are taken by another replica"
                                + " after {} ms",
                        service,
                        settings.claimIdle().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StatefulRedisConnection<String, String> current = writer;
        if (current != null) {
            // the acknowledgements written first
            current.closeAsync()
                    .toCompletableFuture()
                    .orTimeout(2, TimeUnit.SECONDS)
                    .exceptionally(e -> null)
                    .join();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
