package org.rockstat.band;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.call.Params;
import org.rockstat.band.call.Response;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.client.RemoteException;
import org.rockstat.band.client.RemoteMethod;
import org.rockstat.band.client.RemoteService;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.config.Settings;
import org.rockstat.band.fixtures.RedisServerExtension;

/**
 * Typed clients against real services on both transports: a proxy of a {@link RemoteService}
 * interface, injected into a method and into a constructor, and made from a client.
 */
class TypedClientTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The callee: what another team's service exposes. */
    public static final class GeoService {
        final ConcurrentLinkedQueue<Map<String, Object>> forgotten = new ConcurrentLinkedQueue<>();

        @Expose
        public Map<String, Object> locate(String ip, Optional<String> lang) {
            return Map.of("country", ip.startsWith("5.") ? "RU" : "US", "lang", lang.orElse("en"), "ip", ip);
        }

        @Expose
        public Response typed(int n) {
            return Response.data(Map.of("n", n, "big", 1.2345678901234567E19));
        }

        @Expose
        public Response missing() {
            return Response.error("no such campaign", 404);
        }

        @Expose
        public Object nothing() {
            return null;
        }

        @Expose
        public List<Map<String, Object>> many(int count) {
            return java.util.stream.IntStream.range(0, count)
                    .mapToObj(i -> Map.<String, Object>of("country", "C" + i, "lang", "xx", "ip", "0.0.0." + i))
                    .toList();
        }

        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        @Expose
        public Object slow() throws InterruptedException {
            return release.await(10, TimeUnit.SECONDS) ? "late" : "later";
        }

        @Expose
        public Object refuse(String why) {
            throw RpcException.invalidParams("refused: " + why);
        }

        @Expose
        public void forget(Params params) {
            forgotten.add(params.asMap());
        }
    }

    /** The caller's view of it. */
    @RemoteService(value = "geo", timeout = 3000)
    public interface Geo {
        record Location(String country, String lang, String ip) {}

        Location locate(String ip);

        @RemoteMethod(name = "locate")
        Location locateIn(String ip, String lang);

        @RemoteMethod(name = "locate")
        CompletionStage<Location> locateLater(String ip);

        @RemoteMethod(name = "locate")
        CompletableFuture<JsonNode> locateTree(String ip, Optional<String> lang);

        JsonNode typed(int n);

        @RemoteMethod(name = "typed")
        Response typedResponse(int n);

        Response missing();

        Optional<Location> nothing();

        @RemoteMethod(name = "nothing")
        int nothingAsInt();

        List<Location> many(int count);

        @RemoteMethod(timeout = 150)
        String slow();

        void refuse(String why);

        @RemoteMethod(notification = true)
        void forget(String ip);

        @RemoteMethod(name = "many")
        Location manyAsOne(int count);

        /** Not remote: runs here. */
        default String countryOf(String ip) {
            return locate(ip).country();
        }
    }

    @RemoteService("nobody")
    public interface Nobody {
        String hello();
    }

    /** A caller with the typed client in its constructor and in a method. */
    public static final class Checkout {
        private final Geo geo;
        private final RpcClient rpc;
        private final String currency;

        public Checkout(Settings settings, Geo geo, RpcClient rpc) {
            this.geo = geo;
            this.rpc = rpc;
            this.currency = settings.get("currency", String.class, "USD");
        }

        @Handler
        public Map<String, Object> price(String ip) {
            return Map.of("country", geo.locate(ip).country(), "currency", currency);
        }

        @Handler
        public String viaMethod(String ip, Geo injected) {
            return injected.countryOf(ip);
        }

        @Handler
        public String viaClient(String ip) {
            return rpc.proxy(Geo.class).locate(ip).country();
        }

        @Handler
        public String nobody(Nobody nobody) {
            return nobody.hello();
        }
    }

    abstract static class Suite {
        private final GeoService geoService = new GeoService();
        private RunningService geo;
        private RunningService checkout;
        private Geo client;

        abstract String dsn();

        private RunningService start(String name, Object service) {
            RunningService running = Band.create(Settings.of(
                            Map.of("name", name, "listen", "127.0.0.1:0", "redis_dsn", dsn(), "currency", "EUR")))
                    .service(service)
                    .start();
            running.ready()
                    .toCompletableFuture()
                    .orTimeout(10, TimeUnit.SECONDS)
                    .join();
            return running;
        }

        @BeforeEach
        void startServices() {
            geo = start("geo", geoService);
            // a class: Band builds it, passing settings, the typed client and the RpcClient
            checkout = start("checkout", Checkout.class);
            client = checkout.rpc().proxy(Geo.class);
        }

        @AfterEach
        void stopServices() {
            geoService.release.countDown();
            checkout.close();
            geo.close();
        }

        @Test
        void aConstructorAndAMethodReceiveTypedClients() {
            assertThat(checkout.rpc().call("checkout", "price", Map.of("ip", "5.1.2.3"), WAIT))
                    .isEqualTo(Map.of("country", "RU", "currency", "EUR"));
            assertThat(checkout.rpc().call("checkout", "viaMethod", Map.of("ip", "8.8.8.8"), WAIT))
                    .isEqualTo("US");
            assertThat(checkout.rpc().call("checkout", "viaClient", Map.of("ip", "5.5.5.5"), WAIT))
                    .isEqualTo("RU");
        }

        @Test
        void paramsGoByNameAndResultsAreDecodedToTheDeclaredTypes() throws Exception {
            assertThat(client.locate("5.1.2.3")).isEqualTo(new Geo.Location("RU", "en", "5.1.2.3"));
            assertThat(client.locateIn("5.1.2.3", "ru")).isEqualTo(new Geo.Location("RU", "ru", "5.1.2.3"));
            assertThat(client.locateLater("8.8.8.8").toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isEqualTo(new Geo.Location("US", "en", "8.8.8.8"));
            assertThat(client.locateTree("8.8.8.8", Optional.of("de"))
                            .get(10, TimeUnit.SECONDS)
                            .path("lang")
                            .asText())
                    .isEqualTo("de");
            assertThat(client.many(3))
                    .hasSize(3)
                    .allSatisfy(location -> assertThat(location).isInstanceOf(Geo.Location.class))
                    .extracting(Geo.Location::country)
                    .containsExactly("C0", "C1", "C2");
            assertThat(client.countryOf("5.0.0.1")).isEqualTo("RU");
        }

        @Test
        void typedResultsJsonNodeResponseOptionalAndNull() {
            JsonNode typed = client.typed(7);
            assertThat(typed.path("n").asInt()).isEqualTo(7);
            assertThat(typed.path("big").asDouble()).isEqualTo(1.2345678901234567E19);
            assertThat(client.typedResponse(7)).isInstanceOf(Response.Data.class);
            assertThat(((Response.Data) client.typedResponse(7)).data())
                    .isEqualTo(Map.of("n", 7, "big", 1.2345678901234567E19));
            assertThat(client.missing()).isEqualTo(Response.error("no such campaign", 404));
            assertThat(client.nothing()).isEmpty();
            assertThatThrownBy(client::nothingAsInt)
                    .isInstanceOfSatisfying(
                            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.INTERNAL_ERROR))
                    .hasMessage("geo.nothing answered null, which is not int");
            assertThatThrownBy(() -> client.manyAsOne(2))
                    .isInstanceOf(RpcException.class)
                    .hasMessageStartingWith("geo.many answered what cannot be read as "
                            + "org.rockstat.band.TypedClientTest$Geo$Location: ");
        }

        @Test
        void remoteErrorsAreRemoteExceptionsWithCodeAndMessage() {
            assertThatThrownBy(() -> client.refuse("because"))
                    .isInstanceOfSatisfying(RemoteException.class, e -> {
                        assertThat(e.code()).isEqualTo(RpcException.INVALID_PARAMS);
                        assertThat(e.remoteMessage()).isEqualTo("refused: because");
                        assertThat(e.service()).isEqualTo("geo");
                        assertThat(e.method()).isEqualTo("refuse");
                    })
                    .hasMessage("geo.refuse failed: refused: because (code -32602)");
            // a missing required param is the remote's invalid params too
            assertThatThrownBy(() -> client.locate(null))
                    .isInstanceOfSatisfying(
                            RemoteException.class, e -> assertThat(e.code()).isEqualTo(RpcException.INVALID_PARAMS))
                    .hasMessageContaining("Missing required param 'ip'");
        }

        @Test
        void aMethodsOwnTimeoutAndAServiceNobodyRuns() {
            assertThatThrownBy(client::slow)
                    .isInstanceOfSatisfying(
                            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.TIMEOUT))
                    .isNotInstanceOf(RemoteException.class)
                    .hasMessage("Call geo.slow timed out after 150 ms");
            assertThatThrownBy(() -> checkout.rpc().call("checkout", "nobody", null, WAIT))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("no service 'nobody' is listening");
            assertThatThrownBy(() -> checkout.rpc().proxy(Nobody.class).hello())
                    .isInstanceOfSatisfying(
                            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.UNAVAILABLE))
                    .hasMessage("Call nobody.hello failed: no service 'nobody' is listening");
        }

        @Test
        void aNotificationIsSentAndNotAwaited() {
            client.forget("5.1.2.3");
            await().atMost(WAIT).until(() -> !geoService.forgotten.isEmpty());
            assertThat(geoService.forgotten).containsExactly(Map.of("ip", "5.1.2.3"));
        }
    }

    @Nested
    class Memory extends Suite {
        private static final AtomicLong BUSES = new AtomicLong();
        private final String dsn = "memory://typed-" + BUSES.incrementAndGet();

        @Override
        String dsn() {
            return dsn;
        }
    }

    @Nested
    class Redis extends Suite {
        @RegisterExtension
        static final RedisServerExtension redis = new RedisServerExtension();

        @Override
        String dsn() {
            return redis.dsn();
        }
    }
}
