package org.rockstat.band.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.problem.Problems;

/** {@code redis_tls.*}: the files of a {@code rediss://} connection, checked at start-up. */
class RedisTlsConfigTest {
    private static final String CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    private static final String KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(new ConfigDefaults(() -> "test-host"));

    private record Read(RuntimeConfig.RedisTls tls, List<String> problems) {}

    private Read read(String yaml, Map<String, String> env) throws IOException {
        Files.writeString(dir.resolve("config.yaml"), yaml);
        Settings settings = loader.read(dir, env).settings();
        Problems problems = new Problems();
        RuntimeConfig config = RuntimeConfig.read(settings, problems);
        return new Read(config.redisTls(), problems.list());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void noneByDefault() throws IOException {
        Read read = read("name: t\nredis_dsn: rediss://redis:6380\n", Map.of());
        assertThat(read.problems()).isEmpty();
        assertThat(read.tls()).isEqualTo(RuntimeConfig.RedisTls.NONE);
        assertThat(read.tls().any()).isFalse();
    }

    @Test
    void theThreeFilesFromConfigOrTheEnvironment() throws IOException {
        Path ca = write("ca.crt", CERT);
        Path cert = write("client.crt", CERT);
        Path key = write("client.key", KEY);
        Read fromFile = read(
                "name: t\nredis_dsn: rediss://redis:6380\nredis_tls:\n  ca_file: " + ca + "\n  cert_file: " + cert
                        + "\n  key_file: " + key + "\n",
                Map.of());
        assertThat(fromFile.problems()).isEmpty();
        assertThat(fromFile.tls())
                .isEqualTo(new RuntimeConfig.RedisTls(ca.toString(), cert.toString(), key.toString()));
        assertThat(fromFile.tls().hasClientCertificate()).isTrue();

        Read fromEnv = read(
                "name: t\nredis_dsn: rediss-sentinel://s1:26379,s2:26379#mymaster\n",
                Map.of(
                        "REDIS_TLS_CA_FILE", ca.toString(),
                        "REDIS_TLS_CERT_FILE", cert.toString(),
                        "REDIS_TLS_KEY_FILE", key.toString()));
        assertThat(fromEnv.problems()).isEmpty();
        assertThat(fromEnv.tls()).isEqualTo(fromFile.tls());

        // the file wins over the environment
        Path other = write("other-ca.crt", CERT);
        Read both = read(
                "name: t\nredis_dsn: rediss://redis:6380\nredis_tls: {ca_file: " + other + "}\n",
                Map.of("REDIS_TLS_CA_FILE", ca.toString()));
        assertThat(both.tls().caFile()).isEqualTo(other.toString());
    }

    @Test
    void aMissingUnreadableOrWrongFileIsAStartUpProblem() throws IOException {
        Path missing = dir.resolve("nowhere/ca.crt");
        Path folder = Files.createDirectory(dir.resolve("certs"));
        Path notAKey = write("client.key", CERT);
        Read read = read(
                "name: t\nredis_dsn: rediss://redis:6380\nredis_tls:\n  ca_file: " + missing + "\n  cert_file: "
                        + folder + "\n  key_file: " + notAKey + "\n",
                Map.of());
        assertThat(read.problems())
                .containsExactly(
                        "File '" + missing + "' does not exist for setting 'redis_tls.ca_file': give a readable PEM"
                                + " file of the CA certificate(s) that signed Redis's certificate, or leave it unset"
                                + " to trust the JVM's CAs",
                        "File '" + folder + "' cannot be read (IOException: Is a directory) for setting"
                                + " 'redis_tls.cert_file': give a readable PEM file of the client certificate Redis"
                                + " asks for (tls-auth-clients), with its key in 'redis_tls.key_file'",
                        "File '" + notAKey + "' holds no PEM PRIVATE KEY for setting 'redis_tls.key_file': give a"
                                + " readable PEM file of the client certificate's private key (PKCS#8, unencrypted),"
                                + " with the certificate in 'redis_tls.cert_file'");
    }

    @Test
    void aCertificateWithoutItsKeyOrTlsFilesWithoutTlsAreProblems() throws IOException {
        Path cert = write("client.crt", CERT);
        Read read =
                read("name: t\nredis_dsn: redis://:pw@redis:6379\nredis_tls: {cert_file: " + cert + "}\n", Map.of());
        assertThat(read.problems())
                .containsExactly(
                        "'redis_tls.cert_file' is set without 'redis_tls.key_file' for setting 'redis_tls.key_file':"
                                + " a client certificate and its key go together: set both, or neither",
                        "TLS files are set but redis_dsn 'redis://:***@redis:6379' is not TLS for setting"
                                + " 'redis_dsn': use rediss://host:port (or rediss-sentinel://...) to connect with"
                                + " TLS, or unset redis_tls");
    }
}
