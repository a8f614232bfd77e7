package org.rockstat.band.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rockstat.band.annotation.Cleanup;
import org.rockstat.band.annotation.Enricher;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.annotation.Listener;
import org.rockstat.band.annotation.Task;
import org.rockstat.band.annotation.Worker;
import org.rockstat.band.config.ConfigurationException;
import org.rockstat.band.config.Settings;
import org.rockstat.band.method.MethodSpec;

/** Every start-up mistake is reported at once, naming class, method and fix. Messages are exact. */
class ValidationMessagesTest {
    private static final Settings SETTINGS =
            Settings.of(Map.of("name", "svc", "key_prefix", "in.gen.track", "props", Map.of("ip", "td.ip")));

    private static List<String> problems(Object... services) {
        ServiceModel.Builder builder = ServiceModel.builder(SETTINGS);
        for (Object service : services) {
            builder.service(service);
        }
        return catchThrowableOfType(ConfigurationException.class, builder::build)
                .problems();
    }

    public static final class UaService {
        @Enricher(keys = {})
        public Object parse(String ua) {
            return ua;
        }
    }

    @Test
    void enricherWithoutKeys() {
        assertThat(problems(new UaService()))
                .containsExactly(
                        "Missing keys in @Enricher for method UaService.parse: add them, e.g. @Enricher(keys = \"in.gen.track\")");
    }

    public static final class TwoEnrichers {
        @Enricher(keys = "in.gen.track")
        public Object a(String ua) {
            return ua;
        }

        @Enricher(keys = "in.gen.track")
        public Object b(String ip) {
            return ip;
        }
    }

    @Test
    void twoEnrichers() {
        assertThat(problems(new TwoEnrichers()))
                .containsExactly(
                        "Second enricher for method TwoEnrichers.b: TwoEnrichers.a is already the enricher and front calls"
                                + " one enricher per service; merge them into one method");
    }

    public static final class NestedKeys {
        @Enricher(
                keys = {"in.gen", "in.gen.track"},
                alias = "geo")
        public Object geo(String ip) {
            return ip;
        }
    }

    @Test
    void nestedEnricherKeysWouldMakeFrontWaitItsFullTime() {
        assertThat(problems(new NestedKeys()))
                .containsExactly("Nested keys 'in.gen' and 'in.gen.track' in the enricher for method NestedKeys.geo:"
                        + " front expects one answer per matching key, so for in.gen.track events it waits for a"
                        + " second answer that never comes (its full 200 ms, every event); keep 'in.gen' alone");
        assertThat(catchThrowableOfType(
                                ConfigurationException.class,
                                () -> ServiceModel.builder(SETTINGS)
                                        .method(MethodSpec.enricher(List.of("*", "in.gen.track"), Map.of()), c -> 1)
                                        .build())
                        .problems())
                .singleElement()
                .asString()
                .startsWith("Nested keys '*' and 'in.gen.track' in the enricher for enricher 'enrich': ");
        // siblings and a repeated key do not nest (front files a repeated key once)
        ServiceModel model = ServiceModel.builder(SETTINGS)
                .method(MethodSpec.enricher(List.of("in.gen.track", "in.gen.trackx", "in.gen.track"), Map.of()), c -> 1)
                .build();
        assertThat(model.enricher()).isPresent();
    }

    public static final class First {
        @Handler
        public Object main() {
            return 1;
        }
    }

    public static final class Second {
        @Handler(name = "main")
        public Object other() {
            return 2;
        }
    }

    @Test
    void duplicateNamesAcrossServices() {
        assertThat(problems(new First(), new Second()))
                .containsExactly("Duplicate method name 'main' for method Second.other: First.main already uses it;"
                        + " rename one, e.g. @Handler(name = \"main2\")");
    }

    public static final class BadTasks {
        @Task(every = "30x")
        public void a() {}

        @Task(cron = "61 * * * *")
        public void b() {}

        @Task
        public void c() {}

