package org.rockstat.band.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract check finds each kind of mistake. */
class DockerfileContractTest {

    private static void write(Path dir, String name, String text) throws Exception {
        Files.writeString(dir.resolve(name), text);
    }

    private static void service(Path dir, String dockerfile) throws Exception {
        write(dir, "Dockerfile", dockerfile);
        write(dir, "meta.yml", "title: Geo\npos:\n  col: 2\n  row: 1\n");
        write(dir, "pom.xml", "<project><parent><version>1.0</version></parent><artifactId>geo</artifactId></project>");
        write(dir, "config.yaml", "name: geo\n");
        write(dir, ".dockerignore", "target/\ncustom.yml\n");
        write(dir, "custom.yml", "secret: x\n");
    }

    @Test
    void aFolderThatKeepsTheContractPasses(@TempDir Path dir) throws Exception {
        service(dir, """
                FROM eclipse-temurin:21-jre
                LABEL band.service.version="1.0"
                LABEL band.service.title="Geo" \\
                      band.service.def_position="2x1"
                COPY config.yaml ./
                CMD ["java", "-jar", "geo.jar"]
                """);
        assertThat(DockerfileContract.problems(dir)).isEmpty();
    }

    @Test
    void everyProblemIsReported(@TempDir Path dir) throws Exception {
        service(dir, """
                FROM eclipse-temurin:21-jre
                LABEL band.service.version="0.9"
                LABEL band.service.title="Geo service"
                COPY config.yaml data.mmdb ./
                COPY custom.yml ./
                CMD ["./start_dev"]
                """);
        assertThat(DockerfileContract.problems(dir)).containsExactly(
                "LABEL band.service.title is \"Geo service\" but meta.yml title is \"Geo\"",
                "Missing LABEL band.service.def_position=\"2x1\"",
                "LABEL band.service.version is \"0.9\" but the pom's version is \"1.0\"",
                "COPY data.mmdb: no such file in the service folder",
                "COPY custom.yml: excluded by .dockerignore",
                "CMD runs ./start_dev, which is missing or not executable");
        assertThatThrownBy(() -> DockerfileContract.verify(dir)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("COPY data.mmdb: no such file in the service folder");
    }
}
