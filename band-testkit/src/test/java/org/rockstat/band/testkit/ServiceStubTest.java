package org.rockstat.band.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.call.RpcException;

/** Stubbed peers and calls from the test, on the embedded bus and on a real redis-server. */
class ServiceStubTest {

    static BandServiceExtension shop(boolean redis) {
        BandServiceExtension extension = BandServiceExtension.of(new Shop())
                .setting("name", "shop")
                .stub(
                        "geo",
                        geo -> geo.on("lookup")
                                .returns(Map.of("country", "NL"))
                                .on("rates")
                                .returns(Map.of("usd", 1.08))
                                .on("seen")
                                .returns(null));
        return redis ? extension.redis() : extension;
    }

    abstract static class Suite {
        abstract BandServiceExtension band();

        @Test
        void theServiceGetsTheStubsAnswerAndTheStubRecordsTheCall() {
            assertThat(band().call("price", Map.of("ip", "1.2.3.4"))).isEqualTo(Map.of("country", "NL", "eur", 10));

            ServiceStub.ReceivedCall lookup = band().stub("geo").calls("lookup").getLast();
            assertThat(lookup.params()).isEqualTo(Map.of("ip", "1.2.3.4"));
            assertThat(lookup.caller()).isEqualTo("shop");
            assertThat(lookup.expectsReply()).isTrue();
        }

        @Test
        void anAnswerGivenInATestIsALambdaAndLastsUntilReset() {
            ServiceStub geo = band().stub("geo");
            geo.on("lookup")
                    .answers(
                            call -> Map.of("country", call.params().string("ip").startsWith("5.") ? "RU" : "DE"));

            assertThat(band().call("price", Map.of("ip", "5.1.1.1"))).isEqualTo(Map.of("country", "RU", "eur", 12));
            assertThat(band().call("price", Map.of("ip", "9.1.1.1"))).isEqualTo(Map.of("country", "DE", "eur", 12));
            assertThat(geo.calls("lookup"))
                    .extracting(c -> c.params().get("ip"))
                    .containsExactly("5.1.1.1", "9.1.1.1");

            geo.reset();
            assertThat(geo.calls()).isEmpty();
            assertThat(band().call("price", Map.of("ip", "5.1.1.1"))).isEqualTo(Map.of("country", "NL", "eur", 10));
        }

        @Test
        void aStubbedErrorReachesTheServiceWithItsCode() {
            band().stub("geo").on("lookup").fails(RpcException.INVALID_PARAMS, "bad ip");

            assertThatThrownBy(() -> band().call("price", Map.of("ip", "x")))
                    .isInstanceOfSatisfying(
                            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.INVALID_PARAMS))
                    .hasMessageContaining("bad ip");
        }

        @Test
        void aDelayedAnswerRunsIntoTheCallersTimeout() {
            band().stub("geo")
                    .on("lookup")
                    .after(Shop.GEO_TIMEOUT.multipliedBy(4))
                    .returns(Map.of("country", "NL"));

            assertThat(band().call("quickPrice", Map.of("ip", "1.2.3.4"))).isEqualTo(Map.of("country", "unknown"));
            assertThat(band().stub("geo").calls("lookup")).hasSize(1);
        }

        @Test
        void aMethodTheStubDidNotServeIsAddedAndOneWithoutAnswerIsNotFound() {
            band().stub("geo").on("extra").returns(42);
            assertThat(band().call("relay", Map.of("method", "extra"))).isEqualTo(42);
            assertThat(band().stub("geo").calls("extra").getFirst().params()).isEqualTo(Map.of("from", "shop"));

            assertThatThrownBy(() -> band().call("relay", Map.of("method", "nothing")))
                    .isInstanceOfSatisfying(
                            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.METHOD_NOT_FOUND));
        }

        @Test
        void notificationsAreRecordedAsTheyArrive() {
            assertThat(band().call("seen", Map.of("ip", "7.7.7.7"))).isEqualTo("ok");

            ServiceStub.ReceivedCall seen =
                    band().stub("geo").awaitCalls("seen", 1).getFirst();
            assertThat(seen.params()).isEqualTo(Map.of("ip", "7.7.7.7"));
            assertThat(seen.expectsReply()).isFalse();
            assertThatThrownBy(() -> band().stub("geo").awaitCalls("seen", 2, Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected 2 call(s) of geo.seen within 200 ms")
                    .hasMessageContaining("got 1");
        }

        @Test
        void exposedMethodsAreCalledAsAnotherServiceWithTypedResultsAndErrors() {
            assertThat(band().call("sum", Map.of("a", 2, "b", 3))).isEqualTo(Map.of("sum", 5, "currency", "EUR"));
            assertThat(band().callAs("sum", Map.of("a", 2, "b", 3), Shop.Total.class))
                    .isEqualTo(new Shop.Total(5, "EUR"));
            assertThat(band().callAs("whoami", null, String.class)).isEqualTo("testkit");
            assertThatThrownBy(() -> band().callAs("sum", Map.of("a", 1, "b", 1), Integer.class))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("shop.sum answered {");
            assertThatThrownBy(() -> band().call("sum", Map.of("a", 1)))
                    .isInstanceOfSatisfying(
                            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.INVALID_PARAMS))
                    .hasMessageContaining("'b'");
        }

        @Test
        void callersHaveNames() {
            assertThat(band().caller("billing").call("whoami", null)).isEqualTo("billing");
            assertThat(band().caller("front").call("whoami", null)).isEqualTo("front");
            // a stub's name calls from the stub itself, whose channel it is
            assertThat(band().caller("geo").call("whoami", null)).isEqualTo("geo");
            band().stub("geo").on("fresh").returns(1); // restarts the stub: its caller follows
            assertThat(band().caller("geo").call("whoami", null)).isEqualTo("geo");
            assertThat(band().caller("billing")).isSameAs(band().caller("billing"));
            assertThatThrownBy(() -> band().caller("shop"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the service under test itself");
            assertThatThrownBy(() -> band().stub("mmgeo"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("No stub named 'mmgeo'");
        }
    }

    @Nested
    class Embedded extends Suite {
        @RegisterExtension
        static final BandServiceExtension BAND = shop(false);

        @Override
        BandServiceExtension band() {
            return BAND;
        }

        @Test
        void theStubIsOnTheServicesOwnBus() {
            assertThat(BAND.dsn()).startsWith("memory://testkit-");
        }
    }

    @Nested
    class OnRedis extends Suite {
        @RegisterExtension
        static final BandServiceExtension BAND = shop(true);

        @Override
        BandServiceExtension band() {
            return BAND;
        }

        @Test
        void theStubIsOnTheTestsRedis() {
            assertThat(BAND.dsn()).startsWith("redis://127.0.0.1:");
        }
    }
}