        @Task(every = "1s", cron = "* * * * *")
        public void d() {}
    }

    @Test
    void badSchedules() {
        List<String> problems = problems(new BadTasks());
        assertThat(problems).hasSize(4);
        assertThat(problems.get(0))
                .isEqualTo("Bad duration '30x' in @Task(every) for method BadTasks.a:"
                        + " use e.g. \"500ms\", \"30s\", \"5m\", \"1h\", \"1d\" or \"PT30S\"");
        assertThat(problems.get(1))
                .startsWith("Bad cron expression '61 * * * *' (")
                .endsWith(") in @Task(cron) for method BadTasks.b: use five Unix cron fields"
                        + " (minute hour day-of-month month day-of-week), e.g. \"*/5 * * * *\"");
        assertThat(problems.get(2))
                .isEqualTo(
                        "Missing schedule in @Task for method BadTasks.c: set every = \"30s\" or cron = \"*/5 * * * *\"");
        assertThat(problems.get(3)).isEqualTo("Both every and cron in @Task for method BadTasks.d: keep one of them");
    }

    public static final class BadParams {
        @Expose
        public Object stream(InputStream in) {
            return null;
        }

        @Expose
        public Object thread(Thread t) {
            return null;
        }

        @Worker
        public void work(String x) {}
    }

    @Test
    void parametersThatCannotBeBound() {
        assertThat(problems(new BadParams()))
                .containsExactly(
                        "Unsupported parameter type InputStream for method BadParams.stream (parameter 'in'): use a JSON type"
                                + " (String, number, boolean, List, Map, record or POJO, JsonNode), Params, Event, CallContext or Settings",
                        "Unsupported parameter type Thread for method BadParams.thread (parameter 't'): use a JSON type"
                                + " (String, number, boolean, List, Map, record or POJO, JsonNode), Params, Event, CallContext or Settings",
                        "Unsupported parameter type String in @Worker for method BadParams.work (parameter 'x'):"
                                + " @Worker methods take no parameters, or Settings");
    }

    public static final class Visibility {
        @Handler
        Object hidden() {
            return null;
        }

        @Handler
        public static Object shared() {
            return null;
        }

        @Handler
        @Listener
        public void both() {}
    }

    @Test
    void nonPublicStaticAndDoubleRoles() {
        assertThat(problems(new Visibility()))
                .containsExactly(
                        "Both @Handler and @Listener for method Visibility.both: keep one; a method has one role"
                                + " (split it into two methods if you need both)",
                        "@Handler on a non-public method for method Visibility.hidden: make the method public",
                        "@Handler on a static method for method Visibility.shared: make it an instance method, or pass the"
                                + " class itself (Band.run(args, Visibility.class)) when all its annotated methods are static");
    }

    public static final class DurableEverywhere {
        @Listener(durable = true, everyReplica = true)
        public void both(org.rockstat.band.call.Event event) {}
    }

    @Test
    void aListenerIsDurableOrEveryReplica() {
        assertThat(problems(new DurableEverywhere()))
                .containsExactly(
                        "Both durable and everyReplica in @Listener for method DurableEverywhere.both: keep one:"
                                + " durable runs each event once from the service's stream, everyReplica on each replica");
    }

    public static final class Statics {
        @Handler
        public static Object ok() {
            return 1;
        }

        @Cleanup
        public void instance() {}
    }

    @Test
    void aClassGivesStaticMethodsOnly() {
        assertThat(problems(Statics.class))
                .containsExactly("@Cleanup on an instance method for method Statics.instance: pass an instance"
                        + " (Band.run(args, new Statics())) or make the method static");
    }

    public static final class Placeholders {
        @Enricher(keys = "${key_prefx}", props = "${props}")
        public Object geo(String ip) {
            return ip;
        }

        @Handler(alias = "${nowhere}")
        public Object h() {
            return 1;
        }
    }

