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

    @Test
    void aLoneSurrogateKeepsItsEscapeInsteadOfAQuestionMark() {
        // UTF-8 cannot hold half a pair: the text's encoding had '?', the bytes keep what was sent
        assertThat(new String(Json.utf8(Map.of("x", "a\uD83Db")), UTF_8)).isEqualTo("{\"x\":\"a\\uD83Db\"}");
    }
}
