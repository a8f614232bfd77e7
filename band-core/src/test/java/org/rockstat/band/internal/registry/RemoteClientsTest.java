package org.rockstat.band.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Worker;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.client.RemoteMethod;
import org.rockstat.band.client.RemoteService;
import org.rockstat.band.client.RpcClient;
import org.rockstat.band.config.ConfigurationException;
import org.rockstat.band.config.Settings;

/**
 * Typed-client interfaces are checked once, when the proxy is made or at start-up when injected,
 * with every problem phrased as the other start-up problems are. Messages are exact.
 */
class RemoteClientsTest {
    private static final Settings SETTINGS = Settings.of(Map.of("name", "svc"));

    @RemoteService(value = "geo", timeout = 0)
    public interface Bad<T> {
        @RemoteMethod(notification = true)
        String announce(String what);

        InputStream download(String path);

        Future<String> later();

        @RemoteMethod(timeout = -5)
        String negative();

        void upload(Thread thread);

        T whatever();
    }

    @Test
    void everyProblemOfAnInterfaceAtOnce() {
        assertThat(catchThrowableOfType(ConfigurationException.class, () -> RemoteClients.proxy(Bad.class, () -> null))
                        .problems())
                .containsExactly(
                        "Timeout 0 in @RemoteService for interface Bad: give milliseconds above 0, e.g."
                                + " @RemoteService(value = \"geo\", timeout = 500)",
                        "Type parameters on a @RemoteService interface for interface Bad: remove them: answers are"
                                + " decoded to the declared types, which must be concrete",
                        "A notification returning String for method Bad.announce: a notification gets no answer:"
                                + " return void, or drop notification = true to wait for the answer",
                        "Unsupported return type InputStream for method Bad.download: return a JSON type (String,"
                                + " number, boolean, List, Map, record or POJO, JsonNode), Response, Object, void,"
                                + " Optional<T> or CompletionStage<T>",
                        "Unsupported return type Future<String> for method Bad.later: return the value, or"
                                + " CompletionStage<T> / CompletableFuture<T> for an asynchronous call",
                        "Timeout -5 in @RemoteMethod for method Bad.negative: give milliseconds above 0, or leave it"
                                + " out for the @RemoteService timeout",
                        "Unsupported parameter type Thread for method Bad.upload (parameter 'thread'): send JSON"
                                + " values: String, numbers, booleans, List, Map, records or POJOs, JsonNode",
                        "Unsupported return type T for method Bad.whatever: declare a concrete type: answers are"
                                + " decoded to it");
    }

    public interface NotAnnotated {
        String hello();
    }

    @RemoteService(" ")
    public interface Nameless {
        String hello();
    }

    @RemoteService("empty")
    public interface Empty {}

    @Test
    void whatIsNotARemoteServiceInterface() {
        assertThat(problems(NotAnnotated.class))
                .containsExactly("Missing @RemoteService for interface NotAnnotated: annotate it with the service it"
                        + " calls, e.g. @RemoteService(\"mmgeo\")");
        assertThat(problems(Nameless.class))
                .containsExactly("Empty service name in @RemoteService for interface Nameless: name the service it"
                        + " calls, e.g. @RemoteService(\"mmgeo\")");
        assertThat(problems(Empty.class))
                .containsExactly("No methods for interface Empty: declare the remote methods it calls, e.g. Location"
                        + " enrich(String ip);");
        assertThat(problems(String.class))
                .containsExactly("Not an interface: java.lang.String for a typed client: declare the remote"
                        + " service's methods in an interface annotated @RemoteService(\"<service>\")");
    }

    private static List<String> problems(Class<?> type) {
        return catchThrowableOfType(ConfigurationException.class, () -> RemoteClients.proxy(type, () -> null))
                .problems();
    }

    @RemoteService("geo")
    public interface Geo {
        String country(String ip);

        default String loud(String ip) {
            return country(ip).toUpperCase(java.util.Locale.ROOT);
        }

        CompletionStage<String> later(String ip);
    }

