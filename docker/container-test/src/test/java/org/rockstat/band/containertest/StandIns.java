package org.rockstat.band.containertest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Local images under the real names of the bases Band's images start from, since no registry is
 * reachable here: a Debian bookworm minbase root file system (debootstrap) with the host's Temurin
 * 25 as {@code maven:3.9-eclipse-temurin-25} (with Apache Maven from Maven Central) and a JRE
 * jlinked from it as {@code eclipse-temurin:25-jre}, laid out as the real images are
 * ({@code /opt/java/openjdk}, {@code /usr/share/maven}, {@code JAVA_HOME}, {@code PATH}).
 *
 * <p>Cached: the root file system, the JRE and Maven in {@link #cache}, the images in podman's
 * storage, labelled with a key of what they were made from; a changed key (another JDK, Maven or
 * {@link #RECIPE}) rebuilds them.
 *
 * <pre>{@code
 * new StandIns(cache, logs, podman).ensure();
 * }</pre>
 */
final class StandIns {
    static final String MINBASE = "localhost/band-container-test/bookworm-minbase";
    static final String JRE = "docker.io/library/eclipse-temurin:25-jre";
    static final String MAVEN = "docker.io/library/maven:3.9-eclipse-temurin-25";
    static final Path JDK = Path.of(System.getProperty("band.standIn.jdk", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    static final String MAVEN_VERSION = "3.9.16";

    /** Raise when the stand-ins change, so cached ones are rebuilt. */
    static final String RECIPE = "2";

    private static final String KEY_LABEL = "band.container-test.key";
    private static final String PATH_ENV =
            "/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** What a JRE leaves out of a JDK: the tools for building and inspecting, as Temurin's JRE does. */
    private static final Pattern JDK_ONLY =
            Pattern.compile("jdk\\.(compiler|javadoc|jshell|jlink|jpackage|jdeps|jartool"
                    + "|jconsole|jcmd|jstatd|hotspot\\.agent|editpad|internal\\.ed|internal\\.le|internal\\.opt|jdi"
                    + "|graal\\.compiler(\\.management)?|internal\\.vm\\.ci|incubator\\..*)");

    private final Path cache;
    private final Path logs;
    private final Podman podman;

    StandIns(Path cache, Path logs, Podman podman) {
        this.cache = cache;
        this.logs = logs;
        this.podman = podman;
    }

    /** Makes both stand-ins unless podman holds them with the current key; true when it built them. */
    boolean ensure() throws IOException {
        String key = key();
        if (hasKey(JRE, key) && hasKey(MAVEN, key)) {
            return false;
        }
        Path rootfs = rootfs();
        Shell.ok(
                Duration.ofMinutes(5),
                logs.resolve("standin-import.log"),
                List.of(
                        "bash",
                        "-c",
                        "set -o pipefail; tar -C '" + rootfs + "' -c . | podman import - " + MINBASE + ":" + key));
        Path context = cache.resolve("context");
        Shell.ok(Duration.ofMinutes(2), logs.resolve("standin-context.log"), List.of("rm", "-rf", context.toString()));
        Files.createDirectories(context);
        // the JDK with its cacerts as a file: Debian's package links it to /etc/ssl, outside the image
        Shell.ok(
                Duration.ofMinutes(5),
                logs.resolve("standin-context.log"),
                List.of(
                        "bash",
                        "-c",
                        "cp -a '" + JDK + "' '" + context.resolve("jdk") + "' && rm -f '"
                                + context.resolve("jdk/lib/security/cacerts")
                                + "' && cp -L '" + JDK.resolve("lib/security/cacerts") + "' '"
                                + context.resolve("jdk/lib/security/cacerts") + "' && cp -a '" + jre() + "' '"
                                + context.resolve("jre") + "' && cp -a '" + maven() + "' '" + context.resolve("maven")
                                + "'"));
        String env = "ENV JAVA_HOME=/opt/java/openjdk PATH=" + PATH_ENV + " LANG=C.UTF-8 LC_ALL=C.UTF-8 JAVA_VERSION="
                + release("JAVA_RUNTIME_VERSION") + "\n";
        String label = "LABEL " + KEY_LABEL + "=" + key + "\n";
        Files.writeString(
                context.resolve("Containerfile.jre"),
                "FROM " + MINBASE + ":" + key + "\n" + "COPY jre /opt/java/openjdk\n" + env + label);
        Files.writeString(
                context.resolve("Containerfile.maven"),
                "FROM " + MINBASE + ":" + key + "\n"
                        + "COPY jdk /opt/java/openjdk\n"
                        + "COPY maven /usr/share/maven\n"
                        + "RUN ln -s /usr/share/maven/bin/mvn /usr/bin/mvn\n"
                        + env.strip() + " MAVEN_HOME=/usr/share/maven MAVEN_CONFIG=/root/.m2\n" + label
                        + "CMD [\"mvn\"]\n");
        for (String image : List.of(JRE, MAVEN)) {
            String kind = image.equals(JRE) ? "jre" : "maven";
            podman.build(
                    image,
                    context,
                    context.resolve("Containerfile." + kind),
                    null,
                    java.util.Map.of(),
                    logs.resolve("standin-" + kind + ".log"));
        }
        Shell.run(Duration.ofMinutes(2), logs.resolve("standin-context.log"), List.of("rm", "-rf", context.toString()));
        return true;
    }

    private boolean hasKey(String image, String key) {
        return podman.exists(image)
                && key.equals(podman.inspect(image)
                        .path("Config")
                        .path("Labels")
                        .path(KEY_LABEL)
                        .asText());
    }

    /** debootstrap's minbase bookworm, made once; a half-made one (no marker) is made again. */
    private Path rootfs() throws IOException {
        Path rootfs = cache.resolve("bookworm-minbase");
        Path done = cache.resolve("bookworm-minbase.done");
        if (Files.exists(done) && Files.isDirectory(rootfs)) {
            return rootfs;
        }
        Shell.ok(Duration.ofMinutes(2), logs.resolve("debootstrap.log"), List.of("rm", "-rf", rootfs.toString()));
        Shell.ok(
                Duration.ofMinutes(15),
                logs.resolve("debootstrap.log"),
                List.of("debootstrap", "--variant=minbase", "bookworm", rootfs.toString()));
        Files.writeString(done, "");
        return rootfs;
    }

    /** A JRE jlinked from the JDK (no jmods needed on JDK 24+), once per JDK version. */
    private Path jre() throws IOException {
        Path jre = cache.resolve("jre-" + release("JAVA_RUNTIME_VERSION"));
        if (Files.isRegularFile(jre.resolve("release"))) {
            return jre;
        }
        String modules = Shell.ok(
                        Duration.ofMinutes(1),
                        logs.resolve("jlink.log"),
                        List.of(JDK.resolve("bin/java").toString(), "--list-modules"))
                .lines()
                .skip(1)
                .map(line -> line.replaceFirst("@.*", "").strip())
                .filter(module -> !module.isEmpty() && !JDK_ONLY.matcher(module).matches())
                .reduce((a, b) -> a + "," + b)
                .orElseThrow();
        Shell.ok(Duration.ofMinutes(2), logs.resolve("jlink.log"), List.of("rm", "-rf", jre.toString()));
        Shell.ok(
                Duration.ofMinutes(5),
                logs.resolve("jlink.log"),
                List.of(
                        JDK.resolve("bin/jlink").toString(),
                        "--add-modules",
                        modules,
                        "--output",
                        jre.toString(),
                        "--strip-debug",
                        "--no-man-pages",
                        "--no-header-files"));
        return jre;
    }

    /** Apache Maven's distribution, fetched from Maven Central by Maven itself, once. */
    private Path maven() throws IOException {
        Path home = cache.resolve("apache-maven-" + MAVEN_VERSION);
        if (Files.isExecutable(home.resolve("bin/mvn"))) {
            return home;
        }
        Path downloads = cache.resolve("downloads");
        List<String> command = new ArrayList<>(List.of(
                "mvn",
                "-B",
                "-ntp",
                "-q",
                "org.apache.maven.plugins:maven-dependency-plugin:3.9.0:copy",
                "-Dartifact=org.apache.maven:apache-maven:" + MAVEN_VERSION + ":tar.gz:bin",
                "-DoutputDirectory=" + downloads));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            command.add("-Dmaven.repo.local=" + repo);
        }
        Shell.ok(Duration.ofMinutes(5), logs.resolve("maven-download.log"), command);
        Shell.ok(
                Duration.ofMinutes(2),
                logs.resolve("maven-download.log"),
                List.of(
                        "tar",
                        "-C",
                        cache.toString(),
                        "-xzf",
                        downloads
                                .resolve("apache-maven-" + MAVEN_VERSION + "-bin.tar.gz")
                                .toString()));
        return home;
    }

    private static String release(String field) {
        try {
            Matcher m = Pattern.compile("(?m)^" + field + "=\"([^\"]+)\"")
                    .matcher(Files.readString(JDK.resolve("release")));
            if (!m.find()) {
                throw new AssertionError("No " + field + " in " + JDK.resolve("release"));
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException("No JDK at " + JDK + " (set -Dband.standIn.jdk to a Temurin 25)", e);
        }
    }

    private static String key() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((RECIPE + "|" + release("JAVA_RUNTIME_VERSION") + "|" + MAVEN_VERSION)
                            .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
