package org.rockstat.band.internal.micrometer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.rockstat.band.internal.report.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StatsD lines to a UDP socket, several to a datagram of at most {@link #MAX_PACKET} bytes: a
 * datagram goes when the next line would not fit and at least every {@code interval}. Micrometer's
 * own sender (Reactor Netty) drops lines recorded from many threads at once (micrometer issue
 * 2908, open), which every busy service does; this one takes every line under a lock and never
 * blocks on the network (a non-blocking channel: a datagram the kernel cannot take is lost and
 * logged, as UDP loses it anyway).
 *
 * <pre>{@code
 * StatsdSender sender = StatsdSender.start("127.0.0.1", 8125, Duration.ofSeconds(10));
 * sender.accept("band.calls:1.2|ms|#method:ping");
 * sender.close();   // sends what is left
 * }</pre>
 */
final class StatsdSender implements Consumer<String>, AutoCloseable {
    /** Fits an Ethernet frame with room for IP and UDP headers, as StatsD clients use. */
    static final int MAX_PACKET = 1432;

    private static final Logger log = LoggerFactory.getLogger(StatsdSender.class);

    private final String host;
    private final int port;
    private final DatagramChannel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final ByteBuffer packet = ByteBuffer.allocate(MAX_PACKET);
    private final RateLimitedLog failures = new RateLimitedLog(log, Duration.ofSeconds(60));
    private final Thread flusher;
    private InetSocketAddress target;
    private volatile boolean closed;

    private StatsdSender(String host, int port, DatagramChannel channel, Duration interval) {
        this.host = host;
        this.port = port;
        this.channel = channel;
        this.flusher = Thread.ofPlatform().daemon().name("band-statsd").unstarted(() -> flushEvery(interval));
    }

    /** A sender to {@code host:port}, flushing at least every {@code interval}. */
    static StatsdSender start(String host, int port, Duration interval) {
        try {
            DatagramChannel channel = DatagramChannel.open();
            channel.configureBlocking(false);
            StatsdSender sender = new StatsdSender(host, port, channel, interval);
            sender.flusher.start();
            return sender;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open a UDP socket for StatsD: " + e.getMessage(), e);
        }
    }

    @Override
    public void accept(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            if (bytes.length > packet.remaining()) {
                sendLocked();
            }
            if (bytes.length <= packet.remaining()) {
                packet.put(bytes);
            } else {
                failures.warn("too-long", "A StatsD line of {} bytes does not fit a datagram; dropped", bytes.length);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends what is buffered now. */
    void flush() {
        lock.lock();
        try {
            sendLocked();
        } finally {
            lock.unlock();
        }
    }

    private void sendLocked() {
        if (packet.position() == 0) {
            return;
        }
        packet.flip();
        try {
            if (target == null || target.isUnresolved()) {
                // resolved when first needed, and again after a failure: the name may come up later
                target = new InetSocketAddress(host, port);
            }
            if (target.isUnresolved()) {
                failures.warn("unresolved", "StatsD host '{}' cannot be resolved; metrics are not sent", host);
            } else if (channel.send(packet, target) == 0) {
                failures.warn("full", "The UDP send buffer is full; StatsD lines were dropped");
            }
        } catch (IOException | RuntimeException e) {
            target = null;
            failures.warn("failed", "StatsD lines to {}:{} not sent: {}", host, port, e.toString());
        } finally {
            packet.clear();
        }
    }

    private void flushEvery(Duration interval) {
        while (!closed) {
            try {
                Thread.sleep(interval); // the flush period itself, not a wait for another thread
            } catch (InterruptedException e) {
                return;
            }
            flush();
        }
    }

    @Override
    public void close() {
        closed = true;
        flusher.interrupt();
        flush();
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("Closing the StatsD socket: {}", e.toString());
        }
    }
}
