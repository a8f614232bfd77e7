package org.rockstat.band.internal.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rockstat.band.internal.json.Json;
import org.rockstat.band.internal.problem.Problems;
import org.rockstat.band.internal.problem.Problems.Where;

/**
 * Loads a service's configuration the way the Python Rockstat services do: environment from
 * {@code .env}/{@code .env.local}/process, then {@code config.yaml} and {@code custom.yml}
 * rendered as templates, parsed as YAML, deep-merged, with defaults applied. Every problem
 * found in the files is reported in one {@link org.rockstat.band.config.ConfigurationException}.
 */
public final class ConfigLoader {
    /** The main, committed config file. */
    public static final String CONFIG_FILE = "config.yaml";
    /** The private override file merged over {@link #CONFIG_FILE}. */
    public static final String CUSTOM_FILE = "custom.yml";

    private final ConfigDefaults defaults;

    /** A loader applying {@code defaults} after the merge. */
    public ConfigLoader(ConfigDefaults defaults) {
        this.defaults = defaults;
    }

    /**
     * Loads the configuration in {@code workDir}, with {@code processEnv} (usually
     * {@code System.getenv()}) over the dotenv files.
     *
     * @throws org.rockstat.band.config.ConfigurationException listing every problem found
     */
    public static LoadedConfig load(Path workDir, Map<String, String> processEnv) {
        return new ConfigLoader(ConfigDefaults.system()).read(workDir, processEnv);
    }

    /** As {@link #load}, with this loader's defaults. */
    public LoadedConfig read(Path workDir, Map<String, String> processEnv) {
        Path dir = workDir.toAbsolutePath().normalize();
        Problems problems = new Problems();
        Map<String, String> env = DotEnvFiles.effective(dir, processEnv, problems);
        ObjectNode tree = Json.object();
        List<Path> files = new ArrayList<>();
        for (String name : List.of(CONFIG_FILE, CUSTOM_FILE)) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                files.add(file);
                Optional<ObjectNode> parsed = readFile(file, env, problems);
                if (parsed.isPresent()) {
                    tree = DeepMerge.merge(tree, parsed.get());
                }
            }
        }
        if (problems.isEmpty()) {
            defaults.apply(tree, env, problems);
        }
        problems.throwIfAny();
        return new LoadedConfig(SettingsTrees.wrap(tree), env, files);
    }

    private static Optional<ObjectNode> readFile(Path file, Map<String, String> env, Problems problems) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(
                    "Cannot read the file (" + e + ")", Where.file(file, 0, 0), "make it a readable UTF-8 text file");
            return Optional.empty();
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return TemplateRenderer.render(text, file, env, problems)
                .flatMap(rendered -> YamlFiles.parse(rendered, file, problems));
    }
}
