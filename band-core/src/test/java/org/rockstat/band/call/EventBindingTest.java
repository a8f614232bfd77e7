package org.rockstat.band.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.internal.json.Json;

/** Any JSON the platform can send binds to an Event; nothing fails the call. */
class EventBindingTest {
    private static Event bind(String json) throws Exception {
        return new Call(Params.of((ObjectNode) Json.mapper().readTree(json)), null).event();
    }

    @Test
    void aProjectIdBeyondLongIsKeptWhole() throws Exception {
        Event event = bind("{\"key\":\"in.gen.test_go.y\",\"projectId\":99999999999999999999,\"time\":1732860000000}");
        assertThat(event.projectId()).isEqualTo(new BigInteger("99999999999999999999"));
        assertThat(event.time()).isEqualTo(1732860000000L);
        assertThat(bind("{\"projectId\":\"123456789012345678901234567890\"}").projectId())
                .isEqualTo(new BigInteger("123456789012345678901234567890"));
    }

    @Test
    void fieldsOfTheWrongShapeReadAsNull() throws Exception {
        Event event = bind("{\"key\":\"k\",\"projectId\":\"abc\",\"time\":123456789012345678901234,"
                + "\"td\":\"not an object\",\"data\":[1,2],\"uid\":{\"x\":1},\"id\":42}");
        assertThat(event.key()).isEqualTo("k");
        assertThat(event.projectId()).isNull();
        assertThat(event.time()).isNull();
        assertThat(event.td()).isNull();
        assertThat(event.data()).isNull();
        assertThat(event.uid()).isNull();
        assertThat(event.id()).isEqualTo("42");
    }

    @Test
    void nestedValuesArePlainJava() throws Exception {
        Event event = bind("{\"td\":{\"ip\":\"1.2.3.4\",\"big\":99999999999999999999},\"data\":{\"q\":1}}");
        assertThat(event.td("ip")).isEqualTo("1.2.3.4");
        assertThat(event.td()).containsEntry("big", new BigInteger("99999999999999999999"));
        assertThat(event.data()).isEqualTo(Map.of("q", 1));
    }
}
