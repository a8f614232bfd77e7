package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.rockstat.band.annotation.Expose;
import org.rockstat.band.annotation.Handler;
import org.rockstat.band.call.Params;
import org.rockstat.band.internal.EveryResult;
import org.rockstat.band.internal.config.RuntimeConfig;
import org.rockstat.band.method.MethodSpec;

/** The endpoint end to end: a real Netty server on an ephemeral port, a real HTTP client. */
class HttpServerTest {

    /** The shared results, plus what only HTTP needs: a path param, a typed param, the wildcard. */
    public static class Svc extends EveryResult {
        @Handler(path = "/hello/:name")
        public Map<String, Object> hello(String name, Params params) {
            return Map.of("greeting", "Hello, " + name, "params", params.asMap());
        }

        @Expose
        public int count(int count) {
            return count * 2;
        }

        @Handler(name = "*")
        public Map<String, Object> any(String name) {
            return Map.of("wildcard", name);
        }
    }

    static final CountDownLatch entered = new CountDownLatch(1);
    static final CountDownLatch release = new CountDownLatch(1);
    static TestHttpServer http;

    @BeforeAll
    static void start() {
        http = TestHttpServer.builder()
                .service(new Svc())
                .method(MethodSpec.exposed("blocked"), call -> {
                    entered.countDown();
                    return release.await(10, TimeUnit.SECONDS) ? "released" : "timed out";
                })
                .method(MethodSpec.exposed("timeout").withTimeout(java.time.Duration.ofMillis(50)), call -> {
                    Thread.sleep(5_000);
                    return "late";
                })
                .start();
    }

    @AfterAll
    static void stop() {
        http.close();
    }

    // ---- results ----

