#!/usr/bin/env bash
# Generates the bindings, compiles them with the Kotlin tests, and runs the tests on the JVM
# against the freshly built libpasserelle.so. Exits non-zero if anything fails.
#
#   bindings/scripts/test-kotlin.sh [--release]
#
# Finds kotlinc through $KOTLINC, then `kotlinc` on the PATH, then node_modules/.bin/kotlinc or
# node_modules/kotlin-compiler/bin/kotlinc at the repo root (npm package `kotlin-compiler`).
# Jars: $KOTLIN_LIB (default: kotlinc's ../lib) for kotlin-stdlib and kotlin-test(-junit);
# $JNA_JAR (default /usr/share/java/jna.jar, JNA >= 5.12); $JUNIT_JAR and $HAMCREST_JAR
# (default /usr/share/java/junit4.jar and hamcrest-core.jar).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

# kotlinc, JNA and JUnit discovery, generation, compilation and the JUnit run are shared with
# android-demo/scripts/test-presentation.sh.
source bindings/scripts/lib-kotlin.sh
kotlin_find_tools
kotlin_generate "$@"
CLASSES="${CARGO_TARGET_DIR:-$ROOT/target}/bindings/kotlin-test-classes"

mapfile -t SOURCES < <(find "$KOTLIN_BINDINGS" bindings/kotlin/src/test/kotlin -name '*.kt' | sort)
mapfile -t TESTS < <(cd bindings/kotlin/src/test/kotlin &&
    find . -name '*Test.kt' | sed 's|^\./||; s|\.kt$||; s|/|.|g' | sort)

# The sync tests start a real server (embedded SQLite, demo programme) on a free port.
cargo build --quiet -p passerelle-server --bin passerelle-server
SERVER_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/passerelle-server"

kotlin_compile "$CLASSES" "${SOURCES[@]}"
kotlin_junit "$CLASSES" "-Dpasserelle.server=$SERVER_BIN" "${TESTS[@]}"
