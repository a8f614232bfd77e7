package org.rockstat.band.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.base.GeneratorBase;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
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
import java.io.IOException;
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
                    .addDecorator((factory, generator) ->
                            generator instanceof UTF8JsonGenerator ? new LongStrings(generator) : generator)
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

    /**
     * Every UTF-8 generator of the mapper (bus messages and HTTP answers) writes a long string (32
     * to 64 K characters) from a copy of its characters. Jackson's UTF-8 generator reads a
     * {@code String} one {@code charAt} at a time, and on the JDK's compact one-byte strings (every
     * ASCII or Latin-1 text: URLs, user agents, ids, most of what the bus carries) that loop ran at
     * about 2.5 ns a character, where the same loop over a {@code char[]} (the copy is one
     * intrinsic) takes 1.6 ns: 24.6 against 16.5 µs for a 10 KB value, and 44 % of a 10 KB echo's
     * server CPU in a profile. On two-byte strings (Cyrillic, CJK) {@code charAt} is the faster of
     * the two, so a string whose first, middle and last characters are not all Latin-1 is left to
     * Jackson. Both ways are Jackson's own escaping and surrogate handling: the bytes are the same.
     */
    private static final class LongStrings extends JsonGeneratorDelegate {
        /** Below this the copy saves nothing measurable. */
        private static final int LONG = 32;
        /**
         * The longest string copied: the copy goes into the generator's pooled buffer (Jackson's
         * {@link BufferRecycler}, back to the pool with the generator), 128 KB a recycler at most.
         * A longer one is left to Jackson rather than given an array of its own: a first version
         * copied every long string into a new array, and at 100 KB a message the extra garbage
         * grew the peak RSS of a JVM without {@code -Xmx} from 0.3 to 0.9 GB in a load test.
         */
        private static final int POOLED = 64 * 1024;

        private char[] chars;
        private BufferRecycler pooledFrom;

        LongStrings(JsonGenerator generator) {
            super(generator, false);
        }

        @Override
        public void writeString(String text) throws IOException {
            int length = text == null ? 0 : text.length();
            if (length < LONG || length > POOLED || !looksLatin1(text, length)) {
                delegate.writeString(text);
                return;
            }
            text.getChars(0, length, copyOf(length), 0);
            delegate.writeString(chars, 0, length);
        }

        /** A buffer of at least {@code length} characters, from the generator's recycler. */
        private char[] copyOf(int length) {
            if (chars != null && chars.length >= length) {
                return chars;
            }
            giveBack();
            if (delegate instanceof GeneratorBase base) {
                pooledFrom = base.ioContext().bufferRecycler();
                chars = pooledFrom.allocCharBuffer(BufferRecycler.CHAR_TEXT_BUFFER, length);
            } else {
                chars = new char[length];
            }
            return chars;
        }

        private void giveBack() {
            if (pooledFrom != null) {
                pooledFrom.releaseCharBuffer(BufferRecycler.CHAR_TEXT_BUFFER, chars);
                pooledFrom = null;
            }
            chars = null;
        }

        @Override
        public void close() throws IOException {
            // before the generator hands its recycler back to the pool
            giveBack();
            super.close();
        }

        private static boolean looksLatin1(String text, int length) {
            return text.charAt(0) <= 0xFF && text.charAt(length >> 1) <= 0xFF && text.charAt(length - 1) <= 0xFF;
        }
    }
}
