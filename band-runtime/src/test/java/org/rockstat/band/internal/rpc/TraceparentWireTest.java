package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.transport.MessageCodec;

/** The trace rides in one extra envelope field, and only when there is one. */
class TraceparentWireTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void withoutATraceTheMessagesAreWhatTheyAlwaysWere() {
        ObjectNode params = Json.object().put("ip", "1.2.3.4");
        assertThat(text(WireMessages.request("7", "geo", "lookup", "pages", params, null)))
                .isEqualTo(
                        "{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"method\":\"geo:lookup:pages\",\"params\":{\"ip\":\"1.2.3.4\"},"
                                + "\"to\":\"geo\",\"from\":\"pages\"}")
                .isEqualTo(text(WireMessages.request("7", "geo", "lookup", "pages", params)));
        assertThat(text(WireMessages.notification("geo", "seen", "pages", params, null)))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"geo:seen:pages\",\"params\":{\"ip\":\"1.2.3.4\"},"
                        + "\"to\":\"geo\",\"from\":\"pages\"}");
    }

    @Test
    void aTraceIsTheLastFieldAndIsReadBack() throws Exception {
        String request = text(WireMessages.request("7", "geo", "lookup", "pages", Json.object(), TRACEPARENT));
        assertThat(request)
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"method\":\"geo:lookup:pages\",\"params\":{},"
                        + "\"to\":\"geo\",\"from\":\"pages\",\"traceparent\":\"" + TRACEPARENT + "\"}");
        assertThat(text(WireMessages.notification("geo", "seen", "pages", Json.object(), TRACEPARENT)))
                .endsWith(",\"traceparent\":\"" + TRACEPARENT + "\"}");

        Envelope envelope = Envelope.of((ObjectNode) Json.mapper().readTree(request));
        assertThat(envelope.traceparent()).isEqualTo(TRACEPARENT);
        assertThat(envelope.method()).isEqualTo("lookup");
        assertThat(Envelope.of((ObjectNode) Json.mapper().readTree("{\"jsonrpc\":\"2.0\",\"method\":\"a:b:c\"}"))
                        .traceparent())
                .isNull();
    }

    private static String text(byte[] message) {
        return MessageCodec.text(message);
    }
}
