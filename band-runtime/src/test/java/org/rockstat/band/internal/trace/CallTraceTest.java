package org.rockstat.band.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rockstat.band.call.CallContext;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.config.Settings;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.method.MethodSpec;
import org.slf4j.MDC;

/** W3C trace context, and the scope each call runs in: its MDC, its trace, the call log. */
class CallTraceTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final Map<String, String> seen = new ConcurrentHashMap<>();
    private final LogCapture dispatcherLog = LogCapture.of(Dispatcher.class);
    private final LogCapture callLog = LogCapture.of(Dispatcher.CALL_LOG);
    private Dispatcher dispatcher;

    @AfterEach
    void close() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        dispatcherLog.close();
        callLog.close();
        MDC.clear();
    }

    private Dispatcher dispatcher(boolean callLog) {
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "svc")))
                .method(MethodSpec.exposed("look"), call -> {
                    Map<String, String> mdc = MDC.getCopyOfContextMap();
                    seen.putAll(mdc == null ? Map.of() : mdc);
                    Trace current = CallScope.current();
                    seen.put("current", current == null ? "none" : current.traceparent());
                    return "ok";
                })
                .method(MethodSpec.exposed("boom"), call -> {
                    throw new IllegalStateException("database is down");
                })
                .method(MethodSpec.exposed("picky"), call -> {
                    throw RpcException.invalidParams("Invalid params: 'ip' is required");
                })
                .build();
        dispatcher = new Dispatcher(
                model,
                Dispatcher.Options.defaults()
                        .withLimits(new Dispatcher.Limits(10, 10, 10))
                        .withLogCalls(callLog));
        return dispatcher;
    }

    @Test
    void parsesTraceparentAndRefusesMalformedOnes() {
        Trace caller = Trace.parse(TRACEPARENT);
        assertThat(caller).isEqualTo(new Trace("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", null, "01"));
        for (String bad : List.of(
                "",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra")) {
            assertThat(Trace.parse(bad)).as(bad).isNull();
        }
        assertThat(Trace.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later"))
                .as("a later version is read by its first four fields")
                .isNotNull();

        Trace hop = Trace.continueFrom(caller);
        assertThat(hop.traceId()).isEqualTo(caller.traceId());
        assertThat(hop.parentId()).isEqualTo("00f067aa0ba902b7");
        assertThat(hop.spanId()).matches("[0-9a-f]{16}").isNotEqualTo(caller.spanId());
        assertThat(hop.traceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-" + hop.spanId() + "-01");
        assertThat(Trace.start().traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(Trace.start().traceId()).isNotEqualTo(Trace.start().traceId());
    }

    @Test
    void aCallRunsWithItsIdsInTheMdcAndTheyAreGoneAfterwards() throws Exception {
        Dispatcher dispatcher = dispatcher(false);
        Trace hop = Trace.continueFrom(Trace.parse(TRACEPARENT));
        CallContext context = new CallContext("front", "17", "look", "redis");

        // on the caller's thread (as the transports run calls), so the test sees what is left behind
        Object result = dispatcher
                .call("look", Json.object().put("key", "page"), context, true, hop)
                .get(5, TimeUnit.SECONDS);

        assertThat(result).isEqualTo("ok");
        assertThat(seen)
                .containsEntry("call.id", "17")
                .containsEntry("call.from", "front")
                .containsEntry("call.method", "look")
                .containsEntry("call.key", "page")
                .containsEntry("trace.id", "4bf92f3577b34da6a3ce929d0e0e4736")
                .containsEntry("span.id", hop.spanId())
                .containsEntry("current", hop.traceparent());
        assertThat(MDC.getCopyOfContextMap()).as("nothing left on the thread").isNullOrEmpty();
        assertThat(CallScope.current()).isNull();
    }

    @Test
    void wireValuesInTheMdcAreEscaped() throws Exception {
        Dispatcher dispatcher = dispatcher(false);
        dispatcher
                .call("look", null, new CallContext("evil\nINFO forged", "1", "look", "redis"), true, null)
                .get(5, TimeUnit.SECONDS);
        assertThat(seen.get("call.from")).isEqualTo("evil\\nINFO forged");
        assertThat(seen.get("trace.id"))
                .as("a trace is started when the caller sent none")
                .matches("[0-9a-f]{32}");
    }

    @Test
    void aFailureIsOneWarnWithItsStackTraceAndCallIdWhileInvalidParamsStayQuiet() {
        Dispatcher dispatcher = dispatcher(false);
        CompletableFuture<Object> boom = dispatcher.call("boom", null, new CallContext("front", "5", "boom", "redis"));
        CompletableFuture<Object> picky =
                dispatcher.call("picky", null, new CallContext("front", "6", "picky", "redis"));
        assertThat(boom).failsWithin(5, TimeUnit.SECONDS);
        assertThat(picky).failsWithin(5, TimeUnit.SECONDS);

        List<ILoggingEvent> warnings = dispatcherLog.events().stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .toList();
        assertThat(warnings).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage())
                    .startsWith("Method 'boom' (")
                    .contains(" failed for front via redis [error ");
            assertThat(e.getThrowableProxy().getMessage()).isEqualTo("database is down");
            assertThat(e.getMDCPropertyMap()).containsEntry("call.id", "5").containsKey("trace.id");
        });
        assertThat(dispatcherLog.events())
                .filteredOn(e -> e.getFormattedMessage().contains("picky"))
                .allSatisfy(e -> {
                    assertThat(e.getLevel()).isEqualTo(Level.DEBUG);
                    assertThat(e.getThrowableProxy()).isNull();
                });
    }

    @Test
    void theCallLogIsOneInfoLinePerCallWithOutcomeAndDuration() {
        Dispatcher dispatcher = dispatcher(true);
        assertThat(dispatcher.call("look", null, new CallContext("front", "1", "look", "redis")))
                .succeedsWithin(5, TimeUnit.SECONDS);
        assertThat(dispatcher.call("picky", null, new CallContext("director", "2", "picky", "redis")))
                .failsWithin(5, TimeUnit.SECONDS);
        assertThat(dispatcher.call("boom", null, new CallContext("geo", null, "boom", "memory")))
                .failsWithin(5, TimeUnit.SECONDS);
        assertThat(dispatcher.call("nothing", null, new CallContext("geo", "3", "nothing", "redis")))
                .failsWithin(5, TimeUnit.SECONDS);
        assertThat(dispatcher.call("look", null, new CallContext("http", "http-1", "look", "http")))
                .succeedsWithin(5, TimeUnit.SECONDS);

        // each line is written as its call completes, on the thread that completed it
        await().atMost(Duration.ofSeconds(5)).until(() -> callLog.messages().size() >= 4);
        assertThat(callLog.messages())
                .as("HTTP calls are the access log's")
                .hasSize(4)
                .satisfiesExactlyInAnyOrder(
                        m -> assertThat(m).matches("Call 'look' from front \\(redis\\): ok in \\d+ ms"),
                        m -> assertThat(m)
                                .matches("Call 'picky' from director \\(redis\\): invalid \\(-32602\\) in \\d+ ms"),
                        m -> assertThat(m)
                                .matches("Notification 'boom' from geo \\(memory\\): error \\(-32603\\) in \\d+ ms"),
                        m -> assertThat(m)
                                .matches("Call 'nothing' from geo \\(redis\\): not_found \\(-32601\\) in \\d+ ms"));
        assertThat(callLog.events()).allSatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.INFO);
            assertThat(e.getMDCPropertyMap()).containsKey("trace.id");
        });
    }
}
