#!/usr/bin/env bash
# Runs the Android demo's presentation tests on the JVM, without Android: the plain-Kotlin
# presentation sources (app/src/main/kotlin/app/passerelle/demo/presentation) and their JUnit 4
# tests (app/src/test/kotlin/...), compiled in one kotlinc run together with the generated
# bindings, against the real libpasserelle built by bindings/scripts/generate.sh. The tests
# read the app's own res/values*/strings.xml. Exits non-zero if anything fails.
#
#   android-demo/scripts/test-presentation.sh [--release]
#
# Tools and jars are found as for bindings/scripts/test-kotlin.sh (bindings/scripts/lib-kotlin.sh:
# $KOTLINC or kotlinc on the PATH or node_modules; $JNA_JAR, $JUNIT_JAR, $HAMCREST_JAR, $KOTLIN_LIB).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
APP=android-demo/app
PRESENTATION=app/passerelle/demo/presentation

source bindings/scripts/lib-kotlin.sh
kotlin_find_tools
kotlin_generate "$@"
CLASSES="${CARGO_TARGET_DIR:-$ROOT/target}/android-demo/presentation-test-classes"

mapfile -t SOURCES < <(find "$KOTLIN_BINDINGS" "$APP/src/main/kotlin/$PRESENTATION" \
    "$APP/src/test/kotlin/$PRESENTATION" -name '*.kt' | sort)
mapfile -t TESTS < <(cd "$APP/src/test/kotlin" &&
    find "$PRESENTATION" -name '*Test.kt' | sed 's|\.kt$||; s|/|.|g' | sort)
(( ${#TESTS[@]} > 0 )) || { echo "no tests found under $APP/src/test/kotlin/$PRESENTATION" >&2; exit 1; }

# The presentation package must stay plain Kotlin: no Android, no Compose. The JVM compile
# below would fail on them anyway; this says why in one line.
if grep -rlE '^import (android|androidx)\.' "$APP/src/main/kotlin/$PRESENTATION"; then
    echo "the files above import Android: presentation logic must be plain Kotlin" >&2
    exit 1
fi

start=$(date +%s)
kotlin_compile "$CLASSES" "${SOURCES[@]}"
kotlin_junit "$CLASSES" "-Dpasserelle.demo.res=$ROOT/$APP/src/main/res" "${TESTS[@]}"
echo "presentation tests: compile and run took $(( $(date +%s) - start ))s"