    @Test
    void unknownPlaceholdersSuggestTheNearestSetting() {
        assertThat(problems(new Placeholders()))
                .containsExactly(
                        "Unknown setting '${key_prefx}' in @Enricher(keys) for method Placeholders.geo: did you mean '${key_prefix}'?",
                        "Unknown setting '${nowhere}' in @Handler(alias) for method Placeholders.h: add 'nowhere' to config.yaml");
    }

    public static final class Reserved {
        @Handler
        public Object enrich() {
            return 1;
        }

        @Expose(name = "__status")
        public Object status() {
            return 1;
        }

        @Enricher(keys = "k", props = "ua")
        public Object e(String ua) {
            return 1;
        }

        @Handler(path = "nope")
        public Object p() {
            return 1;
        }

        @Handler(path = "/__health/ready")
        public Object q() {
            return 1;
        }

        @Handler(timeout = -1)
        public Object t() {
            return 1;
        }
    }

    @Test
    void reservedNamesBadPropsPathsAndTimeouts() {
        assertThat(problems(new Reserved()))
                .containsExactly(
                        "Bad props entry 'ua' in @Enricher for method Reserved.e: write it as \"param=dot.path\", e.g. props = \"ua=td.ua\"",
                        "Reserved method name 'enrich' for method Reserved.enrich: 'enrich' is the wire name of the enricher;"
                                + " use @Enricher for an enricher, or choose another name",
                        "Bad path 'nope' for method Reserved.p: start it with '/', e.g. \"/nope\"",
                        "Reserved path '/__health/ready' for method Reserved.q: paths starting with '/__' belong to Band"
                                + " (/__status, /__health/...); choose another path",
                        "Reserved method name '__status' for method Reserved.status: names starting with '__' belong to Band"
                                + " and director; choose another name",
                        "Negative timeout -1 in @Handler for method Reserved.t: give milliseconds, e.g. timeout = 5000,"
                                + " or leave it out for front's default");
    }

    public static final class Nothing {
        public Object notAnnotated() {
            return 1;
        }
    }

    @Test
    void aServiceWithoutAnnotations() {
        assertThat(problems(new Nothing()))
                .containsExactly("No Band annotations for class Nothing: annotate public"
                        + " methods with @Handler, @Enricher, @Listener, @Expose, @Worker, @Task or @Cleanup");
    }

    @Test
    void allProblemsAreReportedInOneExceptionMessage() {
        ConfigurationException e = catchThrowableOfType(
                ConfigurationException.class,
                () -> ServiceModel.builder(SETTINGS)
                        .service(new UaService())
                        .service(new Nothing())
                        .build());
        assertThat(e.getMessage())
                .isEqualTo("2 problems:\n"
                        + "  1. Missing keys in @Enricher for method UaService.parse: add them, e.g. @Enricher(keys = \"in.gen.track\")\n"
                        + "  2. No Band annotations for class Nothing: annotate public methods with @Handler, @Enricher,"
                        + " @Listener, @Expose, @Worker, @Task or @Cleanup");
    }

    @Test
    void plainCodeRegistrationsAreCheckedToo() {
        ServiceModel.Builder builder = ServiceModel.builder(SETTINGS)
                .method(MethodSpec.handler("ping"), call -> "pong")
                .method(MethodSpec.exposed("ping"), call -> "again")
                .method(MethodSpec.enricher(List.of(), Map.of()), call -> null);
        assertThat(catchThrowableOfType(ConfigurationException.class, builder::build)
                        .problems())
                .containsExactly(
                        "Duplicate method name 'ping' for method 'ping': handler 'ping' already uses it; register it under another name",
                        "Missing keys for enricher 'enrich': give the routing-key prefixes, e.g."
                                + " MethodSpec.enricher(List.of(\"in.gen.track\"), props)");
    }

    @org.rockstat.band.client.RemoteService("mmgeo")
    public interface Geo {
        Map<String, Object> enrich(String ip);

        Map<String, Object> lookup(String ip);

