package org.rockstat.band.internal.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#utf8} writes what the bus carries: the bytes {@link Json#write}'s text encodes to,
 * whatever the characters, so moving from text to bytes changed no message.
 */
class JsonUtf8Test {
    /** Jackson without Band's generator decorator. */
    private static final com.fasterxml.jackson.databind.ObjectMapper PLAIN =
            new com.fasterxml.jackson.databind.ObjectMapper();

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
     * Long strings are written from a copy of their characters when they look Latin-1, by
     * Jackson's own {@code charAt} loop otherwise: either way the bytes are what the text encodes
     * to, escapes and surrogate pairs included, wherever the characters that need them sit.
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
                ascii.repeat(7)); // longer than the copies kept in the pool: Jackson's own loop
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
}
