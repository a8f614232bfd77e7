package org.rockstat.band.containertest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The podman calls the test makes, each as director's Docker engine would do its part: builds on
 * the classic-builder-like path (chroot isolation, no pulls, Docker's image format so HEALTHCHECK
 * and friends are kept), inspection, and a container's root file system for running its command.
 *
 * <pre>{@code
 * Podman podman = new Podman(logs);
 * podman.build("rockstat/user-debug:test", context, context.resolve("Dockerfile"), null, Map.of());
 * JsonNode config = podman.inspect("rockstat/user-debug:test").path("Config");
 * }</pre>
 */
final class Podman {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BUILD_DEADLINE = Duration.ofMinutes(20);
    private static final Duration QUICK = Duration.ofMinutes(2);
    private final Path logs;

    Podman(Path logs) {
        this.logs = logs;
    }

    /** Builds {@code dockerfile} in {@code context} as {@code tag}, at {@code target} when not null. */
    void build(String tag, Path context, Path dockerfile, String target, Map<String, String> buildArgs, Path log) {
        List<String> command = new ArrayList<>(List.of(
                "podman",
                "build",
                "--isolation=chroot",
                "--pull=never",
                "--format=docker",
                "-f",
                dockerfile.toString(),
                "-t",
                tag));
        if (target != null) {
            command.addAll(List.of("--target", target));
        }
        buildArgs.forEach((k, v) -> command.addAll(List.of("--build-arg", k + "=" + v)));
        command.add(context.toString());
        Shell.ok(BUILD_DEADLINE, log, command);
    }

    boolean exists(String image) {
        return Shell.run(QUICK, logs.resolve("podman-exists.log"), List.of("podman", "image", "exists", image))
                        .exit()
                == 0;
    }

    /** {@code podman image inspect}: the image's JSON (its {@code Config} holds labels, user, env, command). */
    JsonNode inspect(String image) {
        String out = Shell.ok(QUICK, logs.resolve("podman-inspect.log"), List.of("podman", "image", "inspect", image));
        try {
            return JSON.readTree(out.substring(out.indexOf('\n') + 1)).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A container of {@code image} (never started by podman) and its root file system, mounted. */
    record Mounted(String id, Path root) {}

    Mounted createAndMount(String image, String name, String... command) {
        Path log = logs.resolve(name + "-create.log");
        List<String> create = new ArrayList<>(List.of("podman", "create", "--name", name, image));
        create.addAll(List.of(command));
        String id = lastLine(Shell.ok(QUICK, log, create));
        String root = lastLine(Shell.ok(QUICK, logs.resolve(name + "-mount.log"), List.of("podman", "mount", id)));
        return new Mounted(id, Path.of(root));
    }

    void remove(Mounted container) {
        Shell.run(QUICK, logs.resolve("podman-rm.log"), List.of("podman", "umount", container.id()));
        Shell.run(QUICK, logs.resolve("podman-rm.log"), List.of("podman", "rm", "--force", container.id()));
    }

    /** Removes a container of that name left by an earlier run that was cut short. */
    void removeContainer(String name) {
        Shell.run(QUICK, logs.resolve("podman-rm.log"), List.of("podman", "rm", "--force", "--ignore", name));
    }

    void removeImage(String image) {
        Shell.run(QUICK, logs.resolve("podman-rmi.log"), List.of("podman", "rmi", "--force", image));
    }

    private static String lastLine(String output) {
        List<String> lines = output.strip().lines().toList();
        return lines.get(lines.size() - 1).strip();
    }
}
