package org.rockstat.band.internal.transport;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.codec.ToByteBufEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How messages travel: as the UTF-8 bytes of their JSON, never as a {@code String}. The codec of
 * {@link RedisTransport}'s session connections has {@code String} keys (channel names, hash
 * keys) and {@code byte[]} values (the messages): a message received is copied once out of
 * Netty's buffer and Jackson parses those bytes; an answer is written by Jackson as bytes
 * ({@link org.rockstat.band.internal.json.Json#utf8}) and copied once into the command's buffer
 * ({@link #isEstimateExact}). The {@code String} codec cost more passes over every message and
 * more copies (UTF-8 decoded to a {@code String} whose chars Jackson parsed; the answer built as a
 * {@code String}, encoded, and that copied again): a large share of the server's CPU at 100 KB
 * (BENCHMARKS.md, "Where Band's server time goes").
 *
 * <p>Where Band's own code has text (the replicas' announcements, the canary, {@link
 * org.rockstat.band.BandClient}'s raw {@code publish}/{@code subscribe}), {@link #bytes} and
 * {@link #text} are the one place it becomes a message and back. A message's array is never
 * changed once published, by the publisher or by any receiver: the in-process bus hands the same
 * array to every subscriber.
 */
public final class MessageCodec implements RedisCodec<String, byte[]>, ToByteBufEncoder<String, byte[]> {
    /** The codec of the session connections. */
    static final MessageCodec INSTANCE = new MessageCodec();

    private static final StringCodec KEYS = StringCodec.UTF8;
    private static final ByteArrayCodec VALUES = ByteArrayCodec.INSTANCE;

    private MessageCodec() {}

    /** {@code text} as a message: its UTF-8 bytes. */
    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A message as text (bytes that are not UTF-8 become U+FFFD, as Lettuce's {@code String} codec did). */
    public static String text(byte[] message) {
        return text(message, message.length);
    }

    /**
     * The first {@code length} bytes of a message as text, for a log line's preview (a character
     * cut at the end becomes U+FFFD).
     */
    public static String text(byte[] message, int length) {
        return new String(message, 0, Math.min(length, message.length), StandardCharsets.UTF_8);
    }

    @Override
    public String decodeKey(ByteBuffer bytes) {
        return KEYS.decodeKey(bytes);
    }

    @Override
    public byte[] decodeValue(ByteBuffer bytes) {
        // the buffer is Netty's, reused once the reply is decoded: the one copy a message needs
        return VALUES.decodeValue(bytes);
    }

    @Override
    public ByteBuffer encodeKey(String key) {
        return KEYS.encodeKey(key);
    }

    @Override
    public ByteBuffer encodeValue(byte[] value) {
        return VALUES.encodeValue(value);
    }

    @Override
    public void encodeKey(String key, ByteBuf target) {
        // as StringCodec.UTF8 writes it, in the exact size estimateSize says
        if (key != null) {
            ByteBufUtil.writeUtf8(target, key);
        }
    }

    @Override
    public void encodeValue(byte[] value, ByteBuf target) {
        VALUES.encodeValue(value, target);
    }

    @Override
    public int estimateSize(Object keyOrValue) {
        if (keyOrValue instanceof CharSequence key) {
            return ByteBufUtil.utf8Bytes(key);
        }
        return VALUES.estimateSize(keyOrValue);
    }

    /**
     * Exact: Lettuce then writes each argument straight into the command's buffer. With an
     * estimate that is not (Lettuce's {@code String} codec's), it encodes every argument into a
     * buffer of its own first and copies that: one more copy of every message published.
     */
    @Override
    public boolean isEstimateExact() {
        return true;
    }
}
