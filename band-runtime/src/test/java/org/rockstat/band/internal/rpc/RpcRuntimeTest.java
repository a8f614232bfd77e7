package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.dispatch.ServiceStatus;
import org.rockstat.band.internal.method.ServiceModel;

/** The launcher's entry: settings in, a running RPC side out. */
class RpcRuntimeTest {

    private static RpcRuntime start(Settings settings) {
        ServiceModel model = ServiceModel.builder(settings).service(new TestService(settings.name())).build();
        Dispatcher dispatcher = new Dispatcher(model, new ServiceStatus(settings.name(), model, Clock.systemUTC()), 200);
        return RpcRuntime.start(settings, model, dispatcher);
    }

    @Test
    void withoutRedisDsnServicesInOneJvmShareTheInMemoryBus() {
        try (LogCapture log = new LogCapture(RpcRuntime.class);
             RpcRuntime a = start(Settings.of(Map.of("name", "rt-a")));
             RpcRuntime b = start(Settings.of(Map.of("name", "rt-b", "rpc", Map.of("heartbeat_delay_ms", 50))))) {
            assertThat(a.transportDescription()).isEqualTo("in-memory (no redis_dsn set)");
            assertThat(log.messages()).contains("Transport: in-memory (no redis_dsn set)");
            assertThat(a.channels()).containsExactly("rt-a", "enrich", "broadcast");
            assertThat(a.isConnected()).isTrue();
            assertThat(b.client().call("rt-a", "add", Map.of("a", 1, "b", 2), Duration.ofSeconds(2))).isEqualTo(3);
            assertThat(a.client().call("rt-b", "whoami", null, Duration.ofSeconds(2))).isEqualTo("rt-a/memory");
        }
    }

    @Test
    void optionsComeFromTheRpcSection() {
        RpcOptions options = RpcOptions.from(Settings.of(Map.of("rpc",
                Map.of("max_message_bytes", 2048, "heartbeat_delay_ms", 10, "heartbeat_every_ms", 20))));
        assertThat(options).isEqualTo(new RpcOptions(2048, Duration.ofMillis(10), Duration.ofMillis(20)));
        assertThat(RpcOptions.from(Settings.of(Map.of()))).isEqualTo(RpcOptions.defaults());
    }
}
