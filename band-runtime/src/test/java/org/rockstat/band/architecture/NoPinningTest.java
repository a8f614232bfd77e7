package org.rockstat.band.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Calls, deliveries and jobs run on virtual threads, and before JDK 24 a virtual thread that
 * blocks inside {@code synchronized} pins its carrier; Band supports JDK 21. So the library's own
 * code (core, runtime, testkit) locks with {@code java.util.concurrent.locks} only: no
 * {@code synchronized}, no {@code Object.wait}/{@code notify}.
 */
class NoPinningTest {
    private static final Pattern MONITOR =
            Pattern.compile("\\bsynchronized\\b|\\.wait\\(\\s*(\\d+\\s*)?\\)|\\.notify(All)?\\(\\)");

    @Test
    void libraryCodeUsesNoMonitors() {
        Path root = SourceTree.root();
        List<String> found = new ArrayList<>();
        for (Path file : SourceTree.javaFiles(root)) {
            String rel = root.relativize(file).toString();
            boolean library = rel.startsWith("band-core/src/main/")
                    || rel.startsWith("band-runtime/src/main/")
                    || rel.startsWith("band-testkit/src/main/");
            if (!library) {
                continue;
            }
            String[] lines = SourceTree.read(file).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String code = lines[i].replaceAll("//.*", "").replaceAll("\"([^\"\\\\]|\\\\.)*\"", "\"\"");
                if (!code.trim().startsWith("*") && MONITOR.matcher(code).find()) {
                    found.add(rel + ":" + (i + 1) + ": " + lines[i].trim());
                }
            }
        }
        assertThat(found).as("monitors in code that runs on virtual threads").isEmpty();
    }
}
