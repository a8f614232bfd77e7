package org.rockstat.band.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The line between Band's public API and its internals holds: code may use an
 * {@code org.rockstat.band.internal..} package only in the module that owns it (its main and test
 * sources), and band-runtime may use band-core's, the one declared friend. The testkit, the
 * fixtures, the examples, the archetype's templates and the benchmarks use public API only.
 *
 * <p>Checked on the sources, not the class files, so the archetype's templates (compiled only in
 * a generated project) and every module are covered from one test in the normal build.
 */
class PublicApiBoundaryTest {
    private static final Pattern INTERNAL = Pattern.compile("org\\.rockstat\\.band\\.internal\\.([a-z][a-z0-9]*)");
    private static final Pattern PACKAGE =
            Pattern.compile("^package (org\\.rockstat\\.band[a-z0-9.]*);", Pattern.MULTILINE);
    /** Modules that may use another module's internals. */
    private static final Map<String, Set<String>> FRIENDS = Map.of("band-runtime", Set.of("band-core"));

    @Test
    void internalsAreUsedOnlyByTheModuleThatOwnsThem() {
        Path root = SourceTree.root();
        Map<String, String> owners = new TreeMap<>();
        for (Path file : SourceTree.javaFiles(root)) {
            String module = module(root, file);
            if (isMainSource(root, file)) {
                Matcher pkg = PACKAGE.matcher(SourceTree.read(file));
                if (pkg.find() && pkg.group(1).startsWith("org.rockstat.band.internal.")) {
                    owners.put(pkg.group(1).split("\\.")[4], module);
                }
            }
        }
        assertThat(owners).containsKeys("dispatch", "registry", "transport", "http", "rpc");

        var violations = new ArrayList<String>();
        for (Path file : SourceTree.javaFiles(root)) {
            String module = module(root, file);
            Set<String> used = new TreeSet<>();
            Matcher m = INTERNAL.matcher(SourceTree.read(file));
            while (m.find()) {
                used.add(m.group(1));
            }
            for (String pkg : used) {
                String owner = owners.get(pkg);
                boolean allowed = module.equals(owner)
                        || FRIENDS.getOrDefault(module, Set.of()).contains(owner);
                if (!allowed) {
                    violations.add(root.relativize(file) + " uses org.rockstat.band.internal." + pkg + " of "
                            + (owner == null ? "no module" : owner));
                }
            }
        }
        assertThat(violations)
                .as("imports of internals from outside their module")
                .isEmpty();
    }

    @Test
    void everyPublicTypeIsListedInTheApiPageAndNothingElse() throws Exception {
        Path root = SourceTree.root();
        Set<String> published = new TreeSet<>();
        for (Path file : SourceTree.javaFiles(root)) {
            if (!isMainSource(root, file) || !isLibrary(module(root, file))) {
                continue;
            }
            String text = SourceTree.read(file);
            Matcher pkg = PACKAGE.matcher(text);
            String name = file.getFileName().toString().replace(".java", "");
            if (pkg.find()
                    && !pkg.group(1).contains(".internal")
                    && !name.equals("package-info")
                    && Pattern.compile(
                                    "^public (final |sealed |abstract )*(class|interface|record|enum|@interface) "
                                            + name + "\\b",
                                    Pattern.MULTILINE)
                            .matcher(text)
                            .find()) {
                published.add(pkg.group(1) + "." + name);
            }
        }
        String api = Files.readString(root.resolve("docs/api.md"));
        Set<String> listed = new TreeSet<>();
        Matcher code = Pattern.compile("`(org\\.rockstat\\.band[a-z.]*\\.[A-Z][A-Za-z]*)`")
                .matcher(api);
        while (code.find()) {
            listed.add(code.group(1));
        }
        assertThat(listed).as("types in docs/api.md").isEqualTo(published);
    }

    private static boolean isLibrary(String module) {
        return module.equals("band-core")
                || module.equals("band-runtime")
                || module.equals("band-testkit")
                || module.equals("band-test-fixtures");
    }

    private static boolean isMainSource(Path root, Path file) {
        return root.relativize(file).toString().contains("/src/main/java/");
    }

    /** The module a file belongs to: {@code band-core}, {@code band-examples/debug}... */
    private static String module(Path root, Path file) {
        Path rel = root.relativize(file);
        String first = rel.getName(0).toString();
        if (first.equals("band-examples") && rel.getNameCount() > 1) {
            return first + "/" + rel.getName(1);
        }
        return first;
    }
}
