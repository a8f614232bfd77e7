package org.rockstat.band.containertest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image's command, run the way a container runs it where {@code podman run} cannot run (this
 * sandbox's rlimits): in the image's root file system (mounted by podman), in a mount namespace
 * of its own with {@code /proc} and {@code /dev}, as the image's user, from its working directory,
 * with exactly the image's environment plus what the platform adds, its pid in a memory cgroup.
 * The process started is the service itself ({@code exec} all the way), so {@link #stop()}
 * sends it the SIGTERM director's engine sends.
 *
 * <pre>{@code
 * ServiceRun run = ServiceRun.start(mounted, image.path("Config"), Map.of("ENV", "production"), cap, log);
 * int exit = run.stop();   // 143 after a clean shutdown
 * }</pre>
 */
final class ServiceRun {
    /** procs root user workdir command...: joins the cgroup, then unshare, mounts, chroot, cd, exec. */
    private static final String RUNNER = """
            #!/bin/sh
            set -e
            procs=$1 root=$2 user=$3 workdir=$4
            shift 4
            echo $$ > "$procs"
            exec /usr/bin/unshare -m /bin/sh -c '
              set -e
              root=$1 user=$2 workdir=$3
              shift 3
              mount -t proc proc "$root/proc"
              mount --rbind /dev "$root/dev"
              exec /usr/sbin/chroot --userspec="$user" "$root" /bin/sh -c "cd \\"\\$0\\" && exec \\"\\$@\\"" "$workdir" "$@"
            ' sh "$root" "$user" "$workdir" "$@"
            """;

    private final Process process;
    private final Path log;

    private ServiceRun(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ServiceRun start(
            Podman.Mounted container, JsonNode config, Map<String, String> platformEnv, MemoryCgroup cap, Path log)
            throws IOException {
        Path runner = log.resolveSibling("run-in-image.sh");
        Files.writeString(runner, RUNNER);
        Files.setPosixFilePermissions(runner, PosixFilePermissions.fromString("rwxr-xr-x"));
        String user = config.path("User").asText("root");
        String[] account = account(container.root(), user);
        List<String> command = new ArrayList<>(List.of(
                runner.toString(),
                cap.procs().toString(),
                container.root().toString(),
                account[0] + ":" + account[1],
                config.path("WorkingDir").asText("/")));
        config.path("Entrypoint").forEach(part -> command.add(part.asText()));
        config.path("Cmd").forEach(part -> command.add(part.asText()));
        Map<String, String> env = new LinkedHashMap<>();
        config.path("Env").forEach(entry -> {
            String[] kv = entry.asText().split("=", 2);
            env.put(kv[0], kv[1]);
        });
        env.put("HOME", account[2]);
        env.putAll(platformEnv);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return new ServiceRun(builder.start(), log);
    }

    /** uid, gid and home of {@code user} in the image's /etc/passwd. */
    private static String[] account(Path root, String user) throws IOException {
        for (String line : Files.readAllLines(root.resolve("etc/passwd"))) {
            String[] f = line.split(":");
            if (f.length >= 6 && (f[0].equals(user) || f[2].equals(user))) {
                return new String[] {f[2], f[3], f[5]};
            }
        }
        throw new AssertionError("The image's user " + user + " is not in its /etc/passwd");
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** The process's resident-set peak (VmHWM), in bytes. */
    long rssPeak() throws IOException {
        Matcher m =
                Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/" + pid() + "/status")));
        if (!m.find()) {
            throw new AssertionError("No VmHWM for pid " + pid());
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** SIGTERM, as director's engine stops a container; the exit status, or -1 if it did not end in 30 s. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }
}
