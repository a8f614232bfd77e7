package org.rockstat.band.internal.config;

import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import io.github.cdimascio.dotenv.internal.DotenvParser;
import io.github.cdimascio.dotenv.internal.DotenvReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;

/**
 * Builds the environment config templates see: {@code .env}, then {@code .env.local} over it,
 * then the real process environment over both, the way the Python services' tooling layers
 * them. Never touches the JVM's own environment. Lines may start with {@code export }, as
 * python-dotenv allows (so a file can also be {@code source}d by a shell).
 *
 * <pre>{@code
 * Map<String, String> env = DotEnvFiles.effective(Path.of(""), System.getenv(), problems);
 * }</pre>
 */
public final class DotEnvFiles {
    /** The files read, lowest precedence first. */
    public static final List<String> FILES = List.of(".env", ".env.local");

    /** {@code export KEY=...}: the prefix goes, the entry stays (not {@code export=1}, a key named export). */
    private static final Pattern EXPORT = Pattern.compile("^(\\s*)export\\s+(?=[\\w.-]+\\s*=)");

    private DotEnvFiles() {}

    /**
     * The effective environment for {@code workDir}. Missing files are skipped; unreadable ones
     * are recorded in {@code problems}.
     */
    public static Map<String, String> effective(Path workDir, Map<String, String> processEnv, Problems problems) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : FILES) {
            env.putAll(read(workDir.resolve(name), problems));
        }
        env.putAll(processEnv);
        return env;
    }

    /** The entries declared in one dotenv file, or none when it does not exist. */
    static Map<String, String> read(Path file, Problems problems) {
        Map<String, String> entries = new LinkedHashMap<>();
        // checked here: for a missing file dotenv-java would fall back to the classpath
        if (!Files.isRegularFile(file)) {
            return entries;
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            // dotenv-java's own parser, fed lines without the `export ` prefix it rejects
            DotenvReader lines =
                    new DotenvReader(dir.toString(), file.getFileName().toString()) {
                        @Override
                        public List<String> read() throws IOException {
                            return super.read().stream()
                                    .map(line -> EXPORT.matcher(line).replaceFirst("$1"))
                                    .toList();
                        }
                    };
            for (DotenvEntry entry : new DotenvParser(lines, false, true).parse()) {
                entries.put(entry.getKey(), unquote(entry.getValue()));
            }
        } catch (DotenvException e) {
            problems.add(
                    "Unreadable environment file (" + e.getMessage() + ")",
                    Where.file(file, 0, 0),
                    "write one KEY=value (or export KEY=value) per line and quote values that contain '#'");
        }
        return entries;
    }

    /** dotenv-java strips double quotes only; single quotes are common in .env files too. */
    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("'") && value.endsWith("'")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