    @Test
    void typedDataHasItsStatusContentTypeAndHeaders() {
        var r = http.get("/typed");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("Content-Type")).isEqualTo("application/vnd.band+json");
        assertThat(r.header("X-Test")).isEqualTo("yes");
        assertThat(r.body()).isEqualTo("{\"a\":1}");
    }

    @Test
    void stringDataIsWrittenAsIsAsText() {
        var r = http.get("/text");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(r.body()).isEqualTo("hi there");
    }

    @Test
    void plainValueIsJson200() {
        var r = http.get("/plain");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(r.body()).isEqualTo("42");
    }

    @Test
    void nullIsJsonNull() {
        var r = http.get("/nothing");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("null");
    }

    @Test
    void pixelIsTheTransparent43ByteGif() throws Exception {
        HttpResponse<byte[]> r =
                http.client().send(http.request("/pixel").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/gif");
        assertThat(r.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(v -> assertThat(v).contains("no-cache"));
        assertThat(r.headers().firstValue("X-Pixel")).hasValue("1");
        byte[] gif = r.body();
        assertThat(gif).hasSize(43);
        assertThat(new String(gif, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(gif));
        assertThat(image.getWidth()).isEqualTo(1);
        assertThat(image.getHeight()).isEqualTo(1);
        assertThat(image.getRGB(0, 0) >>> 24).as("alpha").isZero();
    }

    @Test
    void redirectHasLocationAndEmptyBody() {
        var r = http.get("/go");
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo("https://example.com/next?a=1");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void errorHasStatusAndMessage() {
        var r = http.get("/fail");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("X-Why")).isEqualTo("gone");
        assertThat(r.body()).isEqualTo("{\"message\":\"no such campaign\"}");
    }

    @Test
    void headAnswersHeadersWithoutBody() {
        var r = http.send(http.request("/plain")
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Length")).isEqualTo("2");
        assertThat(r.body()).isEmpty();
    }

    // ---- params ----

    @Test
    void pathParamsAreDecoded() {
        var r = http.get("/hello/ann%20b");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyJson().path("greeting").asText()).isEqualTo("Hello, ann b");
        assertThat(http.get("/hello/ann/").bodyJson().path("greeting").asText()).isEqualTo("Hello, ann");
    }

    @Test
    void queryParamsSingleAndRepeated() {
        var r = http.get("/echo?a=1&b=x+y&tag=t1&tag=t2");
        assertThat(r.bodyJson().toString()).isEqualTo("{\"a\":\"1\",\"b\":\"x y\",\"tag\":[\"t1\",\"t2\"]}");
    }

    @Test
    void postJsonMergesOverQuery() {
        var r = http.post("/echo?a=1&q=query", "{\"a\":2,\"nested\":{\"x\":[1,2]}}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyJson().toString()).isEqualTo("{\"a\":2,\"q\":\"query\",\"nested\":{\"x\":[1,2]}}");
    }

    @Test
    void postEmptyJsonBodyIsEmptyObject() {
        var r = http.post("/echo", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{}");
    }

    @Test
    void postForm() {
        var r = http.postForm("/echo", Map.of("city", "Санкт-Петербург & co"));
        assertThat(r.bodyJson().path("city").asText()).isEqualTo("Санкт-Петербург & co");
    }

    @Test
    void jsonBodyWithoutContentType() {
        var r = http.send(http.request("/echo")
                .POST(HttpRequest.BodyPublishers.ofString("{\"k\":\"v\"}"))
                .build());
        assertThat(r.bodyJson().path("k").asText()).isEqualTo("v");
    }

    @Test
    void pathParamsOverrideQueryAndBody() {
        var r = http.post("/hello/ann?name=query", "{\"name\":\"body\"}");
        assertThat(r.bodyJson().path("greeting").asText()).isEqualTo("Hello, ann");
        assertThat(r.bodyJson().path("params").path("name").asText()).isEqualTo("ann");
    }

    @Test
    void malformedJsonIs400WithJacksonsReasonAndPosition() {
        var r = http.post("/echo", "{\"a\" 1}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyJson().path("message").asText())
                .isEqualTo(
                        "Malformed JSON body: Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value at line 1, column 6");
        assertThat(r.body()).doesNotContain("Source");
    }

    @Test
    void truncatedJsonMessageHasNoSourceExcerpt() {
        var r = http.post("/echo", "{\"a\":[1,");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyJson().path("message").asText())
                .startsWith("Malformed JSON body: Unexpected end-of-input")
                .contains(" at line 1, column ")
                .doesNotContain("Source")
                .doesNotContain("REDACTED");
    }

    @Test
    void nonObjectJsonIs400() {
        var r = http.post("/echo", "[1,2]");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"message\":\"JSON body must be an object\"}");
    }

    @Test
    void binderRejectionIs400WithItsMessage() {
        var r = http.get("/count?count=abc");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyJson().path("message").asText())
                .startsWith("Invalid param 'count'")
                .contains("abc");
        assertThat(http.get("/count?count=21").body()).isEqualTo("42");
    }

    @Test
    void handlerExceptionIs500WithMessageOnly() {
        var r = http.get("/boom");
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("{\"message\":\"kaboom\"}");
    }

    @Test
    void rpcCodesMapToStatuses() {
        assertThat(http.get("/busy").status()).isEqualTo(503);
        var r = http.get("/timeout");
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.bodyJson().path("message").asText()).contains("timed out");
    }

    // ---- routing and errors ----

    @Test
    void wildcardCatchesAnySingleSegment() {
        var r = http.get("/anything");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyJson().path("wildcard").asText()).isEqualTo("anything");
        assertThat(http.get("/plain").body())
                .as("an exact route beats the wildcard")
                .isEqualTo("42");
    }

    @Test
    void unknownPathIs404() {
        var r = http.get("/nope/deeper");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"message\":\"Not found: GET /nope/deeper\"}");
    }

    @Test
    void otherMethodsAre405WithAllow() {
        var r = http.send(http.request("/plain").DELETE().build());
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, POST, HEAD, OPTIONS");
        assertThat(r.bodyJson().path("message").asText()).isEqualTo("Method not allowed: DELETE /plain");
    }

    @Test
    void statusIsServed() {
        var r = http.get("/__status");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(r.bodyJson().path("type__").asText()).isEqualTo("data");
        assertThat(r.bodyJson().path("data").path("name").asText()).isEqualTo("test");
        assertThat(r.bodyJson().path("data").path("register").isArray()).isTrue();
        assertThat(r.bodyJson().path("data").path("register").toString()).contains("\"method\":\"hello\"");
    }

    @Test
    void malformedRequestLineIs400AndCloses() throws Exception {
        try (RawHttp raw = new RawHttp(http.baseUri())) {
            raw.write("GET /plain HTTP/9.x\r\nHost: x\r\n\r\n");
            RawHttp.Answer a = raw.read();
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.header("Connection")).isEqualTo("close");
            assertThat(a.body()).startsWith("{\"message\":\"Malformed HTTP request");
            assertThat(raw.atEnd()).isTrue();
        }
    }

    // ---- body limit ----

    @Test
    void bodyOverLimitByContentLengthIs413() {
        byte[] body = new byte[RuntimeConfig.DEFAULT_MAX_BODY + 1];
        Arrays.fill(body, (byte) ' ');
        var r = http.send(http.request("/echo")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body()).isEqualTo("{\"message\":\"Request body over 1048576 bytes\"}");
        assertThat(r.header("Connection")).isEqualTo("close");
    }

    @Test
    void bodyOverLimitWhileChunkedIs413() {
        byte[] body = new byte[RuntimeConfig.DEFAULT_MAX_BODY + 10];
        Arrays.fill(body, (byte) ' ');
        var r = http.send(http.request("/echo")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build());
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.bodyJson().path("message").asText()).isEqualTo("Request body over 1048576 bytes");
    }

    @Test
    void bodyOverLimitWithExpectContinueIs413WithoutSendingIt() throws Exception {
        try (RawHttp raw = new RawHttp(http.baseUri())) {
            raw.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 5000000\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Answer a = raw.read();
            assertThat(a.status()).isEqualTo(413);
            assertThat(a.body()).isEqualTo("{\"message\":\"Request body over 1048576 bytes\"}");
            assertThat(raw.atEnd()).isTrue();
        }
    }

    @Test
    void bodyUnderLimitWithExpectContinueIsServed() throws Exception {
        try (RawHttp raw = new RawHttp(http.baseUri())) {
            raw.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 7\r\nExpect: 100-continue\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(100);
            raw.write("{\"a\":1}");
            RawHttp.Answer a = raw.read();
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).isEqualTo("{\"a\":1}");
        }
    }

    // ---- CORS ----

    @Test
    void anyOriginByDefault() {
        var r = http.get("/plain", "Origin", "https://site.example");
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(r.header("Access-Control-Allow-Credentials")).isNull();
    }

    @Test
    void preflightWithDefaults() {
        var r = http.send(http.request("/echo")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://site.example")
                .header("Access-Control-Request-Method", "POST")
                .build());
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo("GET, POST, OPTIONS");
        assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("Content-Type, X-Requested-With");
        assertThat(r.header("Access-Control-Max-Age")).isEqualTo("600");
        assertThat(r.body()).isEmpty();
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ListedOrigins {
        TestHttpServer listed;

        @BeforeAll
        void start() {
            listed = TestHttpServer.builder()
                    .service(new Svc())
                    .setting("http", Map.of("cors_origins", List.of("https://app.example")))
                    .start();
        }

        @AfterAll
        void stop() {
            listed.close();
        }

        @Test
        void listedOriginIsEchoedWithCredentials() {
            var r = listed.get("/plain", "Origin", "https://app.example");
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
            assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
            assertThat(r.header("Vary")).isEqualTo("Origin");
        }

        @Test
        void unlistedOriginGetsNoCorsHeaders() {
            var r = listed.get("/plain", "Origin", "https://evil.example");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().map().keySet())
                    .noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
        }

        @Test
        void preflightEchoesRequestedHeaders() {
            var r = listed.send(listed.request("/hello/x")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://app.example")
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type, x-token")
                    .build());
            assertThat(r.status()).isEqualTo(204);
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
            assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
            assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("content-type, x-token");
        }

        @Test
        void preflightFromUnlistedOriginHasNoCorsHeaders() {
            var r = listed.send(listed.request("/echo")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://evil.example")
                    .build());
            assertThat(r.status()).isEqualTo(204);
            assertThat(r.headers().map().keySet())
                    .noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
        }

        @Test
        void smallerBodyLimitFromSettings() {
            try (TestHttpServer small = TestHttpServer.builder()
                    .service(new Svc())
                    .setting("http", Map.of("max_body", "1KiB"))
                    .start()) {
                var r = small.post("/echo", "{\"a\":\"" + "x".repeat(1100) + "\"}");
                assertThat(r.status()).isEqualTo(413);
                assertThat(r.bodyJson().path("message").asText()).isEqualTo("Request body over 1024 bytes");
                assertThat(small.post("/echo", "{\"a\":1}").status()).isEqualTo(200);
            }
        }
    }

    // ---- connections ----

    @Test
    void keepAliveServesTwoRequestsOnOneSocket() throws Exception {
        try (RawHttp raw = new RawHttp(http.baseUri())) {
            raw.write("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Answer first = raw.read();
            raw.write("GET /text HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Answer second = raw.read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("42");
            assertThat(first.header("Connection")).isNull();
            assertThat(second.body()).isEqualTo("hi there");
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawHttp raw = new RawHttp(http.baseUri())) {
            raw.write("GET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            RawHttp.Answer a = raw.read();
            assertThat(a.body()).isEqualTo("42");
            assertThat(a.header("Connection")).isEqualTo("close");
            assertThat(raw.atEnd()).isTrue();
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveAsked() throws Exception {
        try (RawHttp raw = new RawHttp(http.baseUri())) {
            raw.write("GET /plain HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            RawHttp.Answer a = raw.read();
            assertThat(a.header("Connection")).isEqualToIgnoringCase("keep-alive");
            raw.write("GET /plain HTTP/1.0\r\n\r\n");
            assertThat(raw.read().body()).isEqualTo("42");
            assertThat(raw.atEnd()).isTrue();
        }
    }

    @Test
    void pipelinedAnswersKeepRequestOrder() throws Exception {
        try (RawHttp raw = new RawHttp(http.baseUri())) {
            raw.write("GET /timeout HTTP/1.1\r\nHost: x\r\n\r\nGET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(504);
            assertThat(raw.read().body()).isEqualTo("42");
        }
    }

    @Test
    void blockedHandlerDoesNotBlockOthers() throws Exception {
        CompletableFuture<HttpResponse<String>> slow =
                http.client().sendAsync(http.request("/blocked").GET().build(), HttpResponse.BodyHandlers.ofString());
        try {
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            var fast = http.get("/plain");
            assertThat(fast.body()).isEqualTo("42");
            assertThat(slow).isNotDone();
        } finally {
            release.countDown();
        }
        assertThat(slow.get(10, TimeUnit.SECONDS).body()).isEqualTo("released");
    }
}
