package org.rockstat.band.containertest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A memory cgroup capped as director caps a container ({@code HostConfig.Memory}), for the
 * service's process: cgroup v2 ({@code memory.max}) where the host has it, else v1's memory
 * controller ({@code memory.limit_in_bytes}). Tells the peak usage and how many times the kernel's
 * OOM killer struck.
 *
 * <pre>{@code
 * try (MemoryCgroup cap = MemoryCgroup.create("band-ct-debug", 367_001_600L)) {
 *     // start the process with its pid written to cap.procs()
 *     assertThat(cap.oomKills()).isZero();
 * }
 * }</pre>
 */
final class MemoryCgroup implements AutoCloseable {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private final Path dir;
    private final boolean v2;

    private MemoryCgroup(Path dir, boolean v2) {
        this.dir = dir;
        this.v2 = v2;
    }

    static MemoryCgroup create(String name, long limitBytes) throws IOException {
        boolean v2 = Files.isRegularFile(ROOT.resolve("cgroup.controllers"));
        Path parent = v2 ? ROOT : ROOT.resolve("memory");
        if (!Files.isDirectory(parent)) {
            throw new AssertionError("No memory cgroup controller at " + parent
                    + ": the test runs each service under director's memory cap and needs one (run as root)");
        }
        if (v2) {
            Files.writeString(ROOT.resolve("cgroup.subtree_control"), "+memory");
        }
        Path dir = parent.resolve(name);
        if (Files.isDirectory(dir)) {
            Files.delete(dir); // left by an interrupted run; fails (and says so) if a process is still in it
        }
        Files.createDirectory(dir);
        Files.writeString(dir.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"), String.valueOf(limitBytes));
        if (v2) {
            Files.writeString(dir.resolve("memory.swap.max"), "0");
        }
        return new MemoryCgroup(dir, v2);
    }

    /** The file a process writes its pid into to join. */
    Path procs() {
        return dir.resolve("cgroup.procs");
    }

    /** The most memory the cgroup has held (page cache included, as the cap counts it). */
    long peak() throws IOException {
        return Long.parseLong(Files.readString(dir.resolve(v2 ? "memory.peak" : "memory.max_usage_in_bytes"))
                .strip());
    }

    long oomKills() throws IOException {
        Matcher m = Pattern.compile("(?m)^oom_kill (\\d+)")
                .matcher(Files.readString(dir.resolve(v2 ? "memory.events" : "memory.oom_control")));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(dir);
    }
}
