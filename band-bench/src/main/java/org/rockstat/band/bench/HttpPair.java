package org.rockstat.band.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pair 2: HTTP keep-alive load from {@code wrk}; requests/s and p99 from its {@code --latency} output. */
final class HttpPair {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P99 = Pattern.compile("\\n\\s*99(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\b");
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses: (\\d+)|Socket errors: (.*)");

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");

    /** {requests/s, p99 ms, requests answered in the window} */
    record Result(double rps, double p99Ms, long requests) {}

    static boolean available() {
        try {
            Process p = new ProcessBuilder("wrk", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            p.waitFor(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static String version() {
        try {
            Process p = new ProcessBuilder("wrk", "--version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("wrk").trim();
        } catch (Exception e) {
            return "wrk";
        }
    }

    static Result run(int port, int connections, double seconds) throws Exception {
        return run(port, connections, seconds, "/ping");
    }

    /**
     * wrk against {@code path} ({@code /ping}; {@code /ping-nb}: the non-blocking twin on Band), and
     * the server's CPU per answered request over the window, in µs ({@code pid} {@code 0}: not measured).
     */
    static Measured measure(long pid, int port, int connections, double seconds, String path) throws Exception {
        boolean cpu = pid > 0 && ProcStat.available();
        double before = cpu ? ProcStat.cpuSeconds(pid) : 0;
        Result result = run(port, connections, seconds, path);
        double used = cpu ? ProcStat.cpuSeconds(pid) - before : Double.NaN;
        return new Measured(result, result.requests() > 0 ? used * 1e6 / result.requests() : Double.NaN);
    }

    /** A wrk window and the server's CPU µs per request over it ({@code NaN} when unknown). */
    record Measured(Result result, double cpuMicrosPerRequest) {}

    /** wrk against {@code path} ({@code /ping}; {@code /ping-nb}: the non-blocking twin on Band). */
    static Result run(int port, int connections, double seconds, String path) throws Exception {
        int threads = Math.min(connections, 2);
        List<String> cmd = new ArrayList<>(List.of(
                "wrk",
                "-t" + threads,
                "-c" + connections,
                "-d" + Math.max(1, Math.round(seconds)) + "s",
                "--latency",
                "--timeout",
                "5s",
                "http://127.0.0.1:" + port + path));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor((long) seconds + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not finish");
        }
        Matcher rps = RPS.matcher(out);
        Matcher p99 = P99.matcher(out);
        if (!rps.find() || !p99.find()) {
            throw new IllegalStateException("cannot read wrk output:\n" + out);
        }
        Matcher err = ERRORS.matcher(out);
        if (err.find()) {
            System.err.println("  wrk reported: " + err.group());
        }
        double v = Double.parseDouble(p99.group(1));
        double ms = switch (p99.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
        Matcher requests = REQUESTS.matcher(out);
        return new Result(
                Double.parseDouble(rps.group(1)), ms, requests.find() ? Long.parseLong(requests.group(1)) : 0);
    }
}
