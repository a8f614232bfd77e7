package org.rockstat.band.internal.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.problem.Problems;

/**
 * What the runtime needs from the configuration, read once from {@link Settings}, typed and
 * validated before anything starts. Every key comes through {@link ConfigReader} from
 * {@link ConfigKey}; every bad value is a problem in the one start-up report.
 *
 * <pre>{@code
 * Problems problems = new Problems();
 * RuntimeConfig config = RuntimeConfig.read(settings, problems);
 * problems.throwIfAny();
 * config.listen().port();
 * }</pre>
 *
 * @param name          the service's name
 * @param env           {@code development} or {@code production}
 * @param listen        the HTTP address
 * @param redisDsn      the Redis DSN, or empty for the in-process bus
 * @param redisTls      the files for {@code rediss://}: CA, client certificate and key
 * @param listenAll     subscribe {@code broadcast} without a listener
 * @param listenEnrich  subscribe {@code enrich} without an enricher
 * @param rpc           RPC limits and heartbeat timings
 * @param http          HTTP limits and CORS
 * @param shutdownGrace how long workers and tasks get to finish at shutdown
 * @param metrics       Prometheus and StatsD, both off by default
 * @param logs          which calls are logged at INFO
 * @param durable       the event stream of durable listeners: bound, retries, claim time
 */
