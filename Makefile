# Band for Java — the commands a service author and CI use.
#   make run                     compile the skeleton example (and changed Band modules) and start it from its classes: the edit loop
#   make run SERVICE=debug       the same for another example (debug, uaparser, store_debug)
#   make start-dev               build the skeleton example's jar and run it as its container does (./start_dev)
#   make start-dev SERVICE=debug run another example's jar
#   make test                    run every test (what CI runs)
#   make test-fast               unit and in-process tests, slow suites skipped (no install): the edit loop for Band itself
#   make format                  apply the code format the build checks
#   make measure                 rerun the fault and load tests that measure figures and print them (minutes)
#   make container-test          build the base images, every example and a generated service with podman and start them (slow; docker/README.md)
#   make install                 install the Band artifacts (with sources and Javadoc) locally
#   make bench                   benchmarks against raw Lettuce/Netty/Jackson and against Moleculer (Node.js, needs node/npm; see BENCHMARKS.md)
#   make bench-quick             the same pairs with fewer iterations (a smoke test)
.DEFAULT_GOAL := help
include band-examples/service.mk

.PHONY: help test container-test test-fast format measure bench bench-quick bench-build bench-peer check-wrk package install clean

help:
	@sed -n 's/^#   //p' Makefile

test: check-maven
	$(MVN) $(MVN_FLAGS) install

# no install, no archetype or container builds, no test tagged slow (processes, failover, relays),
# no format or Error Prone checks (make test runs them). Maven and the test JVMs run with the
# quick-starting JIT only: these tests are short, and C2 compiling code that runs once cost more CPU
# than the tests themselves (76 s -> 53 s here, user CPU 98 s -> 38 s). make test keeps the full JIT,
# which its load tests need. band-runtime's tests, mostly waiting on sockets, run in two JVMs.
test-fast: check-maven
	MAVEN_OPTS="$$MAVEN_OPTS $(QUICK_JVM)" $(MVN) $(MVN_FLAGS) -q test -Dband.skipChecks=true -DexcludedGroups=slow \
	  -Dsurefire.failIfNoSpecifiedTests=false -DargLine="$(QUICK_JVM)" -Dband.runtime.testForks=2

format: check-maven
	$(MVN) $(MVN_FLAGS) -q -pl '!band-bom' spotless:apply
	$(MVN) $(MVN_FLAGS) -q -f docker/container-test/pom.xml spotless:apply

# The figures the fault and load tests measure (seconds to hear again, answers under bursts,
# latency beside slow work, drain...), printed as a table; BAND_BURST sets the request burst.
MEASURED_TESTS ?= DeafSubscriberTest,DirectMemoryTest,BurstTest,SlowMethodIsolationTest,DrainTest,FirstHeartbeatTest,HostileClientsTest,HealthEndpointTest,SentinelFailoverTest
BAND_BURST ?= 450000
measure: check-maven
	$(MVN) $(MVN_FLAGS) -q install -DskipTests -Dband.skipChecks=true -pl band-runtime -am
	@figures=$$(mktemp); \
	$(MVN) $(MVN_FLAGS) -q test -pl band-runtime -Dband.skipChecks=true -Dtest='$(MEASURED_TESTS)' \
	  -Dsurefire.failIfNoSpecifiedTests=false -Dband.figures=$$figures -Dband.burst=$(BAND_BURST) >/dev/null; \
	status=$$?; awk -F'\t' '{ printf "%-48s %12s  %s\n", $$1, $$2, $$3 }' $$figures; rm -f $$figures; exit $$status

# Slow (minutes; the first run also builds stand-ins for the base images with debootstrap): needs
# root, podman, debootstrap, redis-server and Maven Central. See docker/README.md.
container-test: check-maven
	$(MVN) $(MVN_FLAGS) -q install -DskipTests -Darchetype.test.skip=true -Dband.skipChecks=true
	$(MVN) $(MVN_FLAGS) -f docker/container-test/pom.xml verify

# Benchmarks are a separate module run from here, never by 'make test'. They need redis-server and wrk.
BENCH_CP = band-bench/target/classes:$$(cat band-bench/target/bench-classpath.txt)
BENCH_RUN = LOG_LEVEL=warn $(JAVA_HOME)/bin/java -XX:+UseSerialGC -cp $(BENCH_CP) org.rockstat.band.bench.BenchMain

bench-build: check-maven check-wrk
	@command -v redis-server >/dev/null || { echo "redis-server is needed: apt-get install -y redis-server" >&2; exit 1; }
	$(MVN) $(MVN_FLAGS) -q -pl band-core,band-runtime,band-bench -am install -DskipTests
	@$(MAKE) --no-print-directory bench-peer

# the Node.js peer (pair 5): our scripts plus the pinned package-lock.json, npm ci only when the lock changed
PEER_SRC = band-bench/src/peer-moleculer
PEER_DIR = band-bench/target/peer-moleculer
bench-peer:
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  echo "node/npm not found: the Moleculer peer (pair 5) is skipped; install Node.js 20+ with npm to run it." >&2; \
	else \
	  mkdir -p $(PEER_DIR) && cp $(PEER_SRC)/*.js $(PEER_SRC)/package.json $(PEER_DIR)/ && \
	  if ! cmp -s $(PEER_SRC)/package-lock.json $(PEER_DIR)/.installed-lock.json; then \
	    cp $(PEER_SRC)/package-lock.json $(PEER_DIR)/ && \
	    (cd $(PEER_DIR) && npm ci --no-audit --no-fund --loglevel=error) && \
	    cp $(PEER_SRC)/package-lock.json $(PEER_DIR)/.installed-lock.json || \
	    echo "npm ci failed in $(PEER_DIR): the Moleculer peer (pair 5) is skipped." >&2; \
	  fi; \
	fi

check-wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing wrk (HTTP load generator) with apt-get..."; \
	    apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }; \
	  else \
	    echo "wrk is needed for the HTTP pair: sudo apt-get install -y wrk (or brew install wrk); the HTTP pair is skipped without it." >&2; \
	  fi; \
	fi

bench: bench-build
	$(BENCH_RUN) --full band-bench/target/bench-results.json

bench-quick: bench-build
	$(BENCH_RUN) --quick band-bench/target/bench-results.json

package: check-maven
	$(MVN) $(MVN_FLAGS) package -DskipTests

# every artifact into the local repository, with sources and Javadoc jars as Maven Central wants them
install: check-maven
	$(MVN) $(MVN_FLAGS) install -DskipTests -Partifacts

clean: check-maven
	$(MVN) $(MVN_FLAGS) -q clean
