package org.rockstat.band.internal.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.RedisServerExtension;

/** The sessions' codec: channel names as UTF-8 text, messages as the bytes they are, sizes exact. */
class MessageCodecTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @Test
    void theSizeItEstimatesIsTheSizeItWrites() {
        // Lettuce writes an argument straight into the command when the estimate is exact
        assertThat(MessageCodec.INSTANCE.isEstimateExact()).isTrue();
        for (String key : new String[] {"", "director", "канал", "频道", "😀👍🏽", "half \uD83D pair"}) {
            ByteBuf out = Unpooled.buffer();
            MessageCodec.INSTANCE.encodeKey(key, out);
            assertThat(out.readableBytes()).as(key).isEqualTo(MessageCodec.INSTANCE.estimateSize(key));
            // half a pair cannot be UTF-8: written as '?', as Lettuce's String codec writes it
            String back = key.startsWith("half") ? "half ? pair" : key;
            assertThat(MessageCodec.INSTANCE.decodeKey(out.nioBuffer())).as(key).isEqualTo(back);
        }
        byte[] message = "{\"текст\":\"😀\"}".getBytes(UTF_8);
        ByteBuf out = Unpooled.buffer();
        MessageCodec.INSTANCE.encodeValue(message, out);
        assertThat(MessageCodec.INSTANCE.estimateSize(message)).isEqualTo(message.length);
        assertThat(MessageCodec.INSTANCE.decodeValue(out.nioBuffer())).isEqualTo(message);
    }

    @Test
    void aChannelOfAnyScriptCarriesTheMessagesBytesOverRedis() throws Exception {
        String channel = "канал-😀-" + System.nanoTime();
        byte[] message = "{\"текст\":\"Привет 😀 中文\"}".getBytes(UTF_8);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        try (RedisTransport transport = new RedisTransport(redis.dsn(), "codec", TransportOptions.defaults())) {
            transport.start();
            transport
                    .subscribe(Set.of(channel), (from, bytes) -> received.complete(bytes))
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            assertThat(transport.publish(channel, message).toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isEqualTo(1L);
            assertThat(received.get(5, TimeUnit.SECONDS)).isEqualTo(message);
        }
    }
}
