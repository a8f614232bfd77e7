package org.rockstat.band.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.rockstat.band.Band;
import org.rockstat.band.ServiceFactory;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.transport.Transport;
import org.rockstat.band.internal.transport.Transports;
import org.rockstat.band.testing.HttpProbe;
import org.rockstat.band.testing.RedisServerExtension;

/**
 * Runs a Band service in-process for a test class and plays the platform around it. Registered
 * as a static field it starts before the class's first test and always stops after the last; as
 * an instance field, around each test.
 *
 * <pre>{@code
 * class UaParserServiceTest {
 *     @RegisterExtension
 *     static final BandServiceExtension band = BandServiceExtension.of(UaParserService::new)
 *             .config(Path.of(""));                      // the service's own config.yaml
 *
 *     @Test
 *     void enrichesTrackingEvents() {
 *         Map<?, ?> ua = (Map<?, ?>) band.front().enrich(Map.of("ua", "Mozilla/5.0 (iPhone; ...)"));
 *         assertThat(ua.get("is_mob")).isEqualTo(1);
 *         assertThat(band.director().registerJson()).contains("\"role\":\"enricher\"");
 *         assertThat(band.http().get("/cache_info").status()).isEqualTo(200);
 *     }
 * }
 * }</pre>
 *
 * <p>The service listens on 127.0.0.1 on a free port and uses the embedded transport, unless
 * {@link #redis()} asks for a real {@code redis-server} (started on a free port for the class).
 * Heartbeats are sped up (first after 50 ms, then every 200 ms) so tests need not wait 5 s.
 */
public final class BandServiceExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private static final java.util.concurrent.atomic.AtomicLong BUS_IDS = new java.util.concurrent.atomic.AtomicLong();
    private final List<Object> services = new ArrayList<>();
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private Path configDir;
    private Map<String, String> env = Map.of();
    private boolean useRedis;
    private Duration timeout = Duration.ofSeconds(10);

    private RedisServerExtension redis;
    private Band band;
    private Platform front;
    private Platform director;
    private Transport heartbeatListener;
    private FrontClient frontClient;
    private DirectorProbe directorProbe;
    private HttpProbe http;
    private boolean perTest;

    private BandServiceExtension() {
    }

    /** The extension for an annotated service instance. */
    public static BandServiceExtension of(Object service) {
        BandServiceExtension extension = new BandServiceExtension();
        extension.services.add(service);
        return extension;
    }

    /** The extension for a service created from the loaded settings, e.g. {@code MyService::new}. */
    public static BandServiceExtension of(ServiceFactory factory) {
        BandServiceExtension extension = new BandServiceExtension();
        extension.services.add(factory);
        return extension;
    }

    /** Loads {@code config.yaml} (and {@code custom.yml}, {@code .env}) from {@code directory}, as the service would. */
    public BandServiceExtension config(Path directory) {
        this.configDir = directory;
        return this;
    }

    /** The environment the config templates see (default: none, so templates use their defaults). */
    public BandServiceExtension env(Map<String, String> environment) {
        this.env = Map.copyOf(environment);
        return this;
    }

    /** A setting, merged over the config files ({@code name}, {@code initial_counter_value}...). */
    public BandServiceExtension setting(String key, Object value) {
        settings.put(key, value);
        return this;
    }

    /** Runs the service and the platform peers on a real {@code redis-server} instead of the embedded bus. */
    public BandServiceExtension redis() {
        this.useRedis = true;
        return this;
    }

    /** How long calls and start-up may take (default 10 s). */
    public BandServiceExtension timeout(Duration value) {
        this.timeout = value;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (band == null) {
            perTest = true;
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void start() {
        try {
            Map<String, Object> overrides = new LinkedHashMap<>(settings);
            overrides.put("listen", "127.0.0.1:0");
            overrides.put("rpc", Map.of("heartbeat_delay_ms", 50, "heartbeat_every_ms", 200));
            if (useRedis) {
                redis = new RedisServerExtension();
                redis.start();
                overrides.put("redis_dsn", redis.dsn());
            } else {
                // a bus of its own: services of other test classes in this JVM never answer for it
                overrides.put("redis_dsn", "memory://testkit-" + BUS_IDS.incrementAndGet());
            }
            band = configDir != null ? Band.create(configDir, env, overrides)
                    : Band.create(Settings.of(withDefaultName(overrides)));
            for (Object service : services) {
                if (service instanceof ServiceFactory factory) {
                    band.service(factory);
                } else {
                    band.service(service);
                }
            }
            band.start();
            band.ready().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Settings actual = band.settings();
            heartbeatListener = Transports.create(actual);
            front = new Platform("front", actual, timeout);
            director = new Platform("director", actual, timeout);
            directorProbe = new DirectorProbe(director.client(), heartbeatListener, actual.name(), timeout);
            frontClient = new FrontClient(front.client(), actual.name(), directorProbe::register, timeout);
            http = HttpProbe.local(band.httpPort());
        } catch (RuntimeException e) {
            stop();
            throw e;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("The service did not start within " + timeout.toMillis() + " ms", e);
        }
    }

    private static Map<String, Object> withDefaultName(Map<String, Object> overrides) {
        Map<String, Object> all = new LinkedHashMap<>(overrides);
        all.putIfAbsent("name", "service");
        return all;
    }

    private void stop() {
        closeQuietly(http);
        closeQuietly(front);
        closeQuietly(director);
        closeQuietly(heartbeatListener);
        closeQuietly(band);
        if (redis != null) {
            redis.stop();
        }
        http = null;
        front = null;
        director = null;
        heartbeatListener = null;
        band = null;
        redis = null;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // stopping everything matters more than the first failure
            }
        }
    }

    /** The running service. */
    public Band band() {
        return require(band);
    }

    /** Front's side: handler calls with full events, enrich round trips, broadcasts. */
    public FrontClient front() {
        return require(frontClient);
    }

    /** Director's side: register, status, heartbeats. */
    public DirectorProbe director() {
        return require(directorProbe);
    }

    /** An HTTP client bound to the service's port. */
    public HttpProbe http() {
        return require(http);
    }

    /** The service's settings as loaded. */
    public Settings settings() {
        return band().settings();
    }

    private static <T> T require(T value) {
        if (value == null) {
            throw new IllegalStateException("The service is not running: register the extension with"
                    + " @RegisterExtension and use it inside a test");
        }
        return value;
    }
}