    @Test
    void aProxyBeforeTheServiceStartedSaysSoAndItsObjectMethodsWork() {
        Geo geo = RemoteClients.proxy(Geo.class, () -> null);
        assertThat(geo.toString()).isEqualTo("typed client Geo of service 'geo'");
        assertThat(List.of(geo)).contains(geo).doesNotContain(RemoteClients.proxy(Geo.class, () -> null));
        assertThat(catchThrowableOfType(RpcException.class, () -> geo.loud("1.2.3.4")))
                .hasMessage("Call geo.country failed: the service is not started yet")
                .satisfies(e -> assertThat(e.code()).isEqualTo(RpcException.UNAVAILABLE));
    }

    // ---------------------------------------------------------------- injection at start-up

    public static final class UsesBad {
        @Handler
        public Object one(Bad<String> bad) {
            return bad;
        }

        @Handler
        public Object two(Bad<String> bad) {
            return bad;
        }
    }

    private static List<String> startUp(Object... services) {
        ServiceModel.Builder builder = ServiceModel.builder(SETTINGS).inject(RpcClient.class, () -> null);
        for (Object service : services) {
            builder.service(service);
        }
        return catchThrowableOfType(ConfigurationException.class, builder::build)
                .problems();
    }

    @Test
    void anUnfitInterfaceInjectedTwiceIsReportedOnceWithTheOtherProblems() {
        List<String> problems = startUp(new UsesBad(), Empty.class);
        assertThat(problems).hasSize(9);
        assertThat(problems).filteredOn(p -> p.contains("Bad.announce")).hasSize(1);
        assertThat(problems.getLast()).startsWith("No Band annotations for class Empty");
    }

    public static final class TwoConstructors {
        public TwoConstructors() {}

        public TwoConstructors(Settings settings) {}

        @Handler
        public Object h() {
            return 1;
        }
    }

    public static final class OddParameter {
        public OddParameter(String name, Geo geo, Bad<String> bad) {}

        @Handler
        public Object h() {
            return 1;
        }
    }

    public static final class Throws {
        public Throws(Settings settings) {
            throw new IllegalStateException("no db_file");
        }

        @Worker
        public void w() {}
    }

    @Test
    void aClassBandBuildsNeedsOneConstructorWithInjectableParameters() {
        List<String> problems = startUp(TwoConstructors.class, OddParameter.class, Throws.class);
        assertThat(problems)
                .filteredOn(p -> !p.contains("for interface Bad") && !p.contains("for method Bad."))
                .containsExactly(
                        "More than one public constructor for class TwoConstructors: keep one public constructor for"
                                + " Band to call (taking Settings, RpcClient or @RemoteService interfaces), or pass an"
                                + " instance: Band.run(args, new TwoConstructors(...))",
                        "Unsupported constructor parameter type String for class OddParameter (parameter 'name'): a"
                                + " constructor Band calls takes Settings, RpcClient or @RemoteService interfaces; or"
                                + " pass an instance: Band.run(args, new OddParameter(...))",
                        "Constructor failed (IllegalStateException: no db_file) for class Throws: fix the constructor"
                                + " or the settings it reads");
    }

    public static final class Built {
        final Geo geo;
        final RpcClient rpc;
        final Settings settings;

        public Built(Geo geo, RpcClient rpc, Settings settings) {
            this.geo = geo;
            this.rpc = rpc;
            this.settings = settings;
        }

        @Handler
        public Object h(Geo again) {
            return again;
        }
    }

    @Test
    void aClassIsBuiltWithSettingsTheClientAndTypedClients() throws Exception {
        ServiceModel model = ServiceModel.builder(SETTINGS)
                .inject(RpcClient.class, () -> null)
                .service(Built.class)
                .build();
        assertThat(model.method("h")).isPresent();
        Object injected = model.method("h")
                .orElseThrow()
                .handler()
                .handle(new org.rockstat.band.call.Call(
                        org.rockstat.band.call.Params.of(org.rockstat.band.internal.json.Json.object()), null));
        assertThat(injected).isInstanceOf(Geo.class).hasToString("typed client Geo of service 'geo'");
    }
}
