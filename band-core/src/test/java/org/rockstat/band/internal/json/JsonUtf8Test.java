package org.rockstat.band.internal.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#utf8} writes what the bus carries: the bytes {@link Json#write}'s text encodes to,
 * whatever the characters, so moving from text to bytes changed no message.
 */
class JsonUtf8Test {
    /** Jackson without Band's generator decorator. */
    private static final ObjectMapper PLAIN = new ObjectMapper();
    /** What {@link Json#utf8} writes, by plain Jackson. */
    private static final ObjectWriter PLAIN_UTF8 =
            PLAIN.writer().with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);

    private static final String ASCII = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 ";

    @Test
    void theBytesAreTheTextsUtf8() throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put(
                "ключ 😀",
                "Привет, мир 😀👍🏽 中文 é ü 𝄞 \u2028\u2029 \u0007\u001f\u007f\u0080\u009f \n\r\t \\ / \" \uFFFF");
        value.put("numbers", List.of(1, -2.5, 1.5e300, Long.MAX_VALUE));
        value.put("nested", Map.of("empty", "", "null", List.of()));
        value.put("big", "Я😀x".repeat(40_000));

        byte[] bytes = Json.utf8(value);

        assertThat(bytes).isEqualTo(Json.write(value).getBytes(UTF_8));
        assertThat(Json.mapper().readTree(bytes)).isEqualTo(Json.mapper().readTree(Json.write(value)));
    }

    /**
     * Long strings are written from their bytes when they are plain ASCII, from a copy of their
     * characters when they look Latin-1, by Jackson's own {@code charAt} loop otherwise: every way
     * the bytes are what the text encodes to, escapes and surrogate pairs included, wherever the
     * characters that need them sit.
     */
    @Test
    void longStringsAreWrittenTheSameWhicheverWayTheyTake() throws Exception {
        String ascii = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 ".repeat(200);
        List<String> texts = List.of(
                ascii,
                "x".repeat(31),
                "x".repeat(32),
                ascii + "\"\\\n\u0001\u007f" + ascii, // escapes in the middle of a copied string
                "é" + ascii + "ü", // Latin-1 at the sampled ends: copied
                "a" + "Привет мир ".repeat(300) + "z", // two-byte characters between ASCII ends: copied
                "Привет мир ".repeat(300), // two-byte at the ends: Jackson's own loop
                ascii + "😀👍🏽 𝄞" + ascii, // surrogate pairs in a copied string
                "😀" + ascii + "😀",
                ascii.repeat(7), // longer than the copies kept in the pool: from its bytes
                ascii.repeat(7) + "\n"); // the same with an escape: Jackson's own loop
        // several long strings in one message: the copy's buffer grows, and goes back to the pool once
        Map<String, Object> growing = new LinkedHashMap<>();
        growing.put("short", ascii.substring(0, 100));
        growing.put("long", ascii);
        growing.put("longest", ascii + ascii);
        growing.put("again", ascii.substring(0, 50));
        for (int i = 0; i < 3; i++) {
            assertThat(Json.utf8(growing)).isEqualTo(Json.write(growing).getBytes(UTF_8));
        }
        for (String text : texts) {
            Map<String, Object> value = Map.of("text", text, "nested", List.of(Map.of("again", text)));
            assertThat(Json.utf8(value))
                    .as(text.substring(0, 20))
                    .isEqualTo(Json.write(value).getBytes(UTF_8));
            assertThat(Json.mapper().readTree(Json.utf8(value)).path("text").asText())
                    .isEqualTo(text);
            // HTTP's writer takes the same way, with its own surrogate escapes: what plain Jackson writes
            assertThat(Json.bytes(value)).isEqualTo(PLAIN.writeValueAsBytes(value));
        }
        String lone = ascii + "a\uD83Db" + ascii;
        assertThat(new String(Json.utf8(Map.of("x", lone)), UTF_8))
                .isEqualTo("{\"x\":\"" + ascii + "a\\uD83Db" + ascii + "\"}");
    }

    @Test
    void aLoneSurrogateKeepsItsEscapeInsteadOfAQuestionMark() {
        // UTF-8 cannot hold half a pair: the text's encoding had '?', the bytes keep what was sent
        assertThat(new String(Json.utf8(Map.of("x", "a\uD83Db")), UTF_8)).isEqualTo("{\"x\":\"a\\uD83Db\"}");
    }

    /**
     * Every ASCII character at every place of a long text, alone and after a literal {@code ?}:
     * the scan reads eight bytes at a time, so each character is tried in each byte of a word and
     * in the tail, and every one Jackson escapes (controls, quote, backslash) or keeps ({@code /},
     * {@code ?}, DEL) must come out as Jackson writes it.
     */
    @Test
    void everyAsciiCharacterAtEveryPlaceIsWrittenAsJacksonWritesIt() throws Exception {
        for (char c = 0; c < 0x80; c++) {
            for (int at = 0; at < 41; at++) {
                StringBuilder text = new StringBuilder("a".repeat(41));
                text.setCharAt(at, c);
                assertWrittenAsJacksonWrites(text.toString());
                if (at > 2) {
                    text.setCharAt(at - 2, '?');
                    assertWrittenAsJacksonWrites(text.toString());
                }
            }
        }
    }

    /**
     * What is not plain ASCII inside an ASCII text, away from the three characters sampled (first,
     * middle, last) and at places across an eight-byte word: Latin-1 (narrowed to a byte of 0x80 or
     * more), characters over 0xFF whose low byte is a plain letter (U+0161: narrowed to
     * {@code a}) or a quote (U+0122), surrogates and pairs, next to literal {@code ?}s.
     */
    @Test
    void whatIsNotAsciiInsideAnAsciiTextIsWrittenAsJacksonWritesIt() throws Exception {
        List<String> inserts = List.of(
                "\u00e9",
                "\u0080",
                "\u00ff",
                "\u0100",
                "\u0161",
                "\u0122",
                "\u0436",
                "\u4e2d",
                "\uFFFD",
                "\uD83D\uDE00",
                "\uD83D",
                "\uDE00",
                "?\uD83D",
                "\uDE00?",
                "??\u00e9");
        for (String insert : inserts) {
            for (int at : new int[] {1, 7, 8, 9, 15, 16, 60, 97, 98}) {
                String base = "b".repeat(100);
                assertWrittenAsJacksonWrites(base.substring(0, at) + insert + base.substring(at));
            }
        }
    }

    /**
     * At the edges of each way: the shortest string taken from its bytes or copy (32), the chunks
     * it is narrowed in (4 096 characters), the longest copied (64 K characters), the longest
     * narrowed (128 K), and far beyond (over 1 MB, Jackson's loop), each plain, with an escape,
     * with a Latin-1 letter and with a character over 0xFF (none of them at a sampled place); and
     * with the odd character at a chunk's first and last place.
     */
    @Test
    void stringsAtTheLimitsAndFarBeyondAreWrittenAsJacksonWritesThem() throws Exception {
        int[] lengths = {
            31,
            32,
            33,
            4095,
            4096,
            4097,
            8193,
            64 * 1024 - 1,
            64 * 1024,
            64 * 1024 + 1,
            128 * 1024 - 1,
            128 * 1024,
            128 * 1024 + 1,
            1_100_000
        };
        for (int length : lengths) {
            String plain = ASCII.repeat(length / ASCII.length() + 1).substring(0, length);
            assertWrittenAsJacksonWrites(plain);
            for (String odd : List.of("\"", "\n", "\u0001", "\u00e9", "\u0436", "\u0161", "?")) {
                assertWrittenAsJacksonWrites(plain.substring(0, length - 2) + odd + plain.charAt(length - 1));
                if (length > 8193) {
                    for (int at : new int[] {4095, 4096, 8191, 8192}) {
                        assertWrittenAsJacksonWrites(plain.substring(0, at) + odd + plain.substring(at + 1));
                    }
                }
            }
        }
    }

    /**
     * Long strings as field names (Jackson's {@code writeFieldName}, which Band leaves alone) and
     * as values deep inside objects and arrays, several in one message.
     */
    @Test
    void longNamesAndValuesInNestedObjectsAndArraysAreWrittenAsJacksonWritesThem() throws Exception {
        String name = ASCII.repeat(3);
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put(name, List.of(ASCII.repeat(2), Map.of(name + "\"\\\n", ASCII + "\t" + ASCII)));
        inner.put("list", List.of(List.of(ASCII.repeat(5), "short", ASCII + "\u00e9" + ASCII)));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put(name + "\u00e9", inner);
        value.put("again", List.of(inner, inner));
        assertThat(Json.utf8(value)).isEqualTo(Json.write(value).getBytes(UTF_8));
        assertThat(Json.utf8(value)).isEqualTo(PLAIN_UTF8.writeValueAsBytes(value));
        assertThat(Json.bytes(value)).isEqualTo(PLAIN.writeValueAsBytes(value));
    }

    /**
     * A writer or factory of Band's mapper set to escape more (every non-ASCII character, custom
     * escapes, {@code /}, lower-case hex digits) writes what plain Jackson set the same way writes:
     * what the generator escapes is never written from the bytes as it is.
     */
    @Test
    void theGeneratorsOwnEscapesAreKept() throws Exception {
        CharacterEscapes xEscaped = new CharacterEscapes() {
            private final int[] codes = standardAsciiEscapesForJSON();

            {
                codes['x'] = ESCAPE_CUSTOM;
            }

            @Override
            public int[] getEscapeCodesForAscii() {
                return codes;
            }

            @Override
            public SerializableString getEscapeSequence(int ch) {
                return new SerializedString("[x]");
            }
        };
        List<String> texts = List.of(
                ASCII.repeat(3) + "x" + ASCII,
                ASCII + "https://example.org/a/b?c=d" + ASCII,
                ASCII + "\u00e9\u0001" + ASCII);
        for (String text : texts) {
            Map<String, Object> value = Map.of("text", text);
            Map<String, UnaryOperator<ObjectWriter>> settings = Map.of(
                    "ESCAPE_NON_ASCII", w -> w.with(JsonWriteFeature.ESCAPE_NON_ASCII),
                    "no WRITE_HEX_UPPER_CASE", w -> w.without(JsonWriteFeature.WRITE_HEX_UPPER_CASE),
                    "ESCAPE_FORWARD_SLASHES", w -> w.with(JsonWriteFeature.ESCAPE_FORWARD_SLASHES));
            for (var setting : settings.entrySet()) {
                assertThat(setting.getValue().apply(Json.mapper().writer()).writeValueAsBytes(value))
                        .as(setting.getKey())
                        .isEqualTo(setting.getValue().apply(PLAIN.writer()).writeValueAsBytes(value));
            }
            assertThat(Json.mapper().writer().with(xEscaped).writeValueAsBytes(value))
                    .as("custom escapes")
                    .isEqualTo(PLAIN.writer().with(xEscaped).writeValueAsBytes(value));
            // a factory that escapes '/' makes generators whose table does: the decorator reads it
            JsonFactory slashes = Json.mapper()
                    .getFactory()
                    .rebuild()
                    .enable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
                    .build();
            try (JsonGenerator generator = slashes.createGenerator(new ByteArrayOutputStream())) {
                assertThat(generator).isInstanceOf(JsonGeneratorDelegate.class);
            }
            JsonFactory plainSlashes = JsonFactory.builder()
                    .enable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
                    .build();
            assertThat(new ObjectMapper(slashes).writeValueAsBytes(value))
                    .as("/ escaped by the factory")
                    .isEqualTo(new ObjectMapper(plainSlashes).writeValueAsBytes(value));
        }
    }

    /**
     * The buffer a value is written into is reused: a write that failed half-way, a message larger
     * than the pool keeps, and many writes at once leave nothing of theirs in another's bytes.
     */
    @Test
    void aReusedBufferCarriesNothingIntoTheNextMessage() throws Exception {
        Map<String, Object> failing = new LinkedHashMap<>();
        failing.put("before", "x".repeat(5_000));
        failing.put("bad", new com.fasterxml.jackson.databind.JsonSerializable.Base() {
            @Override
            public void serialize(JsonGenerator generator, com.fasterxml.jackson.databind.SerializerProvider provider)
                    throws java.io.IOException {
                generator.writeString("half");
                throw new java.io.IOException("cannot be written");
            }

            @Override
            public void serializeWithType(
                    JsonGenerator generator,
                    com.fasterxml.jackson.databind.SerializerProvider provider,
                    com.fasterxml.jackson.databind.jsontype.TypeSerializer type)
                    throws java.io.IOException {
                serialize(generator, provider);
            }
        });
        for (int i = 0; i < 10; i++) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.utf8(failing))
                    .isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining("cannot be written");
            assertThat(Json.utf8(Map.of("a", 1))).isEqualTo("{\"a\":1}".getBytes(UTF_8));
        }
        Map<String, Object> huge = Map.of("blob", "0123456789".repeat(100_000));
        assertThat(Json.utf8(huge)).isEqualTo(Json.write(huge).getBytes(UTF_8));
        assertThat(Json.bytes(List.of("b"))).isEqualTo("[\"b\"]".getBytes(UTF_8));
        List<java.util.concurrent.Future<Boolean>> writes = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 400; i++) {
                Map<String, Object> value = Map.of("i", i, "text", ASCII.repeat(1 + i % 50));
                writes.add(threads.submit(() -> java.util.Arrays.equals(
                        Json.utf8(value), Json.write(value).getBytes(UTF_8))));
            }
            for (var write : writes) {
                assertThat(write.get()).isTrue();
            }
        }
    }

    /**
     * {@code text} as a value, a field name, and in a nested array: {@link Json#utf8} as plain
     * Jackson writes it with surrogates combined, and as {@link Json#write}'s text encodes to when
     * that text has no lone surrogate (whose UTF-8 is a {@code ?}); {@link Json#bytes} as plain
     * Jackson writes it.
     */
    private static void assertWrittenAsJacksonWrites(String text) throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", text);
        value.put("nested", new ArrayList<>(List.of(1, text)));
        value.put(text, "");
        String shown = text.length() > 60 ? text.substring(0, 60) + "... (" + text.length() + ")" : text;
        byte[] utf8 = Json.utf8(value);
        assertThat(utf8).as(shown).isEqualTo(PLAIN_UTF8.writeValueAsBytes(value));
        if (!hasLoneSurrogate(text)) {
            assertThat(utf8).as(shown).isEqualTo(Json.write(value).getBytes(UTF_8));
        }
        assertThat(Json.bytes(value)).as(shown).isEqualTo(PLAIN.writeValueAsBytes(value));
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
