package org.rockstat.band.containertest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Director's part, played over Redis with Lettuce as director's own code does it: listens on
 * channel {@code director} for {@code __iamalive} heartbeats and, once one arrived, asks the
 * service for {@code __status} on its channel and reads the answer on {@code director}.
 *
 * <pre>{@code
 * try (DirectorOverRedis director = new DirectorOverRedis(redis.dsn())) {
 *     director.awaitHeartbeat("uaparser", Duration.ofSeconds(60));
 *     JsonNode status = director.status("uaparser", Duration.ofSeconds(5));
 * }
 * }</pre>
 */
final class DirectorOverRedis implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RedisClient client;
    private final StatefulRedisPubSubConnection<String, String> listening;
    private final StatefulRedisConnection<String, String> publishing;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();

    DirectorOverRedis(String dsn) {
        client = RedisClient.create(dsn);
        listening = client.connectPubSub();
        listening.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                try {
                    received.add(JSON.readTree(message));
                } catch (IOException e) {
                    received.add(JSON.createObjectNode().put("unparsable", message));
                }
            }
        });
        listening.sync().subscribe("director");
        publishing = client.connect();
    }

    /** The first {@code __iamalive} of {@code service} (a JSON-RPC notification), waiting for it. */
    JsonNode awaitHeartbeat(String service, Duration within) {
        return await(
                within,
                "a heartbeat (__iamalive) from " + service,
                message -> message.path("method").asText().contains("__iamalive")
                        && service.equals(message.path("params").path("name").asText()));
    }

    /** Asks {@code __status} as director does and returns the whole response. */
    JsonNode status(String service, Duration within) {
        String id = UUID.randomUUID().toString();
        ObjectNode request = JSON.createObjectNode()
                .put("jsonrpc", "2.0")
                .put("id", id)
                .put("method", service + ":__status:director")
                .put("to", service)
                .put("from", "director");
        request.putObject("params");
        publishing.sync().publish(service, request.toString());
        return await(
                within,
                "the answer to __status from " + service,
                message -> id.equals(message.path("id").asText()));
    }

    private JsonNode await(Duration within, String what, Predicate<JsonNode> wanted) {
        try {
            return Awaitility.await(what)
                    .atMost(within)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> received.stream().filter(wanted).findFirst(), Optional::isPresent)
                    .orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "No " + what + " on channel director within " + within + "; received: " + received);
        }
    }

    @Override
    public void close() {
        listening.close();
        publishing.close();
        client.shutdown();
    }
}
