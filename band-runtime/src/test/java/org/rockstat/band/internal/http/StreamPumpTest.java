package org.rockstat.band.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.rockstat.band.call.ResponseStream;

/** The pure pump, without sockets: chunking, flush, the end, failures and cancellation. */
class StreamPumpTest {
    /** Records what the connection layer would be told; {@code gate} holds writes like a slow client. */
    static final class Recorder implements StreamPump.Sink {
        final List<byte[]> chunks = new CopyOnWriteArrayList<>();
        final CountDownLatch over = new CountDownLatch(1);
        final AtomicReference<String> how = new AtomicReference<>();
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile boolean gone;

        @Override
        public void write(byte[] chunk) throws IOException {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new StreamPump.ClientGone("interrupted");
            }
            if (gone) {
                throw new StreamPump.ClientGone("gone");
            }
            chunks.add(chunk);
        }

        @Override
        public void end() {
            how.set("end");
            over.countDown();
        }

        @Override
        public void failed(Throwable error, boolean started) {
            how.set("failed " + started + " " + error.getMessage());
            over.countDown();
        }

        @Override
        public void halted(long bytes) {
            how.set("halted " + bytes);
            over.countDown();
        }

        String awaitEnd() throws InterruptedException {
            assertThat(over.await(10, TimeUnit.SECONDS)).isTrue();
            return how.get();
        }
    }

    @Test
    void writesAreCutIntoChunksAndFlushSendsWhatIsBuffered() throws Exception {
        Recorder sink = new Recorder();
        StreamPump pump = StreamPump.start(
                "test",
                ResponseStream.of(out -> {
                    out.write("ab".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    out.write(new byte[StreamPump.CHUNK * 2 + 10]);
                    out.write('z');
                }),
                sink);
        assertThat(sink.awaitEnd()).isEqualTo("end");
        assertThat(sink.chunks).extracting(c -> c.length).containsExactly(2, StreamPump.CHUNK, StreamPump.CHUNK, 11);
        assertThat(pump.bytes()).isEqualTo(2 + StreamPump.CHUNK * 2L + 11);
    }

    @Test
    void aFailureSaysWhetherAnythingWasSent() throws Exception {
        Recorder first = new Recorder();
        StreamPump.start(
                "t",
                ResponseStream.of(out -> {
                    throw new IllegalStateException("at once");
                }),
                first);
        assertThat(first.awaitEnd()).isEqualTo("failed false at once");
        Recorder later = new Recorder();
        StreamPump.start(
                "t",
                ResponseStream.of(out -> {
                    out.write(new byte[StreamPump.CHUNK]);
                    throw new IllegalStateException("later");
                }),
                later);
        assertThat(later.awaitEnd()).isEqualTo("failed true later");
    }

    @Test
    void cancelInterruptsAWaitingProducerAndItsWritesFail() throws Exception {
        Recorder sink = new Recorder();
        CountDownLatch writing = new CountDownLatch(1);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        StreamPump pump = StreamPump.start(
                "t",
                ResponseStream.of(out -> {
                    out.write(new byte[StreamPump.CHUNK]); // a full chunk: handed over at once
                    writing.countDown();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        seen.set(e);
                    }
                    out.write(1); // buffered
                    out.flush(); // refused: the client is gone
                }),
                sink);
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        pump.cancel();
        assertThat(sink.awaitEnd()).isEqualTo("halted " + StreamPump.CHUNK);
        assertThat(seen.get()).isInstanceOf(InterruptedException.class);
        assertThat(pump.cancelled()).isTrue();
    }

    @Test
    void aSinkReportingTheClientGoneHaltsTheStream() throws Exception {
        Recorder sink = new Recorder();
        sink.gone = true;
        StreamPump.start(
                "t",
                ResponseStream.of(out -> {
                    for (int i = 0; ; i++) {
                        out.write(new byte[1000]); // until the sink's ClientGone ends the loop
                    }
                }),
                sink);
        assertThat(sink.awaitEnd()).isEqualTo("halted 0");
    }

    @Test
    void anInputStreamIsCopiedAndClosed() throws Exception {
        Recorder sink = new Recorder();
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        var in = new java.io.ByteArrayInputStream("file body".getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() throws IOException {
                closed.set(true);
                super.close();
            }
        };
        StreamPump.start("t", ResponseStream.from(in), sink);
        assertThat(sink.awaitEnd()).isEqualTo("end");
        assertThat(new String(sink.chunks.getFirst(), StandardCharsets.UTF_8)).isEqualTo("file body");
        assertThat(closed).isTrue();
    }
}
