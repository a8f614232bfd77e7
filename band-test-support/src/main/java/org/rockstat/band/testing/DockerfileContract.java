package org.rockstat.band.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks what can be checked of a service's container without a Docker engine: the build stage
 * is run exactly as the Dockerfile runs it, on a copy of only what it copies in (so the folder
 * really builds on its own); every path the Dockerfile copies or runs exists and is not excluded
 * by {@code .dockerignore}; the {@code band.service.*} labels match {@code meta.yml} and the
 * pom's version.
 *
 * <pre>{@code
 * @Test
 * void containerBuildsFromThisFolder() {
 *     DockerfileContract.verify(Path.of(""));
 * }
 * }</pre>
 */
public final class DockerfileContract {
    private static final Pattern LABEL = Pattern.compile("(band\\.service\\.[a-z_]+)=\"([^\"]*)\"");
    private static final Duration BUILD_DEADLINE = Duration.ofMinutes(5);

    private final Path dir;
    private final List<String> problems = new ArrayList<>();

    private DockerfileContract(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    /** Runs every check on the service folder {@code dir}; fails listing every problem found. */
    public static void verify(Path dir) {
        List<String> found = problems(dir);
        if (!found.isEmpty()) {
            throw new AssertionError("Container contract of " + dir.toAbsolutePath().getFileName() + ":\n  "
                    + String.join("\n  ", found));
        }
    }

    /** Every problem found, empty when the folder keeps the contract. */
    public static List<String> problems(Path dir) {
        DockerfileContract contract = new DockerfileContract(dir);
        contract.check();
        return List.copyOf(contract.problems);
    }

    /** One instruction of a Dockerfile, continuation lines joined. */
    record Instruction(int stage, String keyword, String args) {
    }

    private void check() {
        Path dockerfile = dir.resolve("Dockerfile");
        if (!Files.isRegularFile(dockerfile)) {
            problems.add("No Dockerfile in " + dir);
            return;
        }
        List<Instruction> instructions = parse(read(dockerfile));
        List<PathMatcher> ignored = dockerignore();
        checkLabels(instructions);
        int last = instructions.stream().mapToInt(Instruction::stage).max().orElse(0);
        Path built = runBuildStage(instructions, ignored);
        for (Instruction i : instructions) {
            if (!i.keyword().equals("COPY") && !i.keyword().equals("ADD")) {
                continue;
            }
            List<String> parts = new ArrayList<>(List.of(i.args().split("\\s+")));
            boolean fromStage = parts.get(0).startsWith("--from=");
            parts.removeIf(p -> p.startsWith("--"));
            List<String> sources = parts.subList(0, parts.size() - 1);
            for (String source : sources) {
                if (fromStage) {
                    if (built != null && !Files.exists(built.resolve(source.replaceFirst("^/build/?", "")))) {
                        problems.add("COPY --from takes " + source + ", which the build stage did not produce");
                    }
                } else if (source.contains("*") || source.contains("?")) {
                    continue; // a pattern: optional by design (custom.yml* when the host has one)
                } else if (!Files.exists(dir.resolve(source))) {
                    problems.add(i.keyword() + " " + source + ": no such file in the service folder");
                } else if (isIgnored(source, ignored)) {
                    problems.add(i.keyword() + " " + source + ": excluded by .dockerignore");
                }
            }
        }
        deleteQuietly(built);
        java.util.Set<String> madeExecutable = new java.util.HashSet<>();
        instructions.stream().filter(i -> i.stage() == last && i.keyword().equals("COPY")
                        && i.args().matches("(?s).*--chmod=0?[1357]\\d\\d.*"))
                .forEach(i -> List.of(i.args().split("\\s+")).stream().filter(p -> !p.startsWith("--"))
                        .forEach(madeExecutable::add));
        instructions.stream().filter(i -> i.stage() == last && (i.keyword().equals("CMD") || i.keyword().equals("ENTRYPOINT")))
                .forEach(i -> {
                    Matcher exec = Pattern.compile("\"\\./([^\"]+)\"").matcher(i.args());
                    if (exec.find()) {
                        Path file = dir.resolve(exec.group(1));
                        boolean runnable = Files.isExecutable(file)
                                || Files.exists(file) && madeExecutable.contains(exec.group(1));
                        if (!runnable) {
                            problems.add(i.keyword() + " runs ./" + exec.group(1) + ", which is missing or not executable");
                        }
                    }
                });
    }

    private void checkLabels(List<Instruction> instructions) {
        Map<String, String> labels = new LinkedHashMap<>();
        instructions.stream().filter(i -> i.keyword().equals("LABEL")).forEach(i -> {
            Matcher m = LABEL.matcher(i.args());
            while (m.find()) {
                labels.put(m.group(1), m.group(2));
            }
        });
        Map<String, Object> meta = meta();
        Object pos = meta.get("pos");
        String position = pos instanceof Map<?, ?> p ? p.get("col") + "x" + p.get("row") : null;
        expectLabel(labels, "band.service.title", String.valueOf(meta.get("title")), "meta.yml title");
        expectLabel(labels, "band.service.def_position", position, "meta.yml pos (col x row)");
        expectLabel(labels, "band.service.version", pomVersion(), "the pom's version");
    }

    private void expectLabel(Map<String, String> labels, String label, String expected, String source) {
        String actual = labels.get(label);
        if (actual == null) {
            problems.add("Missing LABEL " + label + "=\"" + expected + "\"");
        } else if (!actual.equals(expected)) {
            problems.add("LABEL " + label + " is \"" + actual + "\" but " + source + " is \"" + expected + "\"");
        }
    }

    /** Copies what the first stage copies into a temp dir, runs its RUN commands there, returns the dir. */
    private Path runBuildStage(List<Instruction> instructions, List<PathMatcher> ignored) {
        List<Instruction> build = instructions.stream().filter(i -> i.stage() == 0).toList();
        if (instructions.stream().mapToInt(Instruction::stage).max().orElse(0) == 0) {
            return null; // single-stage: nothing is built apart
        }
        try {
            Path work = Files.createTempDirectory("band-docker-build");
            for (Instruction i : build) {
                if (i.keyword().equals("COPY") && !i.args().startsWith("--from")) {
                    String[] parts = i.args().split("\\s+");
                    for (int k = 0; k < parts.length - 1; k++) {
                        if (!isIgnored(parts[k], ignored) && !parts[k].contains("*")) {
                            copy(dir.resolve(parts[k]), work.resolve(parts[k]), ignored);
                        }
                    }
                } else if (i.keyword().equals("RUN")) {
                    run(i.args(), work);
                }
            }
            return work;
        } catch (IOException e) {
            problems.add("Cannot prepare the build stage: " + e.getMessage());
            return null;
        }
    }

    private void run(String command, Path work) throws IOException {
        // the Band artifacts come from the local repository, as in the base image
        String repo = System.getProperty("maven.repo.local");
        String flags = " -ntp" + (repo == null || repo.isBlank() ? "" : " -Dmaven.repo.local=" + repo);
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command + flags).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("build.log").toFile());
        Process process = builder.start();
        try {
            if (!process.waitFor(BUILD_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                problems.add("RUN " + command + " did not finish within " + BUILD_DEADLINE.toMinutes() + " min");
            } else if (process.exitValue() != 0) {
                List<String> errors = Files.readAllLines(work.resolve("build.log")).stream()
                        .filter(l -> l.startsWith("[ERROR]") && l.length() > 8).limit(3).toList();
                problems.add("RUN " + command + " failed with " + process.exitValue() + " when built from the folder alone: "
                        + String.join(" | ", errors));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void copy(Path from, Path to, List<PathMatcher> ignored) throws IOException {
        if (Files.isDirectory(from)) {
            try (Stream<Path> walk = Files.walk(from)) {
                for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else if (!isIgnored(dir.relativize(p).toString(), ignored)) {
                        Files.copy(p, target);
                    }
                }
            }
        } else {
            Files.createDirectories(to.getParent());
            Files.copy(from, to);
        }
    }

    private static void deleteQuietly(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir: the OS cleans up
        }
    }

    static List<Instruction> parse(String text) {
        List<Instruction> out = new ArrayList<>();
        int stage = -1;
        StringBuilder line = new StringBuilder();
        for (String raw : text.split("\n")) {
            String trimmed = raw.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty() && line.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                line.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            line.append(trimmed);
            String full = line.toString().strip();
            line.setLength(0);
            int space = full.indexOf(' ');
            String keyword = (space < 0 ? full : full.substring(0, space)).toUpperCase();
            String args = space < 0 ? "" : full.substring(space + 1).strip();
            if (keyword.equals("FROM")) {
                stage++;
            }
            out.add(new Instruction(Math.max(stage, 0), keyword, args));
        }
        return out;
    }

    private List<PathMatcher> dockerignore() {
        Path file = dir.resolve(".dockerignore");
        if (!Files.exists(file)) {
            return List.of();
        }
        List<PathMatcher> out = new ArrayList<>();
        for (String line : read(file).split("\n")) {
            String pattern = line.strip().replaceAll("/$", "");
            if (!pattern.isEmpty() && !pattern.startsWith("#")) {
                out.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
                out.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern + "/**"));
            }
        }
        return out;
    }

    private static boolean isIgnored(String path, List<PathMatcher> ignored) {
        Path p = Path.of(path.replaceFirst("^\\./", ""));
        return ignored.stream().anyMatch(m -> m.matches(p));
    }

    private Map<String, Object> meta() {
        Path file = dir.resolve("meta.yml");
        if (!Files.exists(file)) {
            problems.add("No meta.yml (title, pos.col, pos.row) in the service folder");
            return Map.of();
        }
        Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(read(file));
        return loaded instanceof Map<?, ?> map ? cast(map) : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private String pomVersion() {
        String pom = read(dir.resolve("pom.xml"));
        String own = pom.replaceAll("(?s)<parent>.*?</parent>", "").replaceAll("(?s)<(dependencies|build|dependencyManagement)>.*", "");
        Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(own);
        if (m.find()) {
            return m.group(1).strip();
        }
        Matcher parent = Pattern.compile("(?s)<parent>.*?<version>([^<]+)</version>").matcher(pom);
        return parent.find() ? parent.group(1).strip() : null;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
