// After the generated project's `mvn package` (its tests included): check what was generated,
// then run `make start-dev`, wait for /__status (poll with a deadline) and stop it with SIGTERM.
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

File dir = [new File(basedir, 'project/my_service'), new File(basedir, 'my_service'), basedir as File]
        .find { new File(it, 'pom.xml').isFile() }
assert dir != null: "no generated project under $basedir"
['pom.xml', 'config.yaml', '.gitignore', '.env.example', 'Dockerfile', '.dockerignore', 'Makefile', 'start_dev',
 'README.md', 'meta.yml', 'src/main/java/org/example/my_service/Service.java',
 'src/test/java/org/example/my_service/ServiceTest.java', 'target/my_service.jar'].each {
    assert new File(dir, it).exists(): "generated project lacks $it"
}
assert new File(dir, '.gitignore').text.contains('custom.yml')
String dockerfile = new File(dir, 'Dockerfile').text
assert dockerfile.contains('LABEL band.service.title="My service"')
assert dockerfile.contains('LABEL band.service.def_position="4x0"')
assert new File(dir, 'config.yaml').text.contains("{{HOST|default('0.0.0.0')}}:{{PORT|default(8080)}}")

int port = new ServerSocket(0).withCloseable { it.localPort }
ProcessBuilder builder = new ProcessBuilder('make', 'start-dev').directory(dir).redirectErrorStream(true)
builder.environment().put('PORT', String.valueOf(port))
builder.environment().put('HOST', '127.0.0.1')
String repo = System.getProperty('maven.repo.local')
if (repo) {
    builder.environment().put('MVN_FLAGS', ("-B -ntp -Dmaven.repo.local=" + repo) as String)   // the build's own repository
}
File log = new File(dir, 'start-dev.log')
builder.redirectOutput(log)
Process make = builder.start()
HttpClient client = HttpClient.newHttpClient()
long deadline = System.currentTimeMillis() + 120_000
int status = 0
while (status != 200 && make.isAlive() && System.currentTimeMillis() < deadline) {
    try {
        status = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:$port/__status")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()
    } catch (IOException notYet) {
        Thread.sleep(200)
    }
}
try {
    assert status == 200: "make start-dev did not answer /__status within 120 s:\n" + log.text
} finally {
    make.descendants().forEach { it.destroy() }   // SIGTERM to the service: graceful shutdown
    make.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)
    make.destroyForcibly()
}
assert log.text.contains("Service 'my_service' stopped"): "no graceful stop in:\n" + log.text
return true