public record RuntimeConfig(
        String name,
        String env,
        ListenAddress listen,
        String redisDsn,
        RedisTls redisTls,
        boolean listenAll,
        boolean listenEnrich,
        Rpc rpc,
        Http http,
        Duration shutdownGrace,
        Metrics metrics,
        Logs logs,
        Durable durable) {

    /**
     * The event stream of durable listeners ({@code docs/durable.md}).
     *
     * <pre>{@code
     * Durable d = config.durable();
     * xadd(..., "MAXLEN", "~", d.maxLen());
     * }</pre>
     *
     * @param maxLen        entries kept in {@code band:<service>:events} and in the dead-letter stream ({@code durable.max_len})
     * @param maxDeliveries runs of a listener for one event before it is dead-lettered ({@code durable.max_deliveries})
     * @param claimIdle     an entry unacknowledged this long is taken again: a retry, or a dead replica's
     *                      entry claimed by a live one ({@code durable.claim_idle_ms})
     */
    public record Durable(int maxLen, int maxDeliveries, Duration claimIdle) {
        /** The defaults: 100 000 entries, 3 runs, 30 s. */
        public static Durable defaults() {
            return new Durable(100_000, 3, Duration.ofSeconds(30));
        }
    }

    /**
     * The call logs, off by default (at DEBUG nothing more is needed to see calls).
     *
     * @param httpAccess one INFO line per HTTP request ({@code http.access_log})
     * @param rpcCalls   one INFO line per RPC call served ({@code rpc.call_log})
     */
    public record Logs(boolean httpAccess, boolean rpcCalls) {}

    /**
     * The files of a TLS connection to Redis ({@code rediss://}), each a path or empty. Certificates
     * are always verified (chain and host name, Lettuce's {@code FULL}); an empty CA file trusts the
     * JVM's CAs. Each file set was found readable and in PEM at start-up.
     *
     * <pre>{@code
     * RedisTls tls = config.redisTls();
     * if (tls.hasClientCertificate()) { ... tls.certFile() ... tls.keyFile() ... }
     * }</pre>
     *
     * @param caFile   CA certificates trusted ({@code redis_tls.ca_file})
     * @param certFile client certificate chain ({@code redis_tls.cert_file})
     * @param keyFile  the client certificate's private key, PKCS#8 unencrypted ({@code redis_tls.key_file})
     */
    public record RedisTls(String caFile, String certFile, String keyFile) {
        /** No TLS files: the JVM's CAs, no client certificate. */
        public static final RedisTls NONE = new RedisTls("", "", "");

        /** True when any file is set. */
        public boolean any() {
            return !caFile.isEmpty() || !certFile.isEmpty() || !keyFile.isEmpty();
        }

        /** True when a client certificate (and so its key) is set. */
        public boolean hasClientCertificate() {
            return !certFile.isEmpty() && !keyFile.isEmpty();
        }

        static RedisTls read(ConfigReader reader, String dsn, Problems problems) {
            String ca = file(
                    reader,
                    ConfigKey.REDIS_TLS_CA_FILE,
                    "CERTIFICATE",
                    problems,
                    "give a readable PEM file of the CA certificate(s) that signed Redis's certificate, or leave"
                            + " it unset to trust the JVM's CAs");
            String cert = file(
                    reader,
                    ConfigKey.REDIS_TLS_CERT_FILE,
                    "CERTIFICATE",
                    problems,
                    "give a readable PEM file of the client certificate Redis asks for (tls-auth-clients),"
                            + " with its key in 'redis_tls.key_file'");
            String key = file(
                    reader,
                    ConfigKey.REDIS_TLS_KEY_FILE,
                    "PRIVATE KEY",
                    problems,
                    "give a readable PEM file of the client certificate's private key (PKCS#8, unencrypted),"
                            + " with the certificate in 'redis_tls.cert_file'");
            RedisTls tls = new RedisTls(ca, cert, key);
            if (cert.isEmpty() != key.isEmpty()) {
                ConfigKey missing = cert.isEmpty() ? ConfigKey.REDIS_TLS_CERT_FILE : ConfigKey.REDIS_TLS_KEY_FILE;
                ConfigKey set = cert.isEmpty() ? ConfigKey.REDIS_TLS_KEY_FILE : ConfigKey.REDIS_TLS_CERT_FILE;
                problems.add(
                        "'" + set.path() + "' is set without '" + missing.path() + "'",
                        Problems.Where.setting(missing.path()),
                        "a client certificate and its key go together: set both, or neither");
            }
            if (tls.any() && !dsn.isBlank() && !dsn.strip().matches("(?i)^rediss(-sentinel)?://.*")) {
                problems.add(
                        "TLS files are set but redis_dsn '" + SecretMasker.maskText(dsn.strip()) + "' is not TLS",
                        Problems.Where.setting("redis_dsn"),
                        "use rediss://host:port (or rediss-sentinel://...) to connect with TLS, or unset redis_tls");
            }
            return tls;
        }

        /** The path of {@code key}, or empty; a file missing, unreadable or not PEM is a problem. */
        private static String file(ConfigReader reader, ConfigKey key, String pemType, Problems problems, String fix) {
            String path = reader.text(key, "").strip();
            if (path.isEmpty()) {
                return "";
            }
            Path file = Path.of(path);
            String trouble;
            if (!Files.exists(file)) {
                trouble = "does not exist";
            } else {
                try {
                    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                    trouble = text.contains("-----BEGIN " + pemType + "-----") ? null : "holds no PEM " + pemType;
                } catch (IOException | UncheckedIOException e) {
                    trouble = "cannot be read ("
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getClass().getSimpleName() + ": " + e.getMessage())
                            + ")";
                }
            }
            if (trouble == null) {
                return path;
            }
            problems.add("File '" + path + "' " + trouble, Problems.Where.setting(key.path()), fix);
            return "";
        }
    }

    /** Default {@code rpc.max_in_flight} per method, as the Python scheduler's job limit. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 200;
    /** Default {@code rpc.max_queued} per method, as the Python scheduler's pending limit. */
    public static final int DEFAULT_MAX_QUEUED = 10_000;
    /** Default {@code rpc.max_abandoned} per method. */
    public static final int DEFAULT_MAX_ABANDONED = 1_000;
    /** Default {@code rpc.nonblocking_warn_ms}: a non-blocking method running longer is logged. */
    public static final long DEFAULT_NONBLOCKING_WARN_MS = 10;
    /** Default {@code rpc.max_message_bytes}: 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;
    /** Default {@code http.max_body}: 1 MiB. */
    public static final int DEFAULT_MAX_BODY = 1 << 20;
    /** Default {@code http.cors_origins}: every origin, without credentials. */
    public static final List<String> DEFAULT_CORS_ORIGINS = List.of("*");
    /** Default {@code shutdown.grace_ms}. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

    /**
     * RPC settings.
     *
     * @param maxInFlight     calls running at once, per method
     * @param maxQueued       calls waiting their turn, per method
     * @param maxAbandoned    calls front gave up on still running outside the count, per method
     * @param maxMessageBytes largest incoming message processed
     * @param heartbeatDelay  first heartbeat after the subscription is proven (0: at once)
     * @param heartbeatEvery  heartbeat period (PROTOCOL §4.1: 5 s)
     * @param watchdogEvery   how often the subscription's canary goes round
     * @param watchdogTimeout how long without a canary before the subscription counts as deaf
     * @param publishQueue    messages waiting to be published
     * @param maxInbox        messages received and not yet taken before reading pauses (it pauses too while half of
     *                        {@code publishQueue} waits to be written)
     * @param nonBlockingWarn a method declared non-blocking whose code runs longer than this is logged at WARN
     */
    public record Rpc(
            int maxInFlight,
            int maxQueued,
            int maxAbandoned,
            int maxMessageBytes,
            Duration heartbeatDelay,
            Duration heartbeatEvery,
            Duration watchdogEvery,
            Duration watchdogTimeout,
            int publishQueue,
            int maxInbox,
            Duration nonBlockingWarn) {
        /** The defaults. */
        public static Rpc defaults() {
            return new Rpc(
                    DEFAULT_MAX_IN_FLIGHT,
                    DEFAULT_MAX_QUEUED,
                    DEFAULT_MAX_ABANDONED,
                    DEFAULT_MAX_MESSAGE_BYTES,
                    Duration.ZERO,
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(3),
                    10_000,
                    // a message waits in the inbox for a carrier behind every other one: 2 000 of them at
                    // ~0.1 ms each was front's whole 200 ms wait, and most of a burst was shed; past 256
                    // the rest waits in Redis instead
                    256,
                    Duration.ofMillis(DEFAULT_NONBLOCKING_WARN_MS));
        }
    }

    /**
     * HTTP settings.
     *
     * @param maxBodyBytes   largest request body accepted; a bigger one is answered 413
     * @param corsOrigins    origins allowed from a browser; {@code "*"} allows any without
     *                       credentials, an empty list turns CORS off
     * @param maxBuffered    request bytes all connections together may hold in memory; past it a
     *                       request is answered 503
     * @param maxConnections open connections; more are closed when accepted
     * @param requestTimeout time for a whole request (head and body) to arrive, from its first byte
     * @param idleTimeout    time a keep-alive connection owing no answer may sit idle
     */
    public record Http(
            int maxBodyBytes,
            List<String> corsOrigins,
            long maxBuffered,
            int maxConnections,
            Duration requestTimeout,
            Duration idleTimeout) {
        public Http {
            corsOrigins = List.copyOf(corsOrigins);
        }

        /** The defaults. */
        public static Http defaults() {
            return new Http(
                    DEFAULT_MAX_BODY,
                    DEFAULT_CORS_ORIGINS,
                    DirectMemory.httpShare(DirectMemory.limit()),
                    2_000,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(60));
        }
    }

    /** StatsD's usual port. */
    public static final int DEFAULT_STATSD_PORT = 8125;
    /** StatsD flavours: how a line carries tags. */
    public static final List<String> STATSD_FLAVORS = List.of("datadog", "etsy", "telegraf", "sysdig");

    /**
     * Metrics: neither registry runs unless configured.
     *
     * @param prometheus     serve the Prometheus text format at {@code GET /__metrics}
     * @param statsdHost     where StatsD lines go over UDP; empty for no StatsD
     * @param statsdPort     StatsD's UDP port
     * @param statsdFlavor   one of {@link #STATSD_FLAVORS}
     * @param statsdInterval how often gauges are sent and buffered lines flushed
     */
    public record Metrics(
            boolean prometheus, String statsdHost, int statsdPort, String statsdFlavor, Duration statsdInterval) {
        /** True when StatsD lines are sent. */
        public boolean statsd() {
            return !statsdHost.isEmpty();
        }

        /** True when any registry runs. */
        public boolean enabled() {
            return prometheus || statsd();
        }

        static Metrics read(ConfigReader reader, Problems problems) {
            String host = reader.text(ConfigKey.METRICS_STATSD_HOST, "");
            if (host.matches("[^:\\[\\]/]+:\\d+")) {
                problems.add(
                        "Setting 'metrics.statsd.host' = \"" + host + "\" has a port in it",
                        org.rockstat.band.internal.problem.Problems.Where.configFile(),
                        "give the host alone and the port in 'port' under 'metrics.statsd' (or STATSD_HOST and"
                                + " STATSD_PORT), e.g. 'host: " + host.substring(0, host.indexOf(':')) + "'");
                host = "";
            }
            return new Metrics(
                    reader.flag(ConfigKey.METRICS_PROMETHEUS, false),
                    host,
                    reader.integer(ConfigKey.METRICS_STATSD_PORT, DEFAULT_STATSD_PORT, 1, 65_535),
                    reader.oneOf(ConfigKey.METRICS_STATSD_FLAVOR, "datadog", STATSD_FLAVORS, "a StatsD flavour"),
                    Duration.ofMillis(reader.number(ConfigKey.METRICS_STATSD_INTERVAL_MS, 10_000, 10, 3_600_000)));
        }
    }

    /** Reads every runtime key of {@code settings}; bad values go to {@code problems} and read as their defaults. */
    public static RuntimeConfig read(Settings settings, Problems problems) {
        ConfigReader reader = new ConfigReader(settings, problems);
        ListenAddress listen = ListenAddress.parse(reader.text(ConfigKey.LISTEN, ""), problems);
        String dsn = reader.text(ConfigKey.REDIS_DSN, "");
        Rpc defaultRpc = Rpc.defaults();
        Rpc rpc = new Rpc(
                reader.integer(ConfigKey.RPC_MAX_IN_FLIGHT, DEFAULT_MAX_IN_FLIGHT, 1, 100_000),
                reader.integer(ConfigKey.RPC_MAX_QUEUED, DEFAULT_MAX_QUEUED, 0, 1_000_000),
                reader.integer(ConfigKey.RPC_MAX_ABANDONED, DEFAULT_MAX_ABANDONED, 0, 100_000),
                reader.integer(ConfigKey.RPC_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_BYTES, 64, 512 << 20),
                Duration.ofMillis(reader.number(
                        ConfigKey.RPC_HEARTBEAT_DELAY_MS,
                        defaultRpc.heartbeatDelay().toMillis(),
                        0,
                        60_000)),
                Duration.ofMillis(reader.number(
                        ConfigKey.RPC_HEARTBEAT_EVERY_MS,
                        defaultRpc.heartbeatEvery().toMillis(),
                        10,
                        60_000)),
                Duration.ofMillis(reader.number(
                        ConfigKey.RPC_WATCHDOG_EVERY_MS,
                        defaultRpc.watchdogEvery().toMillis(),
                        10,
                        60_000)),
                Duration.ofMillis(reader.number(
                        ConfigKey.RPC_WATCHDOG_TIMEOUT_MS,
                        defaultRpc.watchdogTimeout().toMillis(),
                        20,
                        600_000)),
                reader.integer(ConfigKey.RPC_PUBLISH_QUEUE, defaultRpc.publishQueue(), 1, 10_000_000),
                reader.integer(ConfigKey.RPC_MAX_INBOX, defaultRpc.maxInbox(), 2, 10_000_000),
                Duration.ofMillis(
                        reader.number(ConfigKey.RPC_NONBLOCKING_WARN_MS, DEFAULT_NONBLOCKING_WARN_MS, 1, 60_000)));
        if (rpc.watchdogTimeout().compareTo(rpc.watchdogEvery()) <= 0) {
            problems.add(
                    "Setting 'rpc.watchdog_timeout_ms' = "
                            + rpc.watchdogTimeout().toMillis() + " is not longer than 'rpc.watchdog_every_ms' = "
                            + rpc.watchdogEvery().toMillis(),
                    org.rockstat.band.internal.problem.Problems.Where.configFile(),
                    "give the canary a few rounds to come back, e.g. 'watchdog_timeout_ms: "
                            + rpc.watchdogEvery().toMillis() * 3 + "' under 'rpc'");
        }
        Http http = new Http(
                reader.bytes(ConfigKey.HTTP_MAX_BODY, DEFAULT_MAX_BODY, "1MiB"),
                reader
                        .list(
                                ConfigKey.HTTP_CORS_ORIGINS,
                                DEFAULT_CORS_ORIGINS,
                                "origins",
                                "\"*\" or a list, e.g. 'cors_origins: [\"https://app.example.com\"]' under 'http'")
                        .stream()
                        .map(RuntimeConfig::withoutTrailingSlash)
                        .filter(origin -> !origin.isEmpty())
                        .toList(),
                reader.bytes(ConfigKey.HTTP_MAX_BUFFERED, (int) Http.defaults().maxBuffered(), "8MiB"),
                reader.integer(ConfigKey.HTTP_MAX_CONNECTIONS, Http.defaults().maxConnections(), 1, 1_000_000),
                Duration.ofMillis(reader.number(
                        ConfigKey.HTTP_REQUEST_TIMEOUT_MS,
                        Http.defaults().requestTimeout().toMillis(),
                        100,
                        3_600_000)),
                Duration.ofMillis(reader.number(
                        ConfigKey.HTTP_IDLE_TIMEOUT_MS,
                        Http.defaults().idleTimeout().toMillis(),
                        100,
                        86_400_000)));
        if (http.maxBodyBytes() > http.maxBuffered()) {
            problems.add(
                    "Setting 'http.max_body' = " + http.maxBodyBytes() + " is larger than 'http.max_buffered' = "
                            + http.maxBuffered() + " (what all requests together may hold)",
                    org.rockstat.band.internal.problem.Problems.Where.configFile(),
                    "no request that large could ever be accepted: raise 'max_buffered' under 'http' (it defaults to"
                            + " a quarter of the JVM's direct memory, -XX:MaxDirectMemorySize) or lower 'max_body'");
        }
        Duration grace = Duration.ofMillis(
                reader.number(ConfigKey.SHUTDOWN_GRACE_MS, DEFAULT_SHUTDOWN_GRACE.toMillis(), 0, 3_600_000));
        return new RuntimeConfig(
                settings.name(),
                settings.env(),
                listen == null ? new ListenAddress(ListenAddress.DEFAULT_HOST, ListenAddress.DEFAULT_PORT) : listen,
                dsn,
                RedisTls.read(reader, dsn, problems),
                reader.flag(ConfigKey.LISTEN_ALL, false),
                reader.flag(ConfigKey.LISTEN_ENRICH, false),
                rpc,
                http,
                grace,
                Metrics.read(reader, problems),
                new Logs(reader.flag(ConfigKey.HTTP_ACCESS_LOG, false), reader.flag(ConfigKey.RPC_CALL_LOG, false)),
                new Durable(
                        reader.integer(
                                ConfigKey.DURABLE_MAX_LEN, Durable.defaults().maxLen(), 100, 100_000_000),
                        reader.integer(
                                ConfigKey.DURABLE_MAX_DELIVERIES,
                                Durable.defaults().maxDeliveries(),
                                1,
                                1_000),
                        Duration.ofMillis(reader.number(
                                ConfigKey.DURABLE_CLAIM_IDLE_MS,
                                Durable.defaults().claimIdle().toMillis(),
                                100,
                                86_400_000))));
    }

    /** True in {@code env: production}, where callers get generic error messages. */
    public boolean isProduction() {
        return "production".equals(env);
    }

    private static String withoutTrailingSlash(String origin) {
        String out = origin;
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }
}
