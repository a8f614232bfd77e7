# Band for Java — the commands a service author and CI use.
#   make start-dev               run the skeleton example in the foreground
#   make start-dev SERVICE=debug run another example (debug, uaparser, store_debug)
#   make test                    run every test
#   make install                 install the Band artifacts (with sources and Javadoc) locally
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

.PHONY: help start-dev test package install clean check-maven example-jar example-test

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

package: check-maven
	$(MVN) $(MVN_FLAGS) package -DskipTests

# every artifact into the local repository, with sources and Javadoc jars as Maven Central wants them
install: check-maven
	$(MVN) $(MVN_FLAGS) install -DskipTests -Partifacts

clean: check-maven
	$(MVN) $(MVN_FLAGS) -q clean
