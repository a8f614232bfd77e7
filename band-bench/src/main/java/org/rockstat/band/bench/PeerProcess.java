package org.rockstat.band.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        this(mode, jvmCommand(mode, dsn, port, BenchMain.PEER_JVM_FLAGS, System.getProperty("java.class.path")), null);
    }

    /**
     * The Band peer with other JVM flags (the image's {@code JAVA_OPTS}, an AOT cache) on the class
     * path {@code classPath} (jars only when an AOT cache is made or used).
     */
    static PeerProcess band(String dsn, int port, List<String> flags, String classPath) throws Exception {
        PeerProcess peer = new PeerProcess("band", jvmCommand("band", dsn, port, flags, classPath), null, IMAGE_ENV);
        return peer;
    }

    /** glibc's arenas as band-runtime-java bounds them ({@code ENV MALLOC_ARENA_MAX=2}), for peers run with the image's flags. */
    static final Map<String, String> IMAGE_ENV = Map.of("MALLOC_ARENA_MAX", "2");

    /**
     * The AOT cache's training run of the Band peer ({@code -Dband.aot.training=true}: it starts
     * on the in-process bus, calls itself, stops and exits), writing {@code cache}; its output goes
     * to {@code log}. True when it exited 0 and the cache exists.
     */
    static boolean trainAotCache(java.nio.file.Path cache, java.nio.file.Path log, List<String> flags, String classPath)
            throws Exception {
        List<String> jvm = new ArrayList<>(flags);
        jvm.add("-XX:AOTCacheOutput=" + cache);
        jvm.add("-D" + "band.aot.training=true");
        java.nio.file.Files.deleteIfExists(cache);
        ProcessBuilder pb = new ProcessBuilder(jvmCommand("band", "memory://", 0, jvm, classPath))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(IMAGE_ENV);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0 && java.nio.file.Files.isRegularFile(cache);
    }

    private static List<String> jvmCommand(String mode, String dsn, int port, List<String> flags, String classPath) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.javaBinary());
        cmd.addAll(flags);
        String extra = System.getenv("BENCH_PEER_FLAGS"); // e.g. -XX:AOTCache=band.aot, for start-up experiments
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        String jfr = System.getenv("BENCH_PEER_JFR");
        if (jfr != null && !jfr.isBlank() && mode.equals("band")) {
            cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
        }
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(Peer.class.getName());
        cmd.add(mode);
        cmd.add(dsn);
        cmd.add(String.valueOf(port));
        return cmd;
    }

    /** Any other process speaking the same stdin/stdout lines (the Node.js peers); {@code dir} may be null. */
    PeerProcess(String mode, List<String> cmd, java.io.File dir) throws Exception {
        this(mode, cmd, dir, Map.of());
    }

    private PeerProcess(String mode, List<String> cmd, java.io.File dir, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir);
        pb.environment().put("LOG_LEVEL", "warn");
        pb.environment().putAll(env);
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
