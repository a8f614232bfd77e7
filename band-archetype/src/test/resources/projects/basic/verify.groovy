// After the generated project's `mvn package` (its tests included): check what was generated, then
// use it as a new user would: rebuild without clean, an old JDK, `make start-dev` stopped with
// SIGTERM as director stops it, the README's first curl, `make run` stopped with Ctrl-C, and one
// edit-and-restart of `make run`. Every wait polls with a deadline.
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.TimeUnit

File dir = [new File(basedir, 'project/my_service'), new File(basedir, 'my_service'), basedir as File]
        .find { new File(it, 'pom.xml').isFile() }
assert dir != null: "no generated project under $basedir"
['pom.xml', 'config.yaml', '.gitignore', '.env.example', 'Dockerfile', '.dockerignore', 'Makefile', 'start_dev',
 'scripts/java-home', 'README.md', 'meta.yml', 'src/main/java/org/example/my_service/Service.java',
 'src/test/java/org/example/my_service/ServiceTest.java', 'target/my_service.jar'].each {
    assert new File(dir, it).exists(): "generated project lacks $it"
}
assert new File(dir, 'start_dev').canExecute(): './start_dev is not executable'
assert new File(dir, 'scripts/java-home').canExecute(): 'scripts/java-home is not executable'
assert new File(dir, '.gitignore').text.contains('custom.yml')
String env = new File(dir, '.env.example').text
assert env.contains('\n#NAME=my_service\n') && !env.contains('skeleton'): ".env.example names another service:\n$env"
List<String> comments = env.readLines().findAll { it.startsWith('# ') }
assert comments == comments.unique(false): ".env.example repeats a comment:\n$env"
String dockerfile = new File(dir, 'Dockerfile').text
assert dockerfile.contains('LABEL band.service.version="0.1.0-SNAPSHOT"')
assert dockerfile.contains('band.service.title="My service"')
assert dockerfile.contains('band.service.def_position="4x0"')
assert dockerfile.contains('ARG BAND_BASE=rockstat/band-base-java:0.1.0-SNAPSHOT')
assert dockerfile.contains('ARG BAND_RUNTIME=rockstat/band-runtime-java:0.1.0-SNAPSHOT')
assert new File(dir, 'config.yaml').text.contains("{{HOST|default('0.0.0.0')}}:{{PORT|default(8080)}}")

String repo = System.getProperty('maven.repo.local')
String mvnFlags = '-B -ntp -o' + (repo ? " -Dmaven.repo.local=$repo" : '')   // the build's own repository
File logs = new File(dir, 'it-logs')
logs.mkdirs()

/** Runs a command in the project to its end; returns [exit code, output]. */
def run = { List<String> command, Map<String, String> extraEnv = [:] ->
    File log = File.createTempFile('cmd', '.log', logs)
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir).redirectErrorStream(true).redirectOutput(log)
    builder.environment().putAll(extraEnv)
    Process p = builder.start()
    assert p.waitFor(300, TimeUnit.SECONDS): "$command did not finish in 300 s:\n$log.text"
    [p.exitValue(), log.text]
}

// Rebuilt without `clean`, the shaded jar is made from the plain one again, never from itself.
def (int rebuilt, String rebuildLog) = run(['mvn'] + mvnFlags.split(' ').toList() + ['package', '-DskipTests'])
assert rebuilt == 0: rebuildLog
assert !rebuildLog.contains('overlapping'): "a build without clean warns of overlapping classes:\n$rebuildLog"

// A JDK 17 gets the JDK advice, from Maven and from make, instead of "release version 21 not supported".
File jdk17 = new File('/usr/lib/jvm').listFiles()?.find {
    File release = new File(it, 'release')
    !java.nio.file.Files.isSymbolicLink(it.toPath()) && release.isFile() && release.text =~ /JAVA_VERSION="17[."]/
}
if (jdk17 != null) {
    // MAVEN_OPTS: JDK 17 does not know the flags an outer make may have set for a newer JDK
    def (int code, String out) = run(['mvn'] + mvnFlags.split(' ').toList() + ['validate'],
            [JAVA_HOME: jdk17.path, MAVEN_OPTS: ''])
    assert code != 0 && out.contains('This service needs JDK 21 or newer to build (found 17'): out
    assert !out.contains('release version'): out
    // make on a machine whose only JDK is 17: a PATH of the tools make and the finder use, nothing else
    File bin = new File(logs, 'bin-jdk17')
    bin.mkdirs()
    ['bash', 'sh', 'sed', 'dirname', 'readlink', 'head', 'cat', 'ls', 'make'].each { tool ->
        String path = ['/usr/bin', '/bin'].collect { "$it/$tool" }.find { new File(it).canExecute() }
        java.nio.file.Files.createSymbolicLink(new File(bin, tool).toPath(), new File(path).toPath())
    }
    java.nio.file.Files.createSymbolicLink(new File(bin, 'java').toPath(), new File(jdk17, 'bin/java').toPath())
    def (int makeCode, String makeOut) = run(['make', 'test'],
            [JAVA_HOME: jdk17.path, BAND_JVM_DIR: logs.path, PATH: bin.path])
    assert makeCode != 0 && makeOut.contains('Band needs a JDK 21 or newer, and none was found'): makeOut
    assert makeOut.contains('(JDK 17)') && makeOut.contains('No JDK 21+ found'): makeOut
} else {
    println 'verify.groovy: no JDK 17 under /usr/lib/jvm, the old-JDK checks did not run'
}