        java.util.concurrent.CompletionStage<Map<String, Object>> enrichLater(String ip);

        @org.rockstat.band.client.RemoteMethod(notification = true)
        void forget(String ip);
    }

    @org.rockstat.band.client.RemoteService("mmgeo")
    public interface AsyncGeo {
        java.util.concurrent.CompletionStage<Map<String, Object>> enrich(String ip);

        @org.rockstat.band.client.RemoteMethod(notification = true)
        void forget(String ip);
    }

    public static final class NonBlockingCallers {
        @Handler(blocking = false)
        public Object locate(String ip, Geo geo) {
            return geo.enrich(ip);
        }

        @Expose(blocking = false)
        public Object later(String ip, AsyncGeo geo) {
            return geo.enrich(ip);
        }

        @Listener(blocking = false)
        public void seen(String ip, Geo geo) {
            geo.forget(ip);
        }

        @Handler
        public Object blocking(String ip, Geo geo) {
            return geo.enrich(ip);
        }
    }

    @Test
    void aNonBlockingMethodTakingATypedClientThatWaitsIsReported() {
        ServiceModel.Builder builder = ServiceModel.builder(SETTINGS)
                .inject(org.rockstat.band.client.RpcClient.class, () -> null)
                .service(new NonBlockingCallers());
        // the asynchronous client and the blocking method are fine; both non-blocking users of Geo are not
        assertThat(catchThrowableOfType(ConfigurationException.class, builder::build)
                        .problems())
                .containsExactly(
                        "Typed client Geo, whose methods enrich, lookup wait for their answer, in"
                                + " @Handler(blocking = false) for method NonBlockingCallers.locate (parameter 'geo'):"
                                + " a non-blocking method runs on the thread that received the call (the HTTP event"
                                + " loop) and must not wait: declare Geo.enrich to return a CompletionStage and return"
                                + " one from this method, or leave blocking out (a virtual thread of its own, where"
                                + " waiting is fine)",
                        "Typed client Geo, whose methods enrich, lookup wait for their answer, in"
                                + " @Listener(blocking = false) for method NonBlockingCallers.seen (parameter 'geo'):"
                                + " a non-blocking method runs on the thread that received the call (the HTTP event"
                                + " loop) and must not wait: declare Geo.enrich to return a CompletionStage and return"
                                + " one from this method, or leave blocking out (a virtual thread of its own, where"
                                + " waiting is fine)");
    }

    public static final class Declared {
        @Handler(blocking = false)
        public Object h() {
            return 1;
        }

        @Enricher(keys = "in.gen.track", blocking = false)
        public Object e(String ip) {
            return ip;
        }

        @Listener(blocking = false)
        public void l() {}

        @Expose(blocking = false)
        public Object x() {
            return 1;
        }

        @Expose
        public Object y() {
            return 1;
        }
    }

    @Test
    void everyMethodAnnotationCarriesBlockingIntoItsSpec() {
        ServiceModel model = ServiceModel.builder(SETTINGS)
                .service(new Declared())
                .method(MethodSpec.exposed("plain").withBlocking(false), call -> null)
                .build();
        assertThat(model.method("h").orElseThrow().spec().blocking()).isFalse();
        assertThat(model.method("enrich").orElseThrow().spec().blocking()).isFalse();
        assertThat(model.listeners().get(0).spec().blocking()).isFalse();
        assertThat(model.method("x").orElseThrow().spec().blocking()).isFalse();
        assertThat(model.method("y").orElseThrow().spec().blocking()).isTrue();
        assertThat(model.method("plain").orElseThrow().spec())
                .isEqualTo(MethodSpec.exposed("plain").withBlocking(false));
        assertThat(MethodSpec.exposed("plain").withBlocking(false)).isNotEqualTo(MethodSpec.exposed("plain"));
        assertThat(MethodSpec.handler("ping").withBlocking(false).toString())
                .isEqualTo("MethodSpec[handler ping, non-blocking]");
    }
}
