package org.rockstat.band.containertest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the commands the container test is made of (podman, debootstrap, tar, mvn), each with its
 * output in a log file, a deadline, and a failure that quotes the log's last lines.
 *
 * <pre>{@code
 * Shell.ok(Duration.ofMinutes(5), logs.resolve("build.log"), List.of("podman", "build", "."));
 * }</pre>
 */
final class Shell {
    /** How a command ended, and its output (standard output and error together). */
    record Result(int exit, String output, Path log) {
        String tail() {
            List<String> lines = output.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
    }

    private Shell() {}

    static Result run(Duration deadline, Path log, List<String> command) {
        return run(deadline, log, command, Map.of(), null);
    }

    static Result run(Duration deadline, Path log, List<String> command, Map<String, String> env, Path dir) {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "$ " + String.join(" ", command) + "\n");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            if (dir != null) {
                builder.directory(dir.toFile());
            }
            Process process = builder.start();
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(
                        String.join(" ", command) + " did not finish within " + deadline + "; its output is in " + log);
            }
            return new Result(process.exitValue(), Files.readString(log), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code command} and fails unless it exits 0; returns its output. */
    static String ok(Duration deadline, Path log, List<String> command) {
        return ok(deadline, log, command, Map.of(), null);
    }

    static String ok(Duration deadline, Path log, List<String> command, Map<String, String> env, Path dir) {
        Result result = run(deadline, log, command, env, dir);
        if (result.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + result.exit() + " (whole output in " + log
                    + "):\n" + result.tail());
        }
        return result.output();
    }
}
