package org.rockstat.band.internal.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.Closer;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.fixtures.WirePeer;

/**
 * Messages travel as the bytes they were published as (issue 13 part 2): text in any script, and
 * characters outside the BMP, come back byte for byte what the text Band used to build encoded
 * to; the message-size limit counts bytes, not characters; a log line still shows a message's
 * start escaped and cut.
 */
class Utf8WireTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @RegisterExtension
    final Closer open = new Closer();

    /** Two-, three- and four-byte characters, a modifier, U+2028 and an escaped control character. */
    private static final String TEXT = "Привет, мир! 😀👍🏽 中文 é ü \u2028 𝄞 tab\\there";

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void multiByteTextRoundTripsByteForByteOverRedis() throws Exception {
        service("utf", Map.of());
        try (WirePeer front = WirePeer.front(redis.dsn())) {
            String params =
                    "{\"текст\":\"" + TEXT + "\",\"😀\":\"" + TEXT.repeat(2_000) + "\",\"n\":[1,2.5,true,null]}";
            front.publish(
                    "utf",
                    "{\"jsonrpc\":\"2.0\",\"id\":\"u1\",\"method\":\"utf:echo:front\",\"params\":" + params
                            + ",\"to\":\"utf\",\"from\":\"front\"}");

            // what the String path wrote: the answer's text, encoded to UTF-8 once
            String expected =
                    "{\"jsonrpc\":\"2.0\",\"id\":\"u1\",\"result\":" + params + ",\"from\":\"utf\",\"to\":\"front\"}";
            assertThat(answer(front, "u1")).isEqualTo(expected.getBytes(UTF_8));
        }
    }

    @Test
    void multiByteTextRoundTripsThroughBandsOwnClient() {
        ServiceFixture service = service("utf-client", Map.of());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("текст", TEXT);
        params.put("😀", TEXT.repeat(500));
        Object result = service.client().call("utf-client", "echo", params, WAIT);
        assertThat(result).isEqualTo(params);
    }

    @Test
    void theSizeLimitCountsBytesNotCharacters() throws Exception {
        int limit = 4096;
        service("utf-limit", Map.of("max_message_bytes", limit));
        try (WirePeer front = WirePeer.front(redis.dsn())) {
            // 2 200 characters of two bytes each: under the limit in characters, over it in bytes
            String over = request("l1", "ж".repeat(2_200));
            assertThat(over.length()).isLessThan(limit);
            front.publish("utf-limit", over);
            String refused = new String(answer(front, "l1"), UTF_8);
            assertThat(refused)
                    .contains("\"id\":\"l1\"")
                    .contains("message of " + over.getBytes(UTF_8).length + " bytes exceeds the limit of 4096 bytes");

            // exactly the limit in bytes, of two-, three- and four-byte characters: accepted
            String base = request("l2", "");
            int room = limit - base.getBytes(UTF_8).length;
            String pad = "😀".repeat(room / 4 / 3) + "中".repeat(room / 3 / 3) + "ж".repeat(room / 2 / 3);
            pad += "x".repeat(room - pad.getBytes(UTF_8).length);
            String exact = request("l2", pad);
            assertThat(exact.getBytes(UTF_8)).hasSize(limit);
            front.publish("utf-limit", exact);
            String answered = new String(answer(front, "l2"), UTF_8);
            assertThat(answered).contains("\"id\":\"l2\"").contains("\"result\":{\"pad\":\"" + pad + "\"}");
        }
    }

    @Test
    void aLogLineShowsTheStartOfAMessageDecodedEscapedAndCut() throws Exception {
        service("utf-log", Map.of());
        try (LogCapture log = LogCapture.of(RpcEndpoint.class);
                WirePeer front = WirePeer.front(redis.dsn())) {
            String garbage = "не json\n" + "ж".repeat(1_000);
            front.publish("utf-log", garbage);
            String line = log.awaitMessage("не json", WAIT);
            assertThat(line)
                    .doesNotContain("\n")
                    .contains("не json\\nжжж")
                    .contains("... (" + garbage.getBytes(UTF_8).length + " bytes)")
                    .doesNotContain("\uFFFD");
            assertThat(line.length()).isLessThan(400);
        }
    }

    private static String request(String id, String pad) {
        return "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"echo\",\"params\":{\"pad\":\"" + pad
                + "\"},\"to\":\"utf-limit\",\"from\":\"front\"}";
    }

    private ServiceFixture service(String name, Map<String, ?> rpc) {
        return open.track(new ServiceFixture(name, new TestService(name), redis.dsn(), rpc, true));
    }

    /**
     * The answer to {@code id} as the bytes on the wire. The peer's codec decodes UTF-8 to a
     * {@code String}, and back the bytes are the same: any other bytes (an escape instead of the
     * character, a broken sequence) make another text.
     */
    private static byte[] answer(WirePeer front, String id) {
        front.awaitResponse(id, WAIT);
        return front.received().stream()
                .filter(r -> r.json() != null && id.equals(r.json().path("id").asText()))
                .findFirst()
                .orElseThrow()
                .raw()
                .getBytes(UTF_8);
    }
}
