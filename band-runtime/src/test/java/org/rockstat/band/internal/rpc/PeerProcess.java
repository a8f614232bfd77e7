package org.rockstat.band.internal.rpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link PeerMain} service in its own JVM: started with given JVM flags, its output kept, stopped on close. */
final class PeerProcess implements AutoCloseable {
    private final Process process;
    // a file, not a pipe: reading a pipe while the process exits can fail with "Stream closed"
    private final Path log;

    private PeerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code name} on {@code dsn} with {@code jvmFlags}; returns once it printed READY (30 s at most). */
    static PeerProcess start(String dsn, String name, String... jvmFlags) {
        PeerProcess peer = launch(PeerMain.class, List.of(dsn, name), null, java.util.Map.of(), jvmFlags);
        try {
            peer.awaitLine("READY ", Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    /** Starts {@code main} with {@code args} in {@code directory} (null: this one) with extra {@code env}; returns at once. */
    static PeerProcess launch(
            Class<?> main, List<String> args, Path directory, java.util.Map<String, String> env, String... jvmFlags) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmFlags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        try {
            Path log = java.nio.file.Files.createTempFile("band-peer-", ".log");
            log.toFile().deleteOnExit();
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().putAll(env);
            return new PeerProcess(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a line containing {@code text} was printed. */
    void awaitLine(String text, Duration within) {
        org.awaitility.Awaitility.await()
                .atMost(within)
                .failFast("the process exited: " + output(), () -> !process.isAlive() && lines(text) == 0)
                .until(() -> lines(text) > 0);
    }

    /** Sends SIGTERM, as director's {@code docker stop} does. */
    void terminate() {
        process.destroy();
    }

    /** Sends SIGKILL: a crash, nothing runs on the way out. */
    void kill() {
        process.destroyForcibly();
    }

    /** Waits for the process to exit; its status. */
    int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Still running after " + within.toMillis() + " ms: " + output());
        }
        return process.exitValue();
    }

    /** The peer's HTTP port. */
    int httpPort() {
        return output().stream()
                .filter(line -> line.startsWith("READY "))
                .map(line -> Integer.parseInt(line.substring(6).trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No READY line yet: " + output()));
    }

    /** The peer's resident set size now, from {@code /proc/<pid>/status}. */
    long rssBytes() {
        try {
            for (String line :
                    java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
            throw new IllegalStateException("No VmRSS for " + process.pid());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every line the peer printed so far (stdout and stderr). */
    List<String> output() {
        try {
            return java.nio.file.Files.readAllLines(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines containing {@code text}. */
    long lines(String text) {
        return output().stream().filter(l -> l.contains(text)).count();
    }

    /** Closes its stdin (it stops cleanly) and waits for it; its exit status. */
    int stop(Duration within) throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                stop(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
