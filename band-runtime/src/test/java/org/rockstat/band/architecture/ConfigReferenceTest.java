package org.rockstat.band.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.rockstat.band.internal.config.ConfigKey;
import org.rockstat.band.internal.config.EnvVar;

/** Every key and variable Band reads is documented where a user looks for it. */
class ConfigReferenceTest {
    private static final Path ROOT = SourceTree.root();

    @Test
    void everyConfigKeyIsInTheReadmesReference() {
        String readme = SourceTree.read(ROOT.resolve("README.md"));
        int start = readme.indexOf("## Configuration");
        assertThat(start).as("README has a Configuration section").isPositive();
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
        assertThat(Arrays.stream(ConfigKey.values()).map(ConfigKey::path))
                .as("keys missing from README.md's configuration table")
                .allSatisfy(path -> assertThat(section).contains("| `" + path + "`"));
    }

    @Test
    void everyEnvironmentVariableIsInTheEnvExample() {
        String example = SourceTree.read(ROOT.resolve(".env.example"));
        assertThat(Arrays.stream(EnvVar.values()).map(Enum::name))
                .as("variables missing from .env.example")
                .allSatisfy(name -> assertThat(Pattern.compile("^#?" + name + "=", Pattern.MULTILINE)
                                .matcher(example)
                                .find())
                        .as(name)
                        .isTrue());
    }
}
