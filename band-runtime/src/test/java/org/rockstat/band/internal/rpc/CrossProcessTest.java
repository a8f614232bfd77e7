package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.internal.transport.RedisTransport;
import org.rockstat.band.testing.RedisServerExtension;

/** Two services in two JVM processes call each other over Redis. */
class CrossProcessTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @Test
    void servicesInSeparateProcessesCallEachOther() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process peer = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                PeerMain.class.getName(), redis.dsn(), "remote"))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (ServiceFixture local = new ServiceFixture("local", new TestService("local"),
                new RedisTransport(redis.dsn()).start(), 200, RpcOptions.defaults())) {
            BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
            String ready = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.contains("READY")) {
                            return line;
                        }
                    }
                    return "exited";
                } catch (Exception e) {
                    return e.toString();
                }
            }).get(30, TimeUnit.SECONDS);
            assertThat(ready).contains("READY");

            assertThat(local.client().call("remote", "add", Map.of("a", 20, "b", 22), Duration.ofSeconds(3))).isEqualTo(42);
            assertThat(local.client().call("remote", "callBack", Map.of("service", "local"), Duration.ofSeconds(3)))
                    .isEqualTo("remote/redis");
            @SuppressWarnings("unchecked")
            Map<String, Object> status = (Map<String, Object>) local.client().call("remote", "__status", null, Duration.ofSeconds(3));
            assertThat(status).containsEntry("name", "remote");
            assertThat(local.runtime.pendingCalls()).isZero();
        } finally {
            peer.getOutputStream().close();
            if (!peer.waitFor(10, TimeUnit.SECONDS)) {
                peer.destroyForcibly();
            }
        }
        assertThat(peer.exitValue()).isZero();
    }
}
