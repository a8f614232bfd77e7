package org.rockstat.band.internal.config;

import java.util.Optional;

/**
 * Every configuration key Band itself reads, in one list: the runtime reads them only through
 * {@link RuntimeConfig}, and a test checks each one is documented in the README's configuration
 * reference. A service's own settings are not listed here.
 */
public enum ConfigKey {
    /** The service's name: channel, heartbeat and register name. */
    NAME("name"),
    /** {@code development} or {@code production}. */
    ENV("env"),
    /** HTTP {@code host:port}. */
    LISTEN("listen"),
    /** The platform's Redis; empty for the in-process bus. */
    REDIS_DSN("redis_dsn"),
    /** PEM file of the CA certificates trusted for {@code rediss://} (env {@code REDIS_TLS_CA_FILE}). */
    REDIS_TLS_CA_FILE("redis_tls.ca_file"),
    /** PEM file of the client certificate for {@code rediss://} (env {@code REDIS_TLS_CERT_FILE}). */
    REDIS_TLS_CERT_FILE("redis_tls.cert_file"),
    /** PEM file of the client certificate's private key (env {@code REDIS_TLS_KEY_FILE}). */
    REDIS_TLS_KEY_FILE("redis_tls.key_file"),
    /** Subscribe {@code broadcast} even without a listener. */
    LISTEN_ALL("rpc_params.listen_all", "redis_params.listen_all"),
    /** Subscribe {@code enrich} even without an enricher. */
    LISTEN_ENRICH("rpc_params.listen_enrich", "redis_params.listen_enrich"),
    /** Calls running at once, per method. */
    RPC_MAX_IN_FLIGHT("rpc.max_in_flight"),
    /** Calls waiting their turn, per method. */
    RPC_MAX_QUEUED("rpc.max_queued"),
    /** Calls front gave up on that may still run outside the count, per method. */
    RPC_MAX_ABANDONED("rpc.max_abandoned"),
    /** Largest RPC message processed. */
    RPC_MAX_MESSAGE_BYTES("rpc.max_message_bytes"),
    /** How often the subscription's canary goes round. */
    RPC_WATCHDOG_EVERY_MS("rpc.watchdog_every_ms"),
    /** How long without a canary before the subscription counts as deaf. */
    RPC_WATCHDOG_TIMEOUT_MS("rpc.watchdog_timeout_ms"),
    /** Messages waiting to be published. */
    RPC_PUBLISH_QUEUE("rpc.publish_queue"),
    /** Messages received and not yet taken before reading pauses. */
    RPC_MAX_INBOX("rpc.max_inbox"),
    /** A non-blocking method whose code runs longer than this is logged at WARN. */
    RPC_NONBLOCKING_WARN_MS("rpc.nonblocking_warn_ms"),
    /** First heartbeat after start-up. */
    RPC_HEARTBEAT_DELAY_MS("rpc.heartbeat_delay_ms"),
    /** Heartbeat period. */
    RPC_HEARTBEAT_EVERY_MS("rpc.heartbeat_every_ms"),
    /** Largest HTTP request body. */
    HTTP_MAX_BODY("http.max_body"),
    /** Origins allowed by CORS. */
    HTTP_CORS_ORIGINS("http.cors_origins"),
    /** Request bytes all connections together may hold. */
    HTTP_MAX_BUFFERED("http.max_buffered"),
    /** Open connections. */
    HTTP_MAX_CONNECTIONS("http.max_connections"),
    /** Time for a whole request to arrive. */
    HTTP_REQUEST_TIMEOUT_MS("http.request_timeout_ms"),
    /** Time a keep-alive connection may sit idle. */
    HTTP_IDLE_TIMEOUT_MS("http.idle_timeout_ms"),
    /** Entries kept in the service's event stream for durable listeners (approximate trim). */
    DURABLE_MAX_LEN("durable.max_len"),
    /** Runs of a durable listener for one event before it is dead-lettered. */
    DURABLE_MAX_DELIVERIES("durable.max_deliveries"),
    /** How long a stream entry stays unacknowledged before another replica (or a retry) takes it. */
    DURABLE_CLAIM_IDLE_MS("durable.claim_idle_ms"),
    /** How long workers and tasks get to finish at shutdown. */
    SHUTDOWN_GRACE_MS("shutdown.grace_ms"),
    /** Serve the Prometheus text format at {@code GET /__metrics}. */
    METRICS_PROMETHEUS("metrics.prometheus"),
    /** Where StatsD lines go over UDP; empty: no StatsD (env {@code STATSD_HOST}). */
    METRICS_STATSD_HOST("metrics.statsd.host"),
    /** StatsD's UDP port (env {@code STATSD_PORT}). */
    METRICS_STATSD_PORT("metrics.statsd.port"),
    /** How tags are written in StatsD lines. */
    METRICS_STATSD_FLAVOR("metrics.statsd.flavor"),
    /** How often StatsD gauges are sent and buffered lines flushed. */
    METRICS_STATSD_INTERVAL_MS("metrics.statsd.interval_ms"),
    /** One INFO line per HTTP request. */
    HTTP_ACCESS_LOG("http.access_log"),
    /** One INFO line per RPC call served. */
    RPC_CALL_LOG("rpc.call_log");

    private final String path;
    private final String olderPath;

    ConfigKey(String path) {
        this(path, null);
    }

    ConfigKey(String path, String olderPath) {
        this.path = path;
        this.olderPath = olderPath;
    }

    /** The dot path in {@code config.yaml}. */
    public String path() {
        return path;
    }

    /** The older name still read when the key is absent ({@code redis_params} for {@code rpc_params}). */
    public Optional<String> olderPath() {
        return Optional.ofNullable(olderPath);
    }
}
