package org.rockstat.band.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.rockstat.band.internal.json.Json;

/**
 * A wire-level peer on raw Lettuce pub/sub, for tests that check what a Band service puts on the
 * wire: it subscribes channels, records every message it receives and publishes hand-written
 * JSON in either dialect of PROTOCOL §2.
 */
public class RawRpcPeer implements AutoCloseable {
    /** How a peer writes requests: routing in the triple only (Python) or also in {@code to}/{@code from} (Node). */
    public enum Dialect { PYTHON, NODE }

    /**
     * A received message.
     *
     * @param channel   where it arrived
     * @param raw       the text
     * @param json      the parsed object, or {@code null} when not a JSON object
     * @param nanoTime  {@link System#nanoTime()} on arrival
     */
    public record Received(String channel, String raw, ObjectNode json, long nanoTime) {
    }

    private final String name;
    private final RedisClient client;
    private final StatefulRedisPubSubConnection<String, String> sub;
    private final StatefulRedisConnection<String, String> pub;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final AtomicLong ids = new AtomicLong();

    /** Connects to {@code dsn} as {@code name} and subscribes {@code channels} (waits until subscribed). */
    public RawRpcPeer(String dsn, String name, String... channels) {
        this.name = name;
        this.client = RedisClient.create(dsn);
        this.sub = client.connectPubSub(StringCodec.UTF8);
        this.pub = client.connect(StringCodec.UTF8);
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                received.add(new Received(channel, message, parse(message), System.nanoTime()));
            }
        });
        if (channels.length > 0) {
            sub.sync().subscribe(channels);
        }
    }

    /** This peer's name: the {@code from} of its requests. */
    public String name() {
        return name;
    }

    /** Publishes raw text. */
    public void publish(String channel, String text) {
        pub.sync().publish(channel, text);
    }

    /**
     * Sends a request and returns its id: {@code {"jsonrpc":"2.0","id":..,"method":"to:method:from","params":..}}
     * plus {@code to}/{@code from} in the Node dialect.
     */
    public String request(String to, String method, Object params, Dialect dialect) {
        String id = String.valueOf(ids.incrementAndGet());
        ObjectNode message = message(to, method, params, dialect);
        message.put("id", id);
        publish(to, message.toString());
        return id;
    }

    /** Sends a notification (no id). */
    public void notify(String to, String method, Object params, Dialect dialect) {
        publish(to, message(to, method, params, dialect).toString());
    }

    /** Waits for the response with this id; fails the test after {@code timeout}. */
    public ObjectNode awaitResponse(String id, Duration timeout) {
        Awaitility.await().atMost(timeout).until(() -> responses(id).size() > 0);
        return responses(id).getFirst();
    }

    /** Every response received so far with this id. */
    public List<ObjectNode> responses(String id) {
        return received.stream().map(Received::json)
                .filter(m -> m != null && m.has("id") && id.equals(m.get("id").asText()) && !m.has("method"))
                .toList();
    }

    /** Everything received so far. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    private ObjectNode message(String to, String method, Object params, Dialect dialect) {
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.put("method", to + ":" + method + ":" + name);
        JsonNode body = params == null ? Json.object() : Json.tree(params);
        message.set("params", body);
        if (dialect == Dialect.NODE) {
            message.put("to", to);
            message.put("from", name);
        }
        return message;
    }

    private static ObjectNode parse(String text) {
        try {
            return Json.mapper().readTree(text) instanceof ObjectNode object ? object : null;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void close() {
        sub.close();
        pub.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
