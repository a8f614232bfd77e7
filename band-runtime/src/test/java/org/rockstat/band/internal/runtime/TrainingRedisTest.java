package org.rockstat.band.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rockstat.band.fixtures.Closer;

/** The training run's stand-in Redis, driven by a plain Lettuce client as Band's transport drives it. */
class TrainingRedisTest {
    @RegisterExtension
    final Closer open = new Closer();

    private final TrainingRedis redis = open.track(TrainingRedis.start());

    /** RESP3 is what Lettuce negotiates with a Redis 7 (HELLO 3); RESP2 what it falls back to without HELLO. */
    @ParameterizedTest
    @EnumSource(
            value = ProtocolVersion.class,
            names = {"RESP3", "RESP2"})
    void deliversPublishedMessagesToSubscribersAndCountsThem(ProtocolVersion protocol) throws Exception {
        RedisClient client = client(protocol);
        StatefulRedisPubSubConnection<String, String> sub = open.track(client.connectPubSub());
        BlockingQueue<List<String>> received = new LinkedBlockingQueue<>();
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                received.add(List.of(channel, message));
            }
        });
        sub.sync().subscribe("news", "other");
        RedisCommands<String, String> pub = open.track(client.connect()).sync();

        assertThat(pub.ping()).isEqualTo("PONG");
        for (int i = 0; i < 100; i++) {
            assertThat(pub.publish("news", "m" + i)).isEqualTo(1);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(received.poll(10, TimeUnit.SECONDS)).containsExactly("news", "m" + i);
        }
        assertThat(pub.publish("nobody", "lost")).isZero();

        sub.sync().unsubscribe("news");
        assertThat(pub.publish("news", "after")).isZero();
        assertThat(pub.publish("other", "still")).isEqualTo(1);
        assertThat(received.poll(10, TimeUnit.SECONDS)).containsExactly("other", "still");
        assertThat(received).isEmpty();
    }

    @Test
    void aClosedSubscribersChannelsAreGone() {
        RedisClient client = client(ProtocolVersion.RESP3);
        StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
        sub.sync().subscribe("news");
        RedisCommands<String, String> pub = open.track(client.connect()).sync();
        assertThat(pub.publish("news", "heard")).isEqualTo(1);

        sub.close();

        // the responder notices the closed socket on its own thread: poll, with a deadline
        await().atMost(Duration.ofSeconds(10)).until(() -> pub.publish("news", "unheard") == 0);
    }

    @Test
    void anyOtherCommandIsAnError() {
        RedisCommands<String, String> commands =
                open.track(client(ProtocolVersion.RESP3).connect()).sync();

        assertThatThrownBy(() -> commands.set("key", "value"))
                .isInstanceOf(RedisCommandExecutionException.class)
                .hasMessage("ERR unknown command 'SET'");
        assertThat(commands.ping()).as("the connection is still usable").isEqualTo("PONG");
    }

    private RedisClient client(ProtocolVersion protocol) {
        RedisClient client = open.track(RedisClient.create(RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(redis.port())
                .withTimeout(Duration.ofSeconds(10))
                .build()));
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        return client;
    }
}
