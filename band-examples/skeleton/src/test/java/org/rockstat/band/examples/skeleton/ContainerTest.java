package org.rockstat.band.examples.skeleton;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.rockstat.band.testing.DockerfileContract;

/** The image director builds from this folder: build stage run from the folder alone, paths, labels. */
class ContainerTest {
    @Test
    void containerBuildsFromThisFolderAlone() {
        DockerfileContract.verify(Path.of(""));
    }
}
