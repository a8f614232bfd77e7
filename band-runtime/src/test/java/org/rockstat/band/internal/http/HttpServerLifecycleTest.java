package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.config.Settings;
import org.rockstat.band.fixtures.HttpProbe;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.http.netty.HttpServer;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.method.MethodSpec;

class HttpServerLifecycleTest {
    @Test
    void startReturnsTheBoundPortAndStopFreesIt() throws Exception {
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "test")))
                .method(MethodSpec.handler("ping"), call -> "pong")
                .build();
        try (Dispatcher dispatcher =
                new Dispatcher(model, Dispatcher.Options.defaults().withMaxRunning(200))) {
            HttpServer server = new HttpServer(
                    new HttpEndpoint(dispatcher, HttpRoutes.of(model), new CorsPolicy(List.of())),
                    new HttpServer.Limits(
                            1024, 1 << 20, 10, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5)));
            int port = server.start("127.0.0.1", 0);
            assertThat(port).isPositive();
            try (HttpProbe probe = HttpProbe.local(port)) {
                assertThat(probe.get("/ping").body()).isEqualTo("pong");
            }
            assertThatThrownBy(() -> server.start("127.0.0.1", 0)).isInstanceOf(IllegalStateException.class);
            server.stop();
            server.stop();
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void plainStringIsWrittenAsIsLikeFrontAndContextSaysHttp() {
        TestHttpServer http = TestHttpServer.builder()
                .method(MethodSpec.handler("ping"), call -> "pong")
                .method(MethodSpec.handler("ctx"), call -> call.context())
                .start();
        try (http) {
            var r = http.get("/ping");
            assertThat(r.body()).isEqualTo("pong");
            assertThat(r.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
            var ctx = http.get("/ctx").bodyJson();
            assertThat(ctx.path("caller").asText()).isEqualTo("http");
            assertThat(ctx.path("transport").asText()).isEqualTo("http");
            assertThat(ctx.path("method").asText()).isEqualTo("ctx");
            assertThat(ctx.path("id").asText()).isNotEmpty();
        }
    }
}
