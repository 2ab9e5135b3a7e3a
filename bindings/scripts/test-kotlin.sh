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

find_kotlinc() {
    if [[ -n "${KOTLINC:-}" ]]; then echo "$KOTLINC"; return; fi
    if command -v kotlinc > /dev/null; then command -v kotlinc; return; fi
    for candidate in node_modules/.bin/kotlinc node_modules/kotlin-compiler/bin/kotlinc; do
        if [[ -x "$ROOT/$candidate" ]]; then echo "$ROOT/$candidate"; return; fi
    done
    echo "kotlinc not found: set KOTLINC, put kotlinc on the PATH, or 'npm install kotlin-compiler' at the repo root" >&2
    return 1
}

KOTLINC_BIN="$(find_kotlinc)"
KOTLIN_LIB="${KOTLIN_LIB:-$(cd "$(dirname "$(readlink -f "$KOTLINC_BIN")")/../lib" && pwd)}"
JNA_JAR="${JNA_JAR:-/usr/share/java/jna.jar}"
JUNIT_JAR="${JUNIT_JAR:-/usr/share/java/junit4.jar}"
HAMCREST_JAR="${HAMCREST_JAR:-/usr/share/java/hamcrest-core.jar}"
for jar in "$KOTLIN_LIB/kotlin-stdlib.jar" "$KOTLIN_LIB/kotlin-test.jar" \
    "$KOTLIN_LIB/kotlin-test-junit.jar" "$JNA_JAR" "$JUNIT_JAR" "$HAMCREST_JAR"; do
    [[ -f "$jar" ]] || { echo "missing jar: $jar" >&2; exit 1; }
done

# Build the library and generate the bindings; the last line names the library.
GENERATE_LOG="$(mktemp)"
trap 'rm -f "$GENERATE_LOG"' EXIT
bindings/scripts/generate.sh "$@" | tee "$GENERATE_LOG"
LIB="$(sed -n 's/^library: //p' "$GENERATE_LOG" | tail -n 1)"
[[ -f "$LIB" ]] || { echo "library not found: $LIB" >&2; exit 1; }
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
GENERATED="$TARGET_DIR/bindings/kotlin"
CLASSES="$TARGET_DIR/bindings/kotlin-test-classes"

COMPILE_CP="$JNA_JAR:$JUNIT_JAR:$KOTLIN_LIB/kotlin-test.jar:$KOTLIN_LIB/kotlin-test-junit.jar"
RUN_CP="$CLASSES:$KOTLIN_LIB/kotlin-stdlib.jar:$COMPILE_CP:$HAMCREST_JAR"

mapfile -t SOURCES < <(find "$GENERATED" bindings/kotlin/src/test/kotlin -name '*.kt' | sort)
mapfile -t TESTS < <(cd bindings/kotlin/src/test/kotlin &&
    find . -name '*Test.kt' | sed 's|^\./||; s|\.kt$||; s|/|.|g' | sort)

rm -rf "$CLASSES"
mkdir -p "$CLASSES"
echo "compiling ${#SOURCES[@]} Kotlin files with $KOTLINC_BIN"
start=$(date +%s)
# The C1-only JIT starts faster, which is most of a one-shot compiler run.
JAVA_OPTS="${JAVA_OPTS:--XX:TieredStopAtLevel=1}" "$KOTLINC_BIN" \
    -cp "$COMPILE_CP" -d "$CLASSES" "${SOURCES[@]}"
echo "kotlinc took $(( $(date +%s) - start ))s"

echo "running: ${TESTS[*]}"
java -Djna.library.path="$(dirname "$LIB")" -cp "$RUN_CP" org.junit.runner.JUnitCore "${TESTS[@]}"
