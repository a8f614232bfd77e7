package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rockstat.band.config.ConfigurationException;
import org.rockstat.band.fixtures.LogCapture;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.fixtures.TestCertificates;
import org.rockstat.band.fixtures.WirePeer;
import org.rockstat.band.internal.transport.RedisTransport;

/**
 * Issue 12 (2, TLS): a service on {@code rediss://} against a real redis-server that speaks TLS
 * only and requires a client certificate, with a CA and certificates generated for the run.
 * Verification is on by default; a CA that did not sign the server's certificate is one WARN,
 * masked, and the attempts go on.
 */
@Tag("slow") // a real redis-server with TLS, several reconnect attempts
class RedisTlsServiceTest {
    private static final String PASSWORD = "tls-s3cret-pw";

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension().mutualTls();

    private static Map<String, Object> tls(TestCertificates ca, TestCertificates client) {
        return Map.of(
                "redis_tls",
                Map.of(
                        "ca_file", ca.caCertificate().toString(),
                        "cert_file", client.clientCertificate().toString(),
                        "key_file", client.clientKey().toString()));
    }

    @Test
    void aServiceWorksOverMutualTlsWithTheCaAndClientCertificateFiles() {
        TestCertificates pki = redis.certificates();
        String dsn = redis.dsn(null, PASSWORD);
        assertThat(dsn).startsWith("rediss://");
        try (ServiceFixture service =
                        new ServiceFixture("tls", new TestService("tls"), dsn, Map.of(), tls(pki, pki), true);
                WirePeer director = WirePeer.on(redis, "director", "director")) {
            assertThat(service.client().call("tls", "add", Map.of("a", 2, "b", 3), Duration.ofSeconds(2)))
                    .isEqualTo(5);
            assertThat(service.transportDescription())
                    .isEqualTo("redis rediss://:***@127.0.0.1:" + redis.port() + "/0");
            director.awaitHeartbeats("tls", 1, Duration.ofSeconds(10));
            assertThat(director.status("tls", Duration.ofSeconds(2))
                            .path("result")
                            .path("data")
                            .path("name")
                            .asText())
                    .isEqualTo("tls");
        }
    }

    @Test
    void aCaThatDidNotSignTheServerIsReportedOnceMaskedAndRetried(@TempDir Path dir) {
        TestCertificates stranger = TestCertificates.generate(dir);
        TestCertificates pki = redis.certificates();
        try (LogCapture log = LogCapture.of(RedisTransport.class);
                ServiceFixture service = new ServiceFixture(
                        "tls-wrong-ca",
                        new TestService("tls-wrong-ca"),
                        redis.dsn(null, PASSWORD),
                        Map.of(),
                        tls(stranger, pki),
                        false)) {
            service.awaitFailedAttempts(0, 4, Duration.ofSeconds(20));
            assertThat(service.isConnected()).isFalse();
            assertThat(log.count("TLS: Redis's certificate is not trusted"))
                    .as(log.messages().toString())
                    .isEqualTo(1);
            assertThat(log.messages())
                    .filteredOn(line -> line.contains("not trusted"))
                    .singleElement()
                    .satisfies(line -> assertThat(line)
                            .startsWith("Redis at rediss://:***@127.0.0.1:" + redis.port() + "/0 unreachable (TLS: ")
                            .endsWith("is redis_tls.ca_file the CA that signed Redis's certificate, and is it issued"
                                    + " for this host name?); retrying until it is")
                            .doesNotContain(PASSWORD));
        }
    }

    @Test
    void withoutACaFileTheJvmsCasAreTrustedAndTheTestCaIsNotAmongThem() {
        try (LogCapture log = LogCapture.of(RedisTransport.class);
                ServiceFixture service = new ServiceFixture(
                        "tls-no-ca", new TestService("tls-no-ca"), redis.dsn(), Map.of(), Map.of(), false)) {
            service.awaitFailedAttempts(0, 2, Duration.ofSeconds(20));
            assertThat(service.isConnected()).isFalse();
            assertThat(log.count("; set redis_tls.ca_file to the CA that signed Redis's certificate)"))
                    .as(log.messages().toString())
                    .isEqualTo(1);
        }
    }

    @Test
    void aMissingFileStopsTheStartWithAProblem(@TempDir Path dir) {
        Path missing = dir.resolve("ca.crt");
        assertThatThrownBy(() -> new ServiceFixture(
                        "tls-missing",
                        new TestService("tls-missing"),
                        redis.dsn(),
                        Map.of(),
                        Map.of("redis_tls", Map.of("ca_file", missing.toString())),
                        false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("File '" + missing + "' does not exist for setting 'redis_tls.ca_file': give a"
                        + " readable PEM file of the CA certificate(s) that signed Redis's certificate, or leave it"
                        + " unset to trust the JVM's CAs");
    }
}
