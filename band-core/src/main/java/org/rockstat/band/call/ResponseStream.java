package org.rockstat.band.call;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A body written while it is sent, the Java counterpart of the Python band's async-generator
 * result: return one from an {@code @Expose} or {@code @Handler} method and the service's HTTP
 * endpoint sends it with chunked transfer encoding, block by block, as the producer writes.
 *
 * <pre>{@code
 * @Expose
 * public ResponseStream export(int rows) {
 *     return ResponseStream.of(out -> {
 *         for (int i = 0; i < rows; i++) {
 *             out.write(("row " + i + "\n").getBytes(StandardCharsets.UTF_8));   // blocks while the client is slow
 *         }
 *     }).contentType("text/plain; charset=utf-8");
 * }
 *
 * @Expose
 * public ResponseStream log() throws IOException {
 *     return ResponseStream.from(Files.newInputStream(Path.of("app.log")));   // copied, then closed
 * }
 * }</pre>
 *
 * <p><b>Why a producer writing to an {@link OutputStream}.</b> Band runs every call on a virtual
 * thread, so the simplest correct back-pressure is a blocking write: the producer runs on a
 * virtual thread of its own, and {@code write} blocks while the client is slower than the producer
 * (the connection's send buffer is full), so the service never holds more than a bounded amount
 * of the body (the connection's write-buffer high-water mark, 64 KiB, plus one 16 KiB chunk),
 * however large it is. A client that goes away ends the stream: the producer's thread is
 * interrupted and its next {@code write} throws an {@link java.io.IOException}, so a loop that
 * writes stops, and one that waits ({@code sleep}, a socket read, a queue) is woken. The other
 * shapes are weaker here: an {@link InputStream} alone cannot express "generate as you go" without
 * a pipe and a second thread (so it is accepted through {@link #from(InputStream)}, which copies
 * it); a {@code Stream<byte[]>} has no way to carry failures, and interrupting a lazy pipeline
 * stops nothing a producer waits on; a {@code Flow.Publisher} must be written against the
 * reactive-streams rules (demand, cancellation) that a plain loop gets for free from blocking.
 *
 * <p><b>Only over HTTP.</b> The JSON-RPC protocol has no streams: a streaming method called over
 * RPC (by front or another service) answers an error saying so, and its producer never runs. Front
 * never streams, so streams are for the service's own HTTP port. A {@code HEAD} request gets the
 * head only; the producer does not run.
 *
 * <p>Failures: a producer that throws before writing anything answers {@code 500} with a JSON
 * message like any failed call; one that throws after the body began cuts the connection without
 * the last chunk, so the client sees an incomplete body rather than a short one it could take for
 * whole. Each instance is immutable; {@code header(...)} and {@code contentType(...)} return copies.
 */
public final class ResponseStream {
    /** What {@link #of(Producer)} sends unless told: the Python band's (aiohttp's) default. */
    public static final String OCTET_STREAM = "application/octet-stream";

    /** Writes the body; {@code out} buffers up to 16 KiB, {@code flush()} sends what is buffered. */
    @FunctionalInterface
    public interface Producer {
        /**
         * Writes the whole body to {@code out} and returns; do not close {@code out}.
         *
         * @throws Exception any failure ends the stream (see the class notes)
         */
        void writeTo(OutputStream out) throws Exception;
    }

    private final Producer producer;
    private final AutoCloseable resource;
    private final int statusCode;
    private final String contentType;
    private final List<List<String>> headers;

    private ResponseStream(
            Producer producer, AutoCloseable resource, int statusCode, String contentType, List<List<String>> headers) {
        this.producer = producer;
        this.resource = resource;
        this.statusCode = statusCode;
        this.contentType = contentType;
        this.headers = List.copyOf(headers);
    }

    /** A body written by {@code producer}, sent as {@code application/octet-stream} with status 200. */
    public static ResponseStream of(Producer producer) {
        return new ResponseStream(Objects.requireNonNull(producer, "producer"), null, 200, OCTET_STREAM, List.of());
    }

    /**
     * The bytes of {@code in}, copied as the client takes them, then {@code in} is closed (also
     * when the body is never sent: a {@code HEAD} request, an RPC call, a client gone first).
     */
    public static ResponseStream from(InputStream in) {
        Objects.requireNonNull(in, "in");
        return new ResponseStream(
                out -> {
                    try (in) {
                        in.transferTo(out);
                    }
                },
                in,
                200,
                OCTET_STREAM,
                List.of());
    }

    /** A copy with another {@code Content-Type}. */
    public ResponseStream contentType(String value) {
        return new ResponseStream(producer, resource, statusCode, Objects.requireNonNull(value), headers);
    }

    /** A copy with another status (200 unless set). */
    public ResponseStream status(int value) {
        if (value < 200 || value > 599 || value == 204 || value == 304) {
            throw new IllegalArgumentException(
                    "a streamed body needs a status from 200 to 599 that has a body, got " + value);
        }
        return new ResponseStream(producer, resource, value, contentType, headers);
    }

    /** A copy with one more header. */
    public ResponseStream header(String name, String value) {
        List<List<String>> more = new ArrayList<>(headers);
        more.add(List.of(name, value));
        return new ResponseStream(producer, resource, statusCode, contentType, more);
    }

    /** The HTTP status. */
    public int statusCode() {
        return statusCode;
    }

    /** The {@code Content-Type}. */
    public String contentType() {
        return contentType;
    }

    /** Extra headers, each {@code [name, value]}. */
    public List<List<String>> headers() {
        return headers;
    }

    /**
     * Runs the producer into {@code out} (Band calls this on the stream's own thread; a test may
     * call it with a {@code ByteArrayOutputStream}).
     */
    public void writeTo(OutputStream out) throws Exception {
        producer.writeTo(out);
    }

    /** The body will never be written: releases what {@link #from(InputStream)} holds. */
    public void discard() {
        if (resource != null) {
            try {
                resource.close();
            } catch (Exception e) {
                // nothing is waiting for this stream any more; the close failing changes nothing
            }
        }
    }

    @Override
    public String toString() {
        return "ResponseStream(" + statusCode + ", " + contentType + ")";
    }
}
