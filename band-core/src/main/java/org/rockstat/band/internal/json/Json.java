package org.rockstat.band.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration every part of Band shares, so HTTP, Redis and the binder agree
 * on how values look on the wire.
 */
public final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    // calls and messages run on short-lived virtual threads: a thread-local buffer
                    // pool would allocate fresh parser/generator buffers for every one of them
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                    .build())
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            // front adds fields over time; an unknown one must not break a record parameter
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    /**
     * The writer of {@link #utf8}. Jackson's UTF-8 generator writes each half of a surrogate pair
     * (an emoji) as an escape of six ASCII characters unless told to combine them, while the text of
     * {@link #write}, encoded to UTF-8, holds the character's four bytes: combined, the bytes are
     * the same.
     */
    private static final ObjectWriter UTF8 = MAPPER.writer().with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);

    private Json() {}

    /** The shared, thread-safe mapper. Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A new empty object node. */
    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Any value as a tree. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Any value as JSON text; fails only for values Jackson cannot serialise at all. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Any value as JSON text in UTF-8, written in one pass without a {@code String} in between:
     * byte for byte {@code write(value).getBytes(UTF_8)}, for every text whose surrogates come in
     * pairs (a lone one, which UTF-8 cannot hold, is written as its JSON escape where the text's
     * UTF-8 encoding had a {@code ?}). What Band publishes on the bus; fails only for values Jackson cannot serialise.
     */
    public static byte[] utf8(Object value) {
        try {
            return UTF8.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Any value as UTF-8 JSON bytes, as HTTP answers have always been written (a character outside
     * the BMP as two JSON escapes); {@link #utf8} for messages on the bus.
     */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
