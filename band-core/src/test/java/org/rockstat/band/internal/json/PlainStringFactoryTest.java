package org.rockstat.band.internal.json;

import static java.nio.charset.StandardCharsets.UTF_16BE;
import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Band's mapper reads every document as plain Jackson reads it: the same tree, the same text
 * from every accessor, the same errors, whether a string takes the plain shortcut or Jackson's
 * own decoding.
 */
class PlainStringFactoryTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Test
    void aByteArrayIsReadByTheParserWithTheShortcut() throws Exception {
        try (JsonParser parser = Json.mapper().createParser("{\"a\":\"b\"}".getBytes(UTF_8))) {
            assertThat(parser).isInstanceOf(UTF8StreamJsonParser.class);
            assertThat(parser.getClass()).isNotEqualTo(UTF8StreamJsonParser.class);
        }
    }

    /**
     * Every ASCII character, and characters of two, three and four bytes, at every place of a
     * string of up to 41 characters (the scan reads eight bytes at a time: each place in a word
     * and in the tail), as an object's value, in an array and as the whole document.
     */
    @Test
    void everyCharacterAtEveryPlaceIsReadAsJacksonReadsIt() throws Exception {
        List<String> insides = new ArrayList<>();
        for (char c = 0x20; c < 0x80; c++) {
            insides.add(c == '"' ? "\\\"" : c == '\\' ? "\\\\" : String.valueOf(c));
        }
        insides.addAll(List.of("é", "Я", "中", "😀", "\\n", "\\u0041", "\\/", "\\u00e9"));
        for (String inside : insides) {
            for (int length = 1; length < 42; length += 3) {
                for (int at = 0; at < length; at++) {
                    String text = "a".repeat(at) + inside + "b".repeat(length - at - 1);
                    assertReadAsJacksonReads("{\"k\":\"" + text + "\",\"next\":\"x\"}");
                    assertReadAsJacksonReads("[\"" + text + "\",\"\",\"" + text + "\"]");
                    assertReadAsJacksonReads("\"" + text + "\"");
                }
            }
        }
    }

    @Test
    void emptyLongAndNestedStringsAreReadAsJacksonReadsThem() throws Exception {
        String big = "0123456789abcdef".repeat(10_000);
        assertReadAsJacksonReads("{\"a\":\"\",\"b\":\"\",\"c\":[\"\",\"\"],\"d\":{\"e\":\"\"}}");
        assertReadAsJacksonReads(
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"svc:echo\",\"params\":{\"data\":{\"blob\":\"" + big
                        + "\"},\"n\":1.5,\"t\":true,\"z\":null}}");
        assertReadAsJacksonReads("{\"blob\":\"" + big + "\\n" + big + "\"}");
        assertReadAsJacksonReads("{\"blob\":\"" + big + "é\"}");
        assertReadAsJacksonReads("  \n{ \"a\" : \"x\" ,\n \"b\":[ \"y\" ] }  ");
    }

    /** After the shortcut, the text is the same from every accessor, as chars too. */
    @Test
    void everyAccessorGivesTheSameText() throws Exception {
        byte[] json = "[\"plain text\",\"plain\",\"esc\\\"aped\",\"last\"]".getBytes(UTF_8);
        try (JsonParser ours = Json.mapper().createParser(json);
                JsonParser plain = PLAIN.createParser(json)) {
            assertThat(ours.nextToken()).isEqualTo(plain.nextToken()).isEqualTo(JsonToken.START_ARRAY);
            ours.nextToken();
            plain.nextToken();
            assertThat(ours.getText()).isEqualTo(plain.getText()).isEqualTo("plain text");
            assertThat(new String(ours.getTextCharacters(), ours.getTextOffset(), ours.getTextLength()))
                    .isEqualTo("plain text");
            assertThat(ours.getValueAsString()).isEqualTo("plain text");
            assertThat(ours.nextTextValue()).isEqualTo(plain.nextTextValue()).isEqualTo("plain");
            assertThat(ours.getTextLength()).isEqualTo(5);
            assertThat(ours.nextTextValue()).isEqualTo(plain.nextTextValue()).isEqualTo("esc\"aped");
            ours.nextToken();
            plain.nextToken();
            assertThat(ours.getValueAsString())
                    .isEqualTo(plain.getValueAsString())
                    .isEqualTo("last");
            assertThat(ours.nextToken()).isEqualTo(plain.nextToken()).isEqualTo(JsonToken.END_ARRAY);
            assertThat(ours.currentLocation().getByteOffset())
                    .isEqualTo(plain.currentLocation().getByteOffset());
        }
    }

    /** A BOM, UTF-16 and a short document are left to Jackson's detection, and read the same. */
    @Test
    void otherEncodingsAreReadAsJacksonReadsThem() throws Exception {
        String json = "{\"a\":\"plain\",\"b\":\"é\"}";
        byte[] bom = new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] withBom = new byte[bom.length + json.getBytes(UTF_8).length];
        System.arraycopy(bom, 0, withBom, 0, bom.length);
        System.arraycopy(json.getBytes(UTF_8), 0, withBom, bom.length, withBom.length - bom.length);
        for (byte[] bytes :
                List.of(withBom, json.getBytes(UTF_16LE), json.getBytes(UTF_16BE), "\"x\"".getBytes(UTF_8))) {
            assertThat(Json.mapper().readTree(bytes)).isEqualTo(PLAIN.readTree(bytes));
        }
    }

    /** A string cut off, a raw control character, a raw line break: Jackson's own errors. */
    @Test
    void brokenStringsFailAsJacksonFails() {
        for (String broken : List.of("{\"a\":\"abc", "{\"a\":\"ab\u0001c\"}", "[\"ab\ncd\"]", "[\"abc\\\"]")) {
            byte[] bytes = broken.getBytes(UTF_8);
            Throwable plain = catchFailure(() -> PLAIN.readTree(bytes));
            Throwable ours = catchFailure(() -> Json.mapper().readTree(bytes));
            assertThat(plain).as(broken).isNotNull();
            assertThat(ours).as(broken).isNotNull().hasSameClassAs(plain);
            assertThat(ours.getMessage()).isEqualTo(plain.getMessage());
        }
    }

    /** The shortcut keeps {@code StreamReadConstraints}' longest string. */
    @Test
    void theLongestStringLimitHolds() throws Exception {
        StreamReadConstraints limits =
                StreamReadConstraints.builder().maxStringLength(1_000).build();
        ObjectMapper ours =
                new ObjectMapper(new PlainStringFactory(new JsonFactoryBuilder().streamReadConstraints(limits)));
        JsonFactory plainFactory =
                new JsonFactoryBuilder().streamReadConstraints(limits).build();
        ObjectMapper plain = new ObjectMapper(plainFactory);
        byte[] fits = ("[\"" + "x".repeat(1_000) + "\"]").getBytes(UTF_8);
        byte[] over = ("[\"" + "x".repeat(1_001) + "\"]").getBytes(UTF_8);
        assertThat(ours.readTree(fits)).isEqualTo(plain.readTree(fits));
        assertThatThrownBy(() -> ours.readTree(over))
                .isInstanceOf(StreamConstraintsException.class)
                .hasMessageContaining("String value length (1001) exceeds the maximum allowed (1000");
        assertThatThrownBy(() -> plain.readTree(over)).isInstanceOf(StreamConstraintsException.class);
    }

    @Test
    void aCopyOfTheMapperKeepsTheFactory() throws Exception {
        ObjectMapper copy = Json.mapper().copy();
        try (JsonParser parser = copy.createParser("{\"a\":\"b\"}".getBytes(UTF_8))) {
            assertThat(parser.getClass()).isNotEqualTo(UTF8StreamJsonParser.class);
        }
        assertThat(copy.readTree("{\"a\":\"b\"}".getBytes(UTF_8)).get("a").textValue())
                .isEqualTo("b");
    }

    private static void assertReadAsJacksonReads(String json) throws Exception {
        byte[] bytes = json.getBytes(UTF_8);
        assertThat(Json.mapper().readTree(bytes)).as(json).isEqualTo(PLAIN.readTree(bytes));
        // token by token: every value's text, and where the parser stands after it
        try (JsonParser ours = Json.mapper().createParser(bytes);
                JsonParser plain = PLAIN.createParser(bytes)) {
            JsonToken token;
            while ((token = plain.nextToken()) != null) {
                assertThat(ours.nextToken()).as(json).isEqualTo(token);
                assertThat(ours.getText()).as(json).isEqualTo(plain.getText());
                assertThat(ours.currentLocation().getColumnNr())
                        .as(json)
                        .isEqualTo(plain.currentLocation().getColumnNr());
            }
            assertThat(ours.nextToken()).isNull();
        }
    }

    private static Throwable catchFailure(ThrowingRunnable action) {
        try {
            action.run();
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
