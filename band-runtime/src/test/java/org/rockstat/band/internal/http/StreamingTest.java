package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rockstat.band.BandClient;
import org.rockstat.band.call.ResponseStream;
import org.rockstat.band.call.RpcException;
import org.rockstat.band.config.Settings;
import org.rockstat.band.internal.dispatch.Dispatcher;
import org.rockstat.band.internal.http.netty.HttpServer;
import org.rockstat.band.internal.http.netty.StreamCounters;
import org.rockstat.band.internal.registry.ServiceModel;
import org.rockstat.band.internal.runtime.ServiceAssembly;
import org.rockstat.band.method.MethodSpec;

/**
 * Streamed answers on a real Netty server, read by hand over sockets: chunked, in order with
 * pipelined requests, back-pressure measured as the body bytes the service holds (not as time),
 * and a client that goes away stopping the producer.
 */
class StreamingTest {
    /** Larger than every socket buffer on the way (tcp_wmem max is 4 MiB here), so a stalled reader stalls the producer. */
    private static final int BIG = 16 << 20;
    /** What back-pressure allows the service to hold: Netty's default high-water mark plus two chunks. */
    private static final long HELD_BOUND = 64 * 1024 + 2L * StreamPump.CHUNK;

    private static final AtomicLong produced = new AtomicLong();
    private static final AtomicReference<CountDownLatch> ended = new AtomicReference<>(new CountDownLatch(1));
    private static final AtomicReference<Throwable> endedWith = new AtomicReference<>();
    private static final AtomicBoolean ran = new AtomicBoolean();
    private static final AtomicBoolean closedIn = new AtomicBoolean();

    private static Dispatcher dispatcher;
    private static HttpServer server;
    private static int port;

    private static URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Byte {@code i} of every generated body. */
    private static byte at(long i) {
        return (byte) ('a' + (i % 26));
    }

    private static ResponseStream generated(long size) {
        return ResponseStream.of(out -> {
            ran.set(true);
            byte[] block = new byte[10_000];
            try {
                for (long sent = 0; sent < size; ) {
                    int n = (int) Math.min(block.length, size - sent);
                    for (int i = 0; i < n; i++) {
                        block[i] = at(sent + i);
                    }
                    out.write(block, 0, n);
                    sent += n;
                    produced.set(sent);
                }
            } catch (IOException e) {
                endedWith.set(e);
                throw e;
            } finally {
                ended.get().countDown();
            }
        });
    }

