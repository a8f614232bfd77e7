package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.dispatch.ServiceStatus;
import org.rockstat.band.internal.method.ServiceModel;
import org.rockstat.band.rpc.MethodSpec;
import org.rockstat.band.testing.TestHttpServer;

class HttpServerLifecycleTest {
    private static Dispatcher dispatcher(ServiceModel model) {
        return new Dispatcher(model, new ServiceStatus("test", model, Clock.systemUTC()), 200);
    }

    @Test
    void startReturnsTheBoundPortAndStopFreesIt() throws Exception {
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "test")))
                .method(MethodSpec.handler("ping"), call -> "pong").build();
        try (Dispatcher dispatcher = dispatcher(model)) {
            HttpServer server = new HttpServer(dispatcher, model.httpRoutes(), HttpOptions.defaults());
            int port = server.start("127.0.0.1", 0);
            assertThat(port).isPositive();
            try (Socket socket = new Socket("127.0.0.1", port)) {
                assertThat(socket.isConnected()).isTrue();
            }
            assertThatThrownBy(() -> server.start("127.0.0.1", 0)).isInstanceOf(IllegalStateException.class);
            server.stop();
            server.stop();
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void busyPortIsAClearError() throws IOException {
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "test"))).build();
        try (Dispatcher dispatcher = dispatcher(model); var taken = new java.net.ServerSocket(0)) {
            HttpServer server = new HttpServer(dispatcher, model.httpRoutes(), HttpOptions.defaults());
            assertThatThrownBy(() -> server.start("127.0.0.1", taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("Cannot listen for HTTP");
            server.stop();
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
