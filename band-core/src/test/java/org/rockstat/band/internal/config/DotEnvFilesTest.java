package org.rockstat.band.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rockstat.band.internal.problem.Problems;

class DotEnvFilesTest {
    @TempDir
    Path dir;

    private Map<String, String> effective(Map<String, String> processEnv) {
        Problems problems = new Problems();
        Map<String, String> env = DotEnvFiles.effective(dir, processEnv, problems);
        assertThat(problems.list()).isEmpty();
        return env;
    }

    @Test
    void missingFilesGiveTheProcessEnvironment() {
        assertThat(effective(Map.of("A", "1"))).containsExactlyInAnyOrderEntriesOf(Map.of("A", "1"));
    }

    @Test
    void layersDotEnvThenLocalThenProcess() throws IOException {
        Files.writeString(dir.resolve(".env"), "ONLY_ENV=env\nLOCAL_WINS=env\nPROCESS_WINS=env\nALL=env\n");
        Files.writeString(dir.resolve(".env.local"), "ONLY_LOCAL=local\nLOCAL_WINS=local\nALL=local\n");
        Map<String, String> env = effective(Map.of("PROCESS_WINS", "process", "ALL", "process"));
        assertThat(env)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "ONLY_ENV", "env",
                        "ONLY_LOCAL", "local",
                        "LOCAL_WINS", "local",
                        "PROCESS_WINS", "process",
                        "ALL", "process"));
    }

    @Test
    void localAloneIsRead() throws IOException {
        Files.writeString(dir.resolve(".env.local"), "PORT=9000\n");
        assertThat(effective(Map.of())).containsExactlyInAnyOrderEntriesOf(Map.of("PORT", "9000"));
    }

    @Test
    void quotedValuesAndCommentsAreParsed() throws IOException {
        Files.writeString(
                dir.resolve(".env"),
                "# comment\n\nDOUBLE=\"two words\"\nSINGLE='one # hash'\n"
                        + "PLAIN=redis://redis:6379/1\nEMPTY=\nINLINE=1 # comment\nSPACED = x \n");
        assertThat(effective(Map.of()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "DOUBLE", "two words",
                        "SINGLE", "one # hash",
                        "PLAIN", "redis://redis:6379/1",
                        "EMPTY", "",
                        "INLINE", "1",
                        "SPACED", "x"));
    }

    @Test
    void exportPrefixedLinesAreReadAsPythonDotenvReadsThem() throws IOException {
        Files.writeString(
                dir.resolve(".env"),
                "export REDIS_DSN=redis://redis:6379\n  export   QUOTED=\"a b\"\nexport\tTABBED='x'\n"
                        + "export=kept\nexported=plain\n");
        assertThat(effective(Map.of()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "REDIS_DSN", "redis://redis:6379",
                        "QUOTED", "a b",
                        "TABBED", "x",
                        "export", "kept",
                        "exported", "plain"));
    }

    @Test
    void aMalformedLineIsAProblemNamingTheFile() throws IOException {
        Files.writeString(dir.resolve(".env"), "GOOD=1\nexport\n");
        Problems problems = new Problems();
        DotEnvFiles.effective(dir, Map.of(), problems);
        assertThat(problems.list()).singleElement().asString().contains(".env").contains("Malformed entry export");
    }

    @Test
    void doesNotSetSystemProperties() throws IOException {
        // dotenv-java can copy entries into system properties; Band keeps them in its own map only
        Files.writeString(dir.resolve(".env"), "BAND_DOTENV_TEST_ONLY=1\n");
        assertThat(effective(Map.of())).containsEntry("BAND_DOTENV_TEST_ONLY", "1");
        assertThat(System.getProperty("BAND_DOTENV_TEST_ONLY")).isNull();
    }
}
