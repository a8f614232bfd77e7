// Runs once in the freshly generated project: what a template cannot say.
File project = new File(request.outputDirectory, request.artifactId)
String service = request.properties.getProperty('serviceName')

// archetype resources lose the executable bit; ./start_dev and the JDK finder need it
['start_dev', 'scripts/java-home'].each { new File(project, it).setExecutable(true, false) }

// .env.example is the framework's list of variables; its NAME example becomes this service's name
File env = new File(project, '.env.example')
env.text = env.text.replaceFirst(/(?m)^#NAME=.*$/, "#NAME=${service}")
