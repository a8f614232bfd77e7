package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.config.Settings;
import org.rockstat.band.fixtures.HttpProbe;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.http.HttpEndpoint;
import org.rockstat.band.internal.runtime.ServiceAssembly;
import org.rockstat.band.method.MethodSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request's trace id follows it from one Band service to the next over a real redis-server:
 * HTTP into {@code pages} (with a {@code traceparent} header), whose handler calls {@code geo}
 * through its {@code RpcClient}; both handlers' log lines carry the same trace id and different
 * span ids, and each service's own access or call log line says what happened.
 */
class CallIdsAcrossServicesTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final Logger handlers = LoggerFactory.getLogger("test.handlers");

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private final LogCapture handlerLog = LogCapture.of("test.handlers");
    private final LogCapture accessLog = LogCapture.of(HttpEndpoint.ACCESS_LOG);
    private final LogCapture callLog = LogCapture.of(Dispatcher.CALL_LOG);
    private ServiceAssembly geo;
    private ServiceAssembly pages;

    @AfterEach
    void stop() {
        for (ServiceAssembly service : new ServiceAssembly[] {pages, geo}) {
            if (service != null) {
                service.stop();
            }
        }
        handlerLog.close();
        accessLog.close();
        callLog.close();
    }

    private static ServiceAssembly start(
            String name, Map<String, Object> logs, MethodSpec spec, org.rockstat.band.method.MethodHandler handler) {
        ServiceAssembly service = ServiceAssembly.start(
                Settings.of(Map.of(
                        "name",
                        name,
                        "redis_dsn",
                        redis.dsn(),
                        "listen",
                        "127.0.0.1:0",
                        "http",
                        logs.get("http"),
                        "rpc",
                        logs.get("rpc"))),
                List.of(),
                List.of(),
                List.of(b -> b.method(spec, handler)));
        service.ready().orTimeout(30, TimeUnit.SECONDS).join(); // a loaded machine is slow to subscribe
        return service;
    }

    @Test
    void theTraceIdFollowsACallIntoTheNextServiceWithANewSpan() {
        geo = start(
                "geo",
                Map.of("http", Map.of(), "rpc", Map.of("call_log", true)),
                MethodSpec.exposed("lookup"),
                call -> {
                    handlers.info("geo looks up {}", call.params().node("ip").asText());
                    return Map.of("city", "Moscow");
                });
        AtomicReference<RpcClient> client = new AtomicReference<>();
        pages = start(
                "pages",
                Map.of("http", Map.of("access_log", true), "rpc", Map.of()),
                MethodSpec.exposed("page"),
                call -> {
                    handlers.info("pages asks geo");
                    return client.get().call("geo", "lookup", Map.of("ip", "1.2.3.4"), Duration.ofSeconds(5));
                });
        client.set(pages.client());

        HttpProbe.Result answer;
        try (HttpProbe http = HttpProbe.local(pages.httpPort())) {
            answer = http.get("/page", "traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01");
        }

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"city\":\"Moscow\"}");
        ILoggingEvent asks = only(handlerLog, "pages asks geo");
        ILoggingEvent looks = only(handlerLog, "geo looks up 1.2.3.4");
        assertThat(asks.getMDCPropertyMap())
                .containsEntry("trace.id", TRACE_ID)
                .containsEntry("call.from", "http")
                .containsEntry("call.method", "page")
                .containsKey("call.id");
        assertThat(looks.getMDCPropertyMap())
                .containsEntry("trace.id", TRACE_ID)
                .containsEntry("call.from", "pages")
                .containsEntry("call.method", "lookup")
                .containsKey("call.id");
        String pagesSpan = asks.getMDCPropertyMap().get("span.id");
        String geoSpan = looks.getMDCPropertyMap().get("span.id");
        assertThat(pagesSpan).matches("[0-9a-f]{16}").isNotEqualTo(CALLER_SPAN);
        assertThat(geoSpan).matches("[0-9a-f]{16}").isNotEqualTo(CALLER_SPAN).isNotEqualTo(pagesSpan);

        // geo's call log line and its answer leave at about the same time: wait for the line
        assertThat(callLog.awaitMessage("Call 'lookup'", Duration.ofSeconds(5)))
                .matches("Call 'lookup' from pages \\(redis\\): ok in \\d+ ms");
        assertThat(callLog.events().getFirst().getMDCPropertyMap())
                .containsEntry("span.id", geoSpan)
                .containsEntry("trace.id", TRACE_ID);

        String access = accessLog.awaitMessage("GET /page", Duration.ofSeconds(5));
        assertThat(access).matches("GET /page -> page: 200 ok in \\d+ ms");
        assertThat(accessLog.events().getFirst().getMDCPropertyMap())
                .containsEntry("span.id", pagesSpan)
                .containsEntry("call.id", asks.getMDCPropertyMap().get("call.id"));
        assertThat(callLog.messages())
                .as("pages has no call log, geo no access log")
                .hasSize(1);
        assertThat(accessLog.messages()).hasSize(1);
    }

    private static ILoggingEvent only(LogCapture log, String message) {
        List<ILoggingEvent> found = log.events().stream()
                .filter(e -> e.getFormattedMessage().equals(message))
                .toList();
        assertThat(found).as("lines '" + message + "' in " + log.messages()).hasSize(1);
        return found.getFirst();
    }
}
