package org.rockstat.band.internal.json;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
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
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The one Jackson configuration every part of Band shares, so HTTP, Redis and the binder agree
 * on how values look on the wire.
 */
public final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder(new PlainStringFactory(new JsonFactoryBuilder()
                    // calls and messages run on short-lived virtual threads: a thread-local buffer
                    // pool would allocate fresh parser/generator buffers for every one of them
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                    .addDecorator((factory, generator) ->
                            generator instanceof UTF8JsonGenerator ? new LongStrings(generator) : generator)))
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

    /** The writer of {@link #bytes}. */
    private static final ObjectWriter BYTES = MAPPER.writer();

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
        return written(UTF8, value);
    }

    /**
     * Any value as UTF-8 JSON bytes, as HTTP answers have always been written (a character outside
     * the BMP as two JSON escapes); {@link #utf8} for messages on the bus.
     */
    public static byte[] bytes(Object value) {
        return written(BYTES, value);
    }

    /** {@code value} written by {@code writer} into a reused buffer, then copied into an exact array. */
    private static byte[] written(ObjectWriter writer, Object value) {
        ReusedOutput output = ReusedOutput.take();
        try {
            writer.writeValue(output, value);
            return output.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            output.giveBack();
        }
    }

    /**
     * Every UTF-8 generator of the mapper (bus messages and HTTP answers) writes a long string (32
     * characters or more) its own way. Jackson's UTF-8 generator reads a {@code String} one
     * {@code charAt} at a time, and on the JDK's compact one-byte strings (every ASCII or Latin-1
     * text: URLs, user agents, ids, most of what the bus carries) that loop was 44 % of a 10 KB
     * echo's server CPU in a profile. So:
     *
     * <ul>
     *   <li>a string of up to 128 K characters whose first, middle and last characters are ASCII is
     *       narrowed to bytes in a pooled buffer (a few thousand characters at a time: copied out
     *       with {@code getChars}, one intrinsic, then encoded by the JDK's ASCII encoder, another) and scanned eight
     *       bytes at a time; if every character is ASCII and none needs an escape, the bytes are
     *       copied into the output as they are ({@code writeRawUTF8String}), with no per-character
     *       branch at all. The first character that is not ends the attempt where it is found;
     *   <li>a string with something to escape or a non-ASCII Latin-1 character is copied into a
     *       {@code char[]} and written by Jackson from it, if it has up to 64 K characters
     *       (Jackson's escaping from UTF-8 bytes, {@code writeUTF8String}, measured slower than from
     *       a {@code char[]}: it reruns every 1 000-byte segment holding an escape through its slow
     *       loop);
     *   <li>the rest (Cyrillic, CJK, longer text) is Jackson's own loop.
     * </ul>
     *
     * Jackson escapes and encodes in every case where anything needs it: the bytes are the same.
     */
    private static final class LongStrings extends JsonGeneratorDelegate {
        /**
         * ASCII encoders, reused: making one checks its replacement bytes by decoding them, which
         * took a fifth of a 100 KB echo's CPU when every message made its own.
         */
        private static final SmallPool<CharsetEncoder> ENCODERS =
                new SmallPool<>(StandardCharsets.US_ASCII::newEncoder);

        /** Below this neither way saves anything measurable. */
        private static final int LONG = 32;
        /**
         * The longest string copied to a {@code char[]}: the copy goes into the generator's pooled
         * buffer (Jackson's {@link BufferRecycler}, back to the pool with the generator), 128 KB a
         * recycler at most. A longer one is left to Jackson rather than given an array of its own: a
         * first version copied every long string into a new array, and at 100 KB a message the extra
         * garbage grew the peak RSS of a JVM without {@code -Xmx} from 0.3 to 0.9 GB in a load test.
         */
        private static final int POOLED = 64 * 1024;
        /**
         * The longest string narrowed to ASCII bytes, for the same reason: the bytes go into the
         * recycler's Base64 buffer (which the generator uses only inside {@code writeBinary}, so
         * it is free while a string is written, and goes back before this method returns), 128 KB
         * a recycler at most. A version that took the bytes from {@code getBytes(ISO_8859_1)}, an
         * array per string, cut a 100 KB echo's CPU as much but grew the bench server's peak RSS
         * from 478 to 1 527 MB.
         */
        private static final int POOLED_BYTES = 128 * 1024;
        /** The characters narrowed at a time: the scan stops early in a text that is not plain. */
        private static final int CHUNK = 4096;
        /**
         * Whether the generator escapes {@code /}. Its escape table is made once, when it is
         * created (a feature set later does not change it), and this decorator is made right
         * after: what the feature says now is what the table holds. The quote is the factory's
         * default {@code "}, which the scan looks for.
         */
        private final boolean slash;

        private char[] chars;
        private BufferRecycler pooledFrom;
        /** From {@link #ENCODERS} while this generator lives. */
        private CharsetEncoder ascii;

        LongStrings(JsonGenerator generator) {
            super(generator, false);
            slash = generator.isEnabled(JsonWriteFeature.ESCAPE_FORWARD_SLASHES.mappedFeature());
        }

        @Override
        public void writeString(String text) throws IOException {
            int length = text == null ? 0 : text.length();
            if (length < LONG || !looksLatin1(text, length)) {
                delegate.writeString(text);
                return;
            }
            if (length <= POOLED_BYTES
                    && looksAscii(text, length)
                    && asciiAsIs()
                    && delegate instanceof GeneratorBase base) {
                BufferRecycler recycler = base.ioContext().bufferRecycler();
                byte[] bytes = recycler.allocByteBuffer(BufferRecycler.BYTE_BASE64_CODEC_BUFFER, length);
                try {
                    if (narrowedPlain(text, length, bytes)) {
                        delegate.writeRawUTF8String(bytes, 0, length);
                        return;
                    }
                } finally {
                    recycler.releaseByteBuffer(BufferRecycler.BYTE_BASE64_CODEC_BUFFER, bytes);
                }
            }
            if (length > POOLED) {
                delegate.writeString(text);
                return;
            }
            text.getChars(0, length, copyOf(length), 0);
            delegate.writeString(chars, 0, length);
        }

        /**
         * Whether the generator writes an ASCII character as itself unless the standard escape
         * table says otherwise: no custom escapes, no escaping of ASCII characters by code.
         */
        private boolean asciiAsIs() {
            int highest = delegate.getHighestEscapedChar();
            return delegate.getCharacterEscapes() == null && (highest == 0 || highest >= 0x7F);
        }

        /**
         * Narrows {@code text} into {@code bytes} a chunk at a time; false as soon as a chunk holds a
         * character that is not ASCII or one the generator escapes (what is in {@code bytes} is
         * then of no use).
         */
        private boolean narrowedPlain(String text, int length, byte[] bytes) {
            char[] chunk = copyOf(Math.min(length, CHUNK));
            for (int from = 0; from < length; from += CHUNK) {
                int end = Math.min(length, from + CHUNK);
                text.getChars(from, end, chunk, 0);
                if (!encodedAscii(chunk, end - from, bytes, from)
                        || JsonBytes.firstSpecial(bytes, from, end, slash) >= 0) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Encodes {@code count} characters into {@code bytes} from {@code at}; false if one is not
         * ASCII. The JDK's ASCII encoder from a {@code char[]} into a {@code byte[]} is one
         * intrinsic (vector instructions): 0.05 ns a character here, against 0.65 for the loop this
         * was before, which or-ed the characters together as it narrowed them and which C2 did
         * not vectorise, and 2.5 for Jackson's {@code charAt} loop (BENCHMARKS.md, "Less garbage a
         * message").
         */
        private boolean encodedAscii(char[] chunk, int count, byte[] bytes, int at) {
            if (ascii == null) {
                ascii = ENCODERS.take();
            }
            ascii.reset();
            return ascii.encode(CharBuffer.wrap(chunk, 0, count), ByteBuffer.wrap(bytes, at, count), true)
                    .isUnderflow();
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
            if (ascii != null) {
                ENCODERS.giveBack(ascii);
                ascii = null;
            }
            super.close();
        }

        private static boolean looksLatin1(String text, int length) {
            return text.charAt(0) <= 0xFF && text.charAt(length >> 1) <= 0xFF && text.charAt(length - 1) <= 0xFF;
        }

        private static boolean looksAscii(String text, int length) {
            return text.charAt(0) < 0x80 && text.charAt(length >> 1) < 0x80 && text.charAt(length - 1) < 0x80;
        }
    }
}
