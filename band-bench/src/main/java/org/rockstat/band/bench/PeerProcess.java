package org.rockstat.band.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A peer process: a {@link Peer} JVM started from the bench's own class path, or a Node.js peer speaking
 * the same {@code BENCH ...} lines; always stopped by {@link #close()}.
 */
final class PeerProcess implements AutoCloseable {
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final long startedNanos;

    PeerProcess(String mode, String dsn, int port) throws Exception {
        this(mode, jvmCommand(mode, dsn, port), null);
    }

    private static List<String> jvmCommand(String mode, String dsn, int port) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.javaBinary());
        cmd.addAll(BenchMain.PEER_JVM_FLAGS);
        String extra = System.getenv("BENCH_PEER_FLAGS"); // e.g. -XX:AOTCache=band.aot, for start-up experiments
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        String jfr = System.getenv("BENCH_PEER_JFR");
        if (jfr != null && !jfr.isBlank() && mode.equals("band")) {
            cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Peer.class.getName());
        cmd.add(mode);
        cmd.add(dsn);
        cmd.add(String.valueOf(port));
        return cmd;
    }

    /** Any other process speaking the same stdin/stdout lines (the Node.js peers); {@code dir} may be null. */
    PeerProcess(String mode, List<String> cmd, java.io.File dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir);
        pb.environment().put("LOG_LEVEL", "warn");
        startedNanos = System.nanoTime();
        process = pb.start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        PrintStream err = System.err;
        Thread.ofPlatform().daemon().name("peer-" + mode + "-out").start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    if (l.startsWith("BENCH ")) {
                        lines.add(l.substring(6));
                    } else {
                        err.println("  [" + mode + " peer] " + l);
                    }
                }
            } catch (Exception e) {
                // process ended
            }
        });
    }

    /** Waits for a line starting with {@code prefix}; returns the rest. */
    String await(String prefix, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (l == null) {
                throw new IllegalStateException("peer did not say '" + prefix + "' within " + seconds + " s (alive: "
                        + process.isAlive() + ")");
            }
            if (l.startsWith(prefix)) {
                return l.substring(prefix.length()).trim();
            }
        }
    }

    int awaitReady() throws Exception {
        return Integer.parseInt(await("READY", 60));
    }

    /** Heap used after GC and RSS, in bytes. */
    long[] memory() throws Exception {
        send("mem");
        String[] parts = await("MEM", 30).split(" ");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }

    /** The OS process id, for {@link ProcStat}. */
    long pid() {
        return process.pid();
    }

    void send(String command) throws Exception {
        stdin.write(command + "\n");
        stdin.flush();
    }

    @Override
    public void close() {
        try {
            send("quit");
        } catch (Exception ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static final class Path {
        static String javaBinary() {
            return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString();
        }
    }
}
