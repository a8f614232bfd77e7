package org.rockstat.band.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Another process's CPU time and memory from {@code /proc}, so that a JVM and a Node.js server are
 * measured by the same probe from outside. Linux only; {@link #available()} says whether it works.
 * Also runs the small commands the bench asks for versions and settings ({@link #output}).
 */
final class ProcStat {
    /** USER_HZ: the unit of utime/stime in {@code /proc/PID/stat}; 100 on every Linux the bench runs on. */
    private static final double TICKS_PER_SECOND = ticksPerSecond();

    private ProcStat() {}

    static boolean available() {
        return Files.isReadable(Path.of("/proc/self/stat"));
    }

    /** User + system CPU seconds the process has used so far (all its threads). */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // f[0] is field 3 (state), so utime (field 14) is f[11] and stime (field 15) is f[12]
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat: " + e.getMessage(), e);
        }
    }

    /** {@code VmRSS} (now) or {@code VmHWM} (peak) of {@code /proc/PID/status}, in MB. */
    static double memoryMb(long pid, String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith(field + ":")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e.getMessage(), e);
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
    }

    /** The 1-minute load average, or -1 when unknown. */
    static double load1() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return -1;
        }
    }

    private static double ticksPerSecond() {
        String out = output("getconf", "CLK_TCK");
        return out == null ? 100 : Double.parseDouble(out);
    }

    /** Runs {@code command} and returns its trimmed output, or null when it cannot run or fails. */
    static String output(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (Exception e) {
            return null;
        }
    }
}
