package org.rockstat.band.internal.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.rockstat.band.call.ResponseStream;

/**
 * Runs a {@link ResponseStream}'s producer on a virtual thread of its own and hands what it
 * writes, in chunks of at most {@link #CHUNK} bytes, to a {@link Sink}, the connection layer, which
 * blocks the producer while the client is slow. Pure: no Netty types, so the pump is tested
 * without sockets.
 *
 * <pre>{@code
 * StreamPump pump = StreamPump.start("GET /stream", stream, sink);
 * ...
 * pump.cancel();      // the client went away: the producer's thread is interrupted
 * }</pre>
 */
public final class StreamPump {
    /** The largest chunk handed to the sink, and the producer's buffer. */
    public static final int CHUNK = 16 * 1024;

    /** Where the chunks go: the connection. */
    public interface Sink {
        /**
         * Sends one chunk (the sink owns the array from now on); blocks while the client cannot
         * take more.
         *
         * @throws ClientGone when the client went away
         */
        void write(byte[] chunk) throws IOException;

        /** The producer returned: end the body. */
        void end();

        /** The producer failed; {@code started} says whether any chunk was handed over. */
        void failed(Throwable error, boolean started);

        /** The producer stopped because the client went away. */
        void halted(long bytes);
    }

    /** The client went away: thrown to the producer by the stream's {@code write}. */
    public static final class ClientGone extends IOException {
        private static final long serialVersionUID = 1L;

        /** With what happened, e.g. "the client closed the connection". */
        public ClientGone(String message) {
            super(message);
        }
    }

    private final ResponseStream stream;
    private final Sink sink;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile Thread thread;
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean started;

    private StreamPump(ResponseStream stream, Sink sink) {
        this.stream = stream;
        this.sink = sink;
    }

    /** Starts the producer on a new virtual thread. */
    public static StreamPump start(String label, ResponseStream stream, Sink sink) {
        StreamPump pump = new StreamPump(stream, sink);
        Thread t = Thread.ofVirtual().name("band-stream " + label).unstarted(pump::run);
        pump.thread = t;
        t.start();
        return pump;
    }

    /** Bytes handed to the sink so far. */
    public long bytes() {
        return bytes.get();
    }

    /** True once cancelled. */
    public boolean cancelled() {
        return cancelled.get();
    }

    /**
     * The client is gone: the producer's thread is interrupted and its writes throw
     * {@link ClientGone} from now on. Idempotent.
     */
    public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    private void run() {
        Output out = new Output();
        try {
            stream.writeTo(out);
            out.flush();
        } catch (Throwable e) {
            stream.discard();
            if (cancelled.get() || causedBy(e, ClientGone.class)) {
                cancel();
                sink.halted(bytes.get());
            } else {
                sink.failed(e, started);
            }
            return;
        }
        stream.discard();
        if (cancelled.get()) {
            sink.halted(bytes.get());
        } else {
            sink.end();
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** What the producer writes to: buffers up to a chunk, hands full chunks to the sink. */
    private final class Output extends OutputStream {
        private byte[] buffer = new byte[CHUNK];
        private int filled;

        @Override
        public void write(int b) throws IOException {
            check();
            if (filled == buffer.length) {
                send();
            }
            buffer[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check();
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == buffer.length) {
                    send();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            check();
            if (filled > 0) {
                send();
            }
        }

        /** Closing is the pump's business: the producer returning ends the body. */
        @Override
        public void close() {}

        private void send() throws IOException {
            byte[] chunk = filled == buffer.length ? buffer : Arrays.copyOf(buffer, filled);
            int n = filled;
            buffer = new byte[CHUNK];
            filled = 0;
            started = true;
            sink.write(chunk);
            bytes.addAndGet(n);
            check();
        }

        private void check() throws ClientGone {
            if (cancelled.get()) {
                throw new ClientGone("the client went away");
            }
        }
    }
}
