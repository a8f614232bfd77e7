package org.rockstat.band.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a throw-away {@code redis-server} (from the PATH) on a free port for one test class:
 * no persistence, bound to 127.0.0.1, always stopped after the class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServerExtension redis = new RedisServerExtension();
 *
 * @Test
 * void works() {
 *     Settings settings = Settings.of(Map.of("name", "svc", "redis_dsn", redis.dsn()));
 *     ...
 *     redis.kill();      // SIGKILL, to test reconnects
 *     redis.restart();   // same port
 * }
 * }</pre>
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {
    private static final Duration START_DEADLINE = Duration.ofSeconds(10);
    private int port;
    private Process process;
    private Path log;

    /** Starts the server (also called by JUnit before the class). */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        if (port == 0) {
            port = freePort();
        }
        String executable = findOnPath("redis-server");
        try {
            if (log == null) {
                log = Files.createTempFile("redis-" + port + "-", ".log");
            }
            process = new ProcessBuilder(List.of(executable, "--port", String.valueOf(port), "--save", "",
                    "--appendonly", "no", "--bind", "127.0.0.1", "--dir", System.getProperty("java.io.tmpdir")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + executable + ": " + e.getMessage(), e);
        }
        awaitPong();
    }

    /** The DSN of the running server, {@code redis://127.0.0.1:<port>/0}. */
    public String dsn() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** The server's port (kept across {@link #restart()}). */
    public int port() {
        return port;
    }

    /** True while the server process runs. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the server with SIGKILL and waits for it to be gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Kills it (if running) and starts it again on the same port. */
    public synchronized void restart() {
        kill();
        start();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Kills the server for good and removes its log; for use outside JUnit's lifecycle. */
    public synchronized void stop() {
        kill();
        if (log != null) {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a temp file: the OS cleans up
            }
        }
    }

    private void awaitPong() {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        String lastError = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + " on port " + port
                        + ": " + tail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                socket.setSoTimeout(500);
                OutputStream out = socket.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[64];
                int n = in.read(buffer);
                String answer = n > 0 ? new String(buffer, 0, n, StandardCharsets.US_ASCII) : "";
                if (answer.startsWith("+PONG")) {
                    return;
                }
                lastError = "answered " + answer.trim();
            } catch (IOException e) {
                lastError = e.getMessage();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        kill();
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                + START_DEADLINE.toSeconds() + " s (" + lastError + "): " + tail());
    }

    private String tail() {
        try {
            String text = Files.readString(log);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** A TCP port free on this machine now (for servers a test or benchmark starts). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port: " + e.getMessage(), e);
        }
    }

    private static String findOnPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            File candidate = new File(dir, name);
            if (candidate.isFile() && candidate.canExecute()) {
                return candidate.getAbsolutePath();
            }
        }
        throw new IllegalStateException(name + " is not on the PATH: install it to run these tests "
                + "(Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)");
    }
}
