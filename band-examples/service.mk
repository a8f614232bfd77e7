# Building and running one example, for the root Makefile (`make run SERVICE=debug`) and each
# example's own Makefile (which sets EXAMPLE); both include this file. Paths start from
# BAND_ROOT, so the targets work from either folder, and no target calls make again: a nested
# make would print "make: *** [...] Interrupt" on every Ctrl-C.
SHELL := /bin/bash
# an example's own Makefile sets EXAMPLE: its folder's `make package` and `make test` are that example's
ifdef EXAMPLE
SERVICE := $(EXAMPLE)
.DEFAULT_GOAL := start-dev
endif
SERVICE ?= skeleton
MVN_FLAGS ?= -B -ntp
BAND_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
EXAMPLE_DIR := $(BAND_ROOT)/band-examples/$(SERVICE)

JAVA_HOME := $(shell $(BAND_ROOT)/scripts/java-home)
ifeq ($(JAVA_HOME),)
$(error No JDK 21+ found: see the message above)
endif
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)
MVN := $(shell command -v mvn 2>/dev/null)
BAND_MVN = $(MVN) $(MVN_FLAGS) -f $(BAND_ROOT)/pom.xml
# Maven's own libraries (Debian's guava) warn about sun.misc.Unsafe at every start on JDK 23+
ifeq ($(shell [ "$$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$(JAVA_HOME)/release" 2>/dev/null)" -ge 23 ] 2>/dev/null && echo yes),yes)
export MAVEN_OPTS ?= --sun-misc-unsafe-memory-access=allow
endif
# make run: Maven's JVM and the service's with the quick-starting JIT only (a second off each start)
QUICK_JVM := -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
# A service stopped by SIGTERM (as director stops it) or by Ctrl-C exits 143 or 130 after its clean
# shutdown: success for make, which then prints no "make: *** ... Error 143".
STOPPED_CLEANLY = status=$$?; [ $$status -eq 130 ] || [ $$status -eq 143 ] || exit $$status

.PHONY: run start-dev check-maven check-example example-jar example-test

check-maven:
	@if [ -z "$(MVN)" ]; then \
	  echo "Maven 3.8+ is needed and 'mvn' is not on PATH: install it (apt-get install maven) or add it to PATH." >&2; exit 1; fi

check-example:
	@if [ ! -f $(EXAMPLE_DIR)/pom.xml ]; then \
	  echo "No example '$(SERVICE)': choose one of: $$(ls $(BAND_ROOT)/band-examples | grep -v '[.]' | tr '\n' ' ')" >&2; exit 1; fi

# The edit loop: compile what changed (the example and the Band modules it uses) and start from
# target/classes on the reactor's classpath. No jar, no shading, no checks: seconds per restart.
# When only the example's sources changed, scripts/compile-for-run compiles them with javac and
# skips Maven's start and up-to-date checks; anything else (a pom, a Band module) goes to Maven.
run: check-maven check-example
	@echo "Compiling band-examples/$(SERVICE) and the Band modules it needs..."
	@MAVEN_OPTS="$$MAVEN_OPTS $(QUICK_JVM)" $(BAND_ROOT)/scripts/compile-for-run $(EXAMPLE_DIR) \
	  $(BAND_MVN) -q -pl :$(SERVICE) -am compile dependency:build-classpath \
	  -Dband.skipChecks=true -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt
	@cd $(EXAMPLE_DIR) && java $(QUICK_JVM) $${JAVA_OPTS:-} -cp "target/classes:$$(cat target/classpath.txt)" \
	  "$$(sed -n 's:.*<main.class>\(.*\)</main.class>.*:\1:p' pom.xml)" || { $(STOPPED_CLEANLY); }

# The jar, run as the container runs it.
start-dev: example-jar
	@cd $(EXAMPLE_DIR) && ./start_dev || { $(STOPPED_CLEANLY); }

example-jar: check-maven check-example
	@echo "Building band-examples/$(SERVICE)/target/$(SERVICE).jar and the Band modules it needs (the first build downloads dependencies)..."
	@$(BAND_MVN) -q -pl :$(SERVICE) -am install -DskipTests -Dband.skipChecks=true

example-test: example-jar
	$(BAND_MVN) -pl :$(SERVICE) verify

ifdef EXAMPLE
.PHONY: package test
package: example-jar
test: example-test
endif
