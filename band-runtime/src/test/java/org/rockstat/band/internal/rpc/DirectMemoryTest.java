package org.rockstat.band.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rockstat.band.fixtures.Figures;
import org.rockstat.band.fixtures.JvmProcess;
import org.rockstat.band.fixtures.RedisServerExtension;
import org.rockstat.band.fixtures.WirePeer;
import org.rockstat.band.fixtures.WirePeer.Dialect;

/**
 * Issue 9 (A.2): HTTP and the Redis connections share Netty's direct memory. Before, 400 clients
 * each announcing and sending a 1 MiB body while five 3 MB requests arrived over Redis ran the
 * service out of direct memory and broke its Redis decoder for good: {@code __status} never
 * answered again while heartbeats went on. The service here runs in its own JVM with the
 * container's memory flags; {@code __status} must be answered throughout and after.
 */
@Tag("slow") // a separate JVM and 400 MB of request bytes over loopback
class DirectMemoryTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    private static final String NAME = "dm";
    private static final String[] CONTAINER_FLAGS = {
        "-XX:+UseSerialGC",
        "-Xmx128m",
        "-XX:MaxDirectMemorySize=32m",
        "-Dio.netty.maxDirectMemory=0",
        "-XX:MaxMetaspaceSize=64m",
        "-Xss512k"
    };

    @Test
    void aFloodOfLargeBodiesCannotTakeTheMemoryRedisNeeds() throws Exception {
        try (JvmProcess service = PeerMain.start(redis.dsn(), NAME, CONTAINER_FLAGS);
                WirePeer director = WirePeer.director(redis.dsn());
                WirePeer front = WirePeer.front(redis.dsn())) {
            AtomicBoolean flooding = new AtomicBoolean(true);
            ConcurrentLinkedQueue<Long> statusMillis = new ConcurrentLinkedQueue<>();
            AtomicInteger unanswered = new AtomicInteger();
            java.util.concurrent.atomic.AtomicLong rssPeak = new java.util.concurrent.atomic.AtomicLong();
            Thread prober = Thread.ofVirtual().start(() -> {
                while (flooding.get()) {
                    long start = System.nanoTime();
                    try {
                        // the failure this guards against is "never answered again"; 5 s leaves room for
                        // a machine with far more runnable threads than cores (the worst wait is a figure)
                        director.status(NAME, Duration.ofSeconds(5));
                        statusMillis.add((System.nanoTime() - start) / 1_000_000);
                        rssPeak.accumulateAndGet(service.rssBytes(), Math::max);
                    } catch (IllegalStateException e) {
                        unanswered.incrementAndGet();
                    }
                }
            });

            List<Socket> sockets = new ArrayList<>();
            List<Thread> writers = new ArrayList<>();
            byte[] body = new byte[1_000_000];
            for (int i = 0; i < 400; i++) {
                Socket socket = new Socket("127.0.0.1", service.httpPort());
                sockets.add(socket);
                writers.add(Thread.ofVirtual().start(() -> send(socket, body)));
            }
            for (Thread writer : writers) {
                writer.join(Duration.ofSeconds(30));
            }
            // with the bodies held, large requests arrive over Redis
            List<String> bigIds = new ArrayList<>();
            String big = "x".repeat(3_000_000);
            for (int i = 0; i < 5; i++) {
                bigIds.add(front.request(NAME, "echo", java.util.Map.of("text", big), Dialect.NODE));
            }
            for (String id : bigIds) {
                ObjectNode answer = front.awaitResponse(id, Duration.ofSeconds(10));
                assertThat(answer.path("error").path("message").asText()).contains("exceeds the limit");
            }
            // hold them open while director goes on asking
            int answeredBefore = statusMillis.size();
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> statusMillis.size() + unanswered.get() >= answeredBefore + 20);
            for (Socket socket : sockets) {
                socket.close();
            }
            flooding.set(false);
            prober.join();

            // afterwards: it hears, answers and still has its subscription
            assertThat(director.status(NAME, Duration.ofSeconds(2))
                            .path("result")
                            .path("data")
                            .path("name")
                            .asText())
                    .isEqualTo(NAME);
            assertThat(front.call(NAME, "add", java.util.Map.of("a", 1, "b", 2), Dialect.NODE, Duration.ofSeconds(2))
                            .path("result")
                            .asInt())
                    .isEqualTo(3);
            assertThat(redis.numsub(NAME)).isEqualTo(1);

            long worst = statusMillis.stream().mapToLong(Long::longValue).max().orElse(-1);
            Figures.record("direct_memory.status_answered", statusMillis.size(), "answers");
            Figures.record("direct_memory.status_unanswered", unanswered.get(), "requests");
            Figures.record("direct_memory.status_worst", worst, "ms");
            Figures.record("direct_memory.rss_peak", rssPeak.get() / 1048576.0, "MiB");
            // within director's 350 MB cap with room to spare: HTTP holds at most its share
            assertThat(rssPeak.get()).isLessThan(300L << 20);
            assertThat(unanswered)
                    .as("__status requests unanswered during the flood")
                    .hasValue(0);
            assertThat(statusMillis).isNotEmpty();
            assertThat(service.lines("OutOfDirectMemoryError"))
                    .as(service.output().toString())
                    .isZero();
            assertThat(service.lines("Invalid first byte")).isZero();
            assertThat(service.stop(Duration.ofSeconds(15))).isZero();
        }
    }

    private static void send(Socket socket, byte[] body) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /add HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 1048576\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // refused at once (503, connection closed) is what most of them get: the budget is full
        }
    }
}