    @BeforeAll
    static void start() {
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "test")))
                .method(
                        MethodSpec.exposed("small"),
                        call -> ResponseStream.of(out -> {
                                    for (int i = 0; i < 3; i++) {
                                        out.write("hello\n".getBytes(StandardCharsets.UTF_8));
                                        out.flush();
                                    }
                                })
                                .contentType("text/plain; charset=utf-8")
                                .header("X-Rows", "3"))
                .method(MethodSpec.exposed("big"), call -> generated(BIG))
                .method(MethodSpec.exposed("endless"), call -> generated(Long.MAX_VALUE))
                .method(
                        MethodSpec.exposed("sleeper"),
                        call -> ResponseStream.of(out -> {
                            out.write(new byte[100]);
                            out.flush();
                            try {
                                Thread.sleep(Duration.ofMinutes(1));
                            } catch (InterruptedException e) {
                                endedWith.set(e);
                            } finally {
                                ended.get().countDown();
                            }
                        }))
                .method(
                        MethodSpec.exposed("failsFirst"),
                        call -> ResponseStream.of(out -> {
                            throw new IllegalStateException("no data today");
                        }))
                .method(
                        MethodSpec.exposed("failsLater"),
                        call -> ResponseStream.of(out -> {
                            out.write(new byte[100_000]);
                            throw new IllegalStateException("disk gone");
                        }))
                .method(MethodSpec.exposed("file"), call -> ResponseStream.from(watched("from a file\n")))
                .method(MethodSpec.exposed("plain"), call -> "plain")
                .build();
        dispatcher = new Dispatcher(model, Dispatcher.Options.defaults().withMaxRunning(200));
        server = new HttpServer(
                new HttpEndpoint(dispatcher, HttpRoutes.of(model), new CorsPolicy(List.of("*"))),
                new HttpServer.Limits(1 << 20, 32 << 20, 100, Duration.ofSeconds(10), Duration.ofSeconds(60)));
        port = server.start("127.0.0.1", 0);
    }

    private static InputStream watched(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() throws IOException {
                closedIn.set(true);
                super.close();
            }
        };
    }

    @AfterAll
    static void stop() {
        server.stop();
        dispatcher.close();
    }

    @BeforeEach
    void reset() {
        produced.set(0);
        ended.set(new CountDownLatch(1));
        endedWith.set(null);
        ran.set(false);
        closedIn.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> streams().active() == 0);
    }

    private static StreamCounters streams() {
        return server.streams();
    }

    @Test
    void aStreamIsSentChunkedWithItsTypeAndHeadersAndTheConnectionGoesOn() throws IOException {
        try (RawHttp client = new RawHttp(base())) {
            // pipelined: the answer after the stream waits for its end
            client.write(
                    "GET /small HTTP/1.1\r\nHost: x\r\nOrigin: https://a.b\r\n\r\nGET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Head head = client.head();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(head.header("content-length")).isNull();
            assertThat(head.header("content-type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(head.header("x-rows")).isEqualTo("3");
            assertThat(head.header("access-control-allow-origin")).isNotNull();
            List<byte[]> chunks = new ChunkReader(client).all();
            assertThat(chunks)
                    .hasSize(3)
                    .allSatisfy(c ->
                            assertThat(new String(c, StandardCharsets.UTF_8)).isEqualTo("hello\n"));
            RawHttp.Head next = client.head();
            assertThat(next.status()).isEqualTo(200);
            assertThat(new String(
                            client.in().readNBytes(Integer.parseInt(next.header("content-length"))),
                            StandardCharsets.UTF_8))
                    .isEqualTo("plain");
        }
        assertThat(streams().completed()).isPositive();
    }

    @Test
    void anHttp10ClientGetsTheBodyUntilTheClose() throws IOException {
        try (RawHttp client = new RawHttp(base())) {
            client.write("GET /small HTTP/1.0\r\n\r\n");
            RawHttp.Head head = client.head();
            assertThat(head.header("transfer-encoding")).isNull();
            assertThat(new String(client.in().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("hello\n".repeat(3));
        }
    }

    @Test
    void headGetsTheHeadAloneAndThePoducerNeverRuns() throws IOException {
        try (RawHttp client = new RawHttp(base())) {
            client.write("HEAD /file HTTP/1.1\r\nHost: x\r\n\r\nGET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Head head = client.head();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-type")).isEqualTo(ResponseStream.OCTET_STREAM);
            assertThat(client.head().status()).isEqualTo(200); // no body came between the two
            assertThat(new String(client.in().readNBytes(5), StandardCharsets.UTF_8))
                    .isEqualTo("plain");
        }
        assertThat(closedIn).isTrue();
        assertThat(ran).isFalse();
    }

    @Test
    @Tag("slow") // 16 MiB through a small receive window: about 2 s on a loaded machine
    void aSlowReaderKeepsWhatTheServiceHoldsFlat() throws Exception {
        long peakBefore = streams().peakBuffered();
        long stallsBefore = streams().stalls();
        try (RawHttp client = new RawHttp(base(), 64 * 1024)) {
            client.write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.head().header("transfer-encoding")).isEqualTo("chunked");
            ChunkReader body = new ChunkReader(client);
            body.read(1 << 20);
            // the reader stops: the producer must come to wait for it, far from the end of the body
            await().atMost(Duration.ofSeconds(20)).until(() -> streams().stalls() > stallsBefore);
            long producedWhileStalled = produced.get();
            assertThat(producedWhileStalled).isLessThan(BIG / 2);
            assertThat(streams().buffered()).isLessThanOrEqualTo(HELD_BOUND);
            // then reads it all, checking every byte
            body.read(BIG - (1 << 20));
            assertThat(body.total()).isEqualTo(BIG);
            assertThat(body.atEnd()).isTrue();
        }
        assertThat(streams().peakBuffered()).isLessThanOrEqualTo(Math.max(peakBefore, HELD_BOUND));
        figure((BIG >> 20) + " MiB to a reader that stalled: the service held at most "
                + streams().peakBuffered() + " bytes, the producer waited "
                + (streams().stalls() - stallsBefore) + " times");
    }

    @Test
    void aClientLeavingHalfwayStopsTheProducerWithinASecond() throws Exception {
        long haltedBefore = streams().halted();
        RawHttp client = new RawHttp(base(), 64 * 1024);
        client.write("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n");
        client.head();
        new ChunkReader(client).read(1 << 20);
        client.close();
        long closed = System.nanoTime();
        assertThat(ended.get().await(1, TimeUnit.SECONDS))
                .as("the producer ended within a second of the client leaving")
                .isTrue();
        figure("the producer stopped " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed)
                + " ms after the client left");
        assertThat(endedWith.get()).isInstanceOf(IOException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> streams().halted() == haltedBefore + 1);
        assertThat(streams().active()).isZero();
        assertThat(streams().buffered()).isZero();
    }

    @Test
    void aClientThatTakesNothingForTheIdleTimeoutIsLetGo() throws Exception {
        ServiceModel model = ServiceModel.builder(Settings.of(Map.of("name", "test")))
                .method(MethodSpec.exposed("endless"), call -> generated(Long.MAX_VALUE))
                .build();
        try (Dispatcher calls =
                new Dispatcher(model, Dispatcher.Options.defaults().withMaxRunning(10))) {
            HttpServer strict = new HttpServer(
                    new HttpEndpoint(calls, HttpRoutes.of(model), new CorsPolicy(List.of())),
                    new HttpServer.Limits(1 << 20, 1 << 20, 10, Duration.ofSeconds(10), Duration.ofMillis(300)));
            int strictPort = strict.start("127.0.0.1", 0);
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(8 * 1024);
                socket.connect(new InetSocketAddress("127.0.0.1", strictPort));
                socket.getOutputStream()
                        .write("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                // reads nothing: once the socket buffers are full the producer waits, then is let go
                assertThat(ended.get().await(20, TimeUnit.SECONDS)).isTrue();
                assertThat(endedWith.get()).isInstanceOf(IOException.class);
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> strict.streams().halted() == 1);
                assertThat(strict.streams().stalls()).isPositive();
            } finally {
                strict.stop();
            }
        }
    }

    @Test
    void aProducerWaitingOnSomethingElseIsInterrupted() throws Exception {
        RawHttp client = new RawHttp(base());
        client.write("GET /sleeper HTTP/1.1\r\nHost: x\r\n\r\n");
        client.head();
        assertThat(new ChunkReader(client).chunk()).hasSize(100);
        client.close();
        assertThat(ended.get().await(1, TimeUnit.SECONDS)).isTrue();
        assertThat(endedWith.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void aProducerFailingFirstAnswers500AndOneFailingLaterCutsTheBody() throws IOException {
        long failedBefore = streams().failed();
        try (RawHttp client = new RawHttp(base())) {
            client.write("GET /failsFirst HTTP/1.1\r\nHost: x\r\n\r\nGET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Head head = client.head();
            assertThat(head.status()).isEqualTo(500);
            assertThat(new String(
                            client.in().readNBytes(Integer.parseInt(head.header("content-length"))),
                            StandardCharsets.UTF_8))
                    .isEqualTo("{\"message\":\"Internal error: the stream failed before its first byte\"}");
            assertThat(client.head().status()).isEqualTo(200); // the connection goes on
        }
        try (RawHttp client = new RawHttp(base())) {
            client.write("GET /failsLater HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.head().status()).isEqualTo(200);
            ChunkReader body = new ChunkReader(client);
            assertThatThrownBy(body::drain).isInstanceOf(EOFException.class);
            // the full chunks went out; the tail still in the producer's buffer did not
            assertThat(body.total()).isEqualTo(100_000 / StreamPump.CHUNK * StreamPump.CHUNK);
        }
        // counted once the connection let go of it
        await().atMost(Duration.ofSeconds(5)).until(() -> streams().failed() >= failedBefore + 2);
    }

    @Test
    void overRpcAStreamingMethodAnswersAClearErrorAndNeverRuns() {
        ServiceAssembly service = ServiceAssembly.start(
                Settings.of(Map.of("name", "streamer", "listen", "127.0.0.1:0", "redis_dsn", "memory://streaming")),
                List.of(),
                List.of(),
                List.of(b -> b.method(MethodSpec.exposed("file"), call -> ResponseStream.from(watched("x")))));
        try (BandClient client = BandClient.connect("caller", "memory://streaming")) {
            service.ready().join();
            client.ready().toCompletableFuture().join();
            assertThatThrownBy(() -> client.call("streamer", "file", null, Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(
                            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.INTERNAL_ERROR))
                    .hasMessage("streamer.file failed: Method 'file' answers with a stream, which only the service's"
                            + " own HTTP endpoint can send (JSON-RPC has no streams): call it over HTTP (code -32603)");
            assertThat(closedIn).isTrue();
        } finally {
            service.stop();
        }
    }

    /** Prints a measured figure with -Dband.figures=true (the report's numbers), silent otherwise. */
    private static void figure(String text) {
        if (Boolean.getBoolean("band.figures")) {
            System.out.println("figure: " + text);
        }
    }

    // ---------------------------------------------------------------- a client by hand

    /** Reads a chunked body, checking each byte against the generated pattern when asked to. */
    static final class ChunkReader {
        private final RawHttp client;
        private long total;
        private boolean end;

        ChunkReader(RawHttp client) {
            this.client = client;
        }

        /** Every chunk of a short chunked body. */
        List<byte[]> all() throws IOException {
            List<byte[]> chunks = new ArrayList<>();
            for (byte[] chunk = chunk(); chunk != null; chunk = chunk()) {
                chunks.add(chunk);
            }
            return chunks;
        }

        /** The next chunk, or null at the last one. */
        byte[] chunk() throws IOException {
            String size = client.line();
            int n = Integer.parseInt(size.trim(), 16);
            if (n == 0) {
                client.line();
                end = true;
                return null;
            }
            byte[] data = client.in().readNBytes(n);
            if (data.length < n) {
                throw new EOFException("chunk cut short after " + (total + data.length) + " bytes");
            }
            client.line();
            total += n;
            return data;
        }

        /** Reads at least {@code bytes} more of the generated body, checking them. */
        void read(long bytes) throws IOException {
            long until = total + bytes;
            while (total < until) {
                long first = total;
                byte[] data = chunk();
                if (data == null) {
                    return;
                }
                for (int i = 0; i < data.length; i++) {
                    if (data[i] != at(first + i)) {
                        throw new AssertionError("byte " + (first + i) + " is wrong");
                    }
                }
            }
        }

        /** Reads chunks until the last one, unchecked. */
        void drain() throws IOException {
            while (chunk() != null) {
                // reading is the point
            }
        }

        long total() {
            return total;
        }

        /** True once the last chunk was read (reading it if it is next). */
        boolean atEnd() throws IOException {
            return end || chunk() == null;
        }
    }
}
