# Band for Java — the commands a service author and CI use.
#   make start-dev               run the skeleton example in the foreground
#   make start-dev SERVICE=debug run another example (debug, uaparser, store_debug)
#   make test                    run every test
#   make install                 install the Band artifacts (with sources and Javadoc) locally
#   make bench                   benchmarks against raw Lettuce/Netty/Jackson (several minutes; see BENCHMARKS.md)
#   make bench-quick             the same pairs with fewer iterations (under a minute)
SHELL := /bin/bash
SERVICE ?= skeleton
MVN_FLAGS ?= -B -ntp

JAVA_HOME := $(shell scripts/java-home)
ifeq ($(JAVA_HOME),)
$(error No JDK 21+ found: see the message above)
endif
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)
MVN := $(shell command -v mvn 2>/dev/null)

.PHONY: help start-dev test bench bench-quick bench-build check-wrk package install clean check-maven example-jar example-test

help:
	@sed -n 's/^#   //p' Makefile

check-maven:
	@if [ -z "$(MVN)" ]; then \
	  echo "Maven 3.8+ is needed and 'mvn' is not on PATH: install it (apt-get install maven) or add it to PATH." >&2; exit 1; fi

start-dev: example-jar
	cd band-examples/$(SERVICE) && ./start_dev

# the jar of one example and the Band modules it needs (used by each example's own Makefile too)
example-jar: check-maven
	@if [ ! -f band-examples/$(SERVICE)/pom.xml ]; then \
	  echo "No example '$(SERVICE)': choose one of: $$(ls band-examples | grep -v pom.xml | tr '\n' ' ')" >&2; exit 1; fi
	$(MVN) $(MVN_FLAGS) -q -pl band-examples/$(SERVICE) -am install -DskipTests

example-test: example-jar
	$(MVN) $(MVN_FLAGS) -pl band-examples/$(SERVICE) verify

test: check-maven
	$(MVN) $(MVN_FLAGS) install

# Benchmarks are a separate module run from here, never by 'make test'. They need redis-server and wrk.
BENCH_CP = band-bench/target/classes:$$(cat band-bench/target/bench-classpath.txt)
BENCH_RUN = LOG_LEVEL=warn $(JAVA_HOME)/bin/java -XX:+UseSerialGC -cp $(BENCH_CP) org.rockstat.band.bench.BenchMain

bench-build: check-maven check-wrk
	@command -v redis-server >/dev/null || { echo "redis-server is needed: apt-get install -y redis-server" >&2; exit 1; }
	$(MVN) $(MVN_FLAGS) -q -pl band-core,band-runtime,band-bench -am install -DskipTests

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
