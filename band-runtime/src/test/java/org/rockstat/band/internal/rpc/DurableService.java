package org.rockstat.band.internal.rpc;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.rockstat.band.annotation.Listener;
import org.rockstat.band.call.Event;

/**
 * A service with a durable listener, for the durable tests: counts the runs per event id, throws
 * for events whose key starts with {@code poison}, takes {@code workMillis} per event, and (with a
 * {@code log}) writes one line per event it stored to that file before returning: a process killed
 * right after still leaves the line (the kernel has it), so a test in another JVM counts the runs.
 */
public class DurableService {
    final Map<String, Integer> runs = new ConcurrentHashMap<>();
    final AtomicInteger plain = new AtomicInteger();
    /** When set, each run waits for it: entries stay delivered and unacknowledged. */
    volatile java.util.concurrent.CountDownLatch gate;

    private final long workMillis;
    private final FileOutputStream log;

    public DurableService(long workMillis, Path log) {
        this.workMillis = workMillis;
        try {
            this.log = log == null ? null : new FileOutputStream(log.toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Listener(durable = true)
    public void store(Event event) throws InterruptedException {
        runs.merge(event.id(), 1, Integer::sum);
        write("+" + event.id());
        java.util.concurrent.CountDownLatch wait = gate;
        if (wait != null) {
            wait.await();
        }
        if (workMillis > 0) {
            Thread.sleep(workMillis); // the listener's work, as a database write takes
        }
        if (event.key().startsWith("poison")) {
            throw new IllegalStateException("poisoned event " + event.id());
        }
        write(event.id());
    }

    /** One line, one write(2): in the kernel before the entry is acknowledged. */
    private void write(String text) {
        if (log == null) {
            return;
        }
        byte[] line = (text + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (log) {
            try {
                log.write(line);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Listener
    public void count(Event event) {
        plain.incrementAndGet();
    }
}
