package org.rockstat.band.internal.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.rockstat.band.config.Settings;

/**
 * What {@link ConfigLoader} produced, kept together so the runtime can log where its settings
 * came from.
 *
 * @param settings the merged, templated tree with defaults applied
 * @param env the effective environment: {@code .env}, {@code .env.local}, then the process env
 * @param files the YAML files actually read, in merge order
 */
public record LoadedConfig(Settings settings, Map<String, String> env, List<Path> files) {
    /** Copies {@code env} and {@code files} so the record stays immutable. */
    public LoadedConfig {
        env = Map.copyOf(env);
        files = List.copyOf(files);
    }
}
