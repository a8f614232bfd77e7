package org.rockstat.band.containertest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.rockstat.band.fixtures.HttpProbe;
import org.rockstat.band.fixtures.RedisServerExtension;

/**
 * The repository's own {@code make run} and {@code make start-dev} (band-examples/service.mk), used
 * as a developer uses them in a terminal: they say what they do at once, answer, and end with
 * status 0 and no make error when the service is stopped by SIGTERM (director's way) or Ctrl-C.
 * Here and not in {@code make test}: they build the reactor themselves, which must not happen
 * inside {@code make test}'s own build. (A generated service's Makefile is tested the same way by
 * the archetype's integration test.)
 */
class MakeTargetsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();
    private final Path logs = Path.of("target/make-targets").toAbsolutePath();

    /** {@code make} as a terminal's foreground job: its own process group, SIGINT at its default. */
    private Process make(Path dir, Path log, int port, String... args) throws IOException {
        Files.createDirectories(logs);
        List<String> command = new java.util.ArrayList<>(List.of(
                "perl",
                "-e",
                "use POSIX (); $SIG{INT} = 'DEFAULT'; POSIX::setsid(); exec @ARGV or die \"exec: $!\"",
                "make"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // a terminal's make, not one under `make container-test`
        List.of("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES").forEach(builder.environment()::remove);
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("HOST", "127.0.0.1");
        return builder.start();
    }

    private static void awaitAnswer(Process make, Path log, int port) {
        try (HttpProbe http = new HttpProbe(URI.create("http://127.0.0.1:" + port))) {
            Awaitility.await("/__status of the service make started (log " + log + ")")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        assertThat(make.isAlive())
                                .as("make still running; its log: " + log)
                                .isTrue();
                        try {
                            return http.get("/__status").status() == 200;
                        } catch (RuntimeException notYet) {
                            return false;
                        }
                    });
        }
    }

    private static void assertStoppedCleanly(Process make, Path log, String service) throws Exception {
        assertThat(make.waitFor(60, TimeUnit.SECONDS))
                .as("make ended; log " + log)
                .isTrue();
        String output = Files.readString(log);
        assertThat(output).contains("Service '" + service + "' stopped");
        assertThat(output).as("make's error lines").doesNotContain("make: ***").doesNotContain("Error 143");
    }

    @Test
    void startDevSpeaksAtOnceAndEndsWithStatusZeroOnSigterm() throws Exception {
        int port = RedisServerExtension.freePort();
        Path log = logs.resolve("start-dev.log");
        long started = System.nanoTime();
        Process make = make(ROOT, log, port, "start-dev", "SERVICE=skeleton");
        Awaitility.await("make start-dev's first line")
                .atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> Files.size(log) > 0);
        System.out.printf("make start-dev: first output after %d ms%n", (System.nanoTime() - started) / 1_000_000);
        awaitAnswer(make, log, port);
        ProcessHandle java = make.descendants()
                .filter(p -> p.info().command().orElse("").endsWith("/java"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no java under make start-dev; log " + log));
        java.destroy(); // SIGTERM, as director's engine stops a container
        assertStoppedCleanly(make, log, "skeleton");
        assertThat(make.exitValue()).isZero();
    }

    @Test
    void runInAnExampleFolderStopsWithoutNoiseOnCtrlC() throws Exception {
        int port = RedisServerExtension.freePort();
        Path log = logs.resolve("run.log");
        Process make = make(ROOT.resolve("band-examples/debug"), log, port, "run");
        awaitAnswer(make, log, port);
        assertThat(Files.readString(log)).startsWith("Compiling band-examples/debug");
        // Ctrl-C: SIGINT to the foreground process group (make, its shell, java)
        new ProcessBuilder("kill", "-INT", "--", "-" + make.pid()).start().waitFor();
        assertStoppedCleanly(make, log, "debug");
    }
}