HttpClient http = HttpClient.newHttpClient()
int port = new ServerSocket(0).withCloseable { it.localPort }

/**
 * Starts `make <target>` as a terminal's foreground job would (its own process group, SIGINT at its
 * default, which a background job does not get), output to a log. Returns [process, log, start nanos].
 */
def startMake = { String target ->
    File log = new File(logs, "make-${target}-${System.nanoTime()}.log")
    ProcessBuilder builder = new ProcessBuilder('perl', '-e',
            'use POSIX (); $SIG{INT} = "DEFAULT"; POSIX::setsid(); exec @ARGV or die "exec: $!"', 'make', target)
            .directory(dir).redirectErrorStream(true).redirectOutput(log)
    builder.environment().putAll([PORT: String.valueOf(port), HOST: '127.0.0.1', MVN_FLAGS: mvnFlags])
    [builder.start(), log, System.nanoTime()]
}

/** Polls GET path until 200 or the deadline; returns the body, or fails with the log. */
def awaitAnswer = { Process make, File log, String path ->
    long deadline = System.currentTimeMillis() + 120_000
    while (make.isAlive() && System.currentTimeMillis() < deadline) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:$port$path")).build(),
                    HttpResponse.BodyHandlers.ofString())
            if (response.statusCode() == 200) {
                return response.body()
            }
        } catch (IOException notYet) {
            // not listening yet
        }
        Thread.sleep(100)
    }
    assert false: "make did not answer $path within 120 s:\n$log.text"
}

def stopped = { Process make, File log ->
    assert make.waitFor(60, TimeUnit.SECONDS): "make did not end after the service was stopped:\n$log.text"
    assert log.text.contains("Service 'my_service' stopped"): "no graceful stop in:\n$log.text"
    assert !log.text.contains('make: ***'): "make printed an error for a clean stop:\n$log.text"
}

// make start-dev: says something at once, serves the README's first curl, and a SIGTERM to the
// service (what director sends) ends make with status 0.
def (Process startDev, File startDevLog, long startDevAt) = startMake('start-dev')
long firstOutput = System.currentTimeMillis() + 2_000
while (startDevLog.length() == 0 && System.currentTimeMillis() < firstOutput) {
    Thread.sleep(20)
}
assert startDevLog.length() > 0: 'make start-dev printed nothing within 2 s'
awaitAnswer(startDev, startDevLog, '/__status')
String firstCurl = new File(dir, 'README.md').readLines().find { it.startsWith('$ curl ') }
assert firstCurl != null: 'the README shows no curl'
String url = (firstCurl =~ /localhost:8080(\S*)/)[0][1].replace("'", '')
String body = awaitAnswer(startDev, startDevLog, url)
String readmeAnswer = new File(dir, 'README.md').readLines().with { it[it.indexOf(firstCurl) + 1] }
def slurper = new groovy.json.JsonSlurper()
assert slurper.parseText(body).text == slurper.parseText(readmeAnswer).text: "README promises $readmeAnswer, got $body"
ProcessHandle service = startDev.descendants().filter { it.info().command().orElse('').endsWith('/java') }.findFirst()
        .orElseThrow { new AssertionError("no java process under make start-dev:\n$startDevLog.text") }
service.destroy()   // SIGTERM
stopped(startDev, startDevLog)
assert startDev.exitValue() == 0: "make start-dev ended with ${startDev.exitValue()} after SIGTERM:\n$startDevLog.text"

// make run: from the classes; a Ctrl-C (SIGINT to the foreground process group) stops it without make noise.
def (Process run1, File run1Log, long run1At) = startMake('run')
awaitAnswer(run1, run1Log, '/hello')
new ProcessBuilder('kill', '-INT', '--', "-${run1.pid()}").start().waitFor()
stopped(run1, run1Log)

// One edit, one restart: how long from the save to the first answer.
File source = new File(dir, 'src/main/java/org/example/my_service/Service.java')
source.text = source.text.replace('who.orElse("world")', 'who.orElse("there")')
def (Process run2, File run2Log, long run2At) = startMake('run')
String edited = awaitAnswer(run2, run2Log, '/hello')
long restartMillis = (System.nanoTime() - run2At).intdiv(1_000_000)
assert slurper.parseText(edited).text == 'Hello, there!': "the edit is not in the restarted service: $edited"
assert run2Log.text.contains("Only my_service's sources changed since Maven's last build: compiling them with javac"):
        "make run went through Maven for an edit to the service's source alone:\n$run2Log.text"
println "verify.groovy: make run, edit to answer: ${restartMillis} ms"
new File(logs, 'make-run-restart-millis.txt').text = String.valueOf(restartMillis)
new ProcessBuilder('kill', '-INT', '--', "-${run2.pid()}").start().waitFor()
stopped(run2, run2Log)
return true
