# Shared by the scripts that compile Kotlin against the generated bindings and run JUnit 4 on
# the JVM: bindings/scripts/test-kotlin.sh and android-demo/scripts/test-presentation.sh.
# Source it with the repo root as the current directory and ROOT set to it; it defines
# functions only and runs nothing.
#
#   kotlin_find_tools          sets KOTLINC_BIN, KOTLIN_LIB, JNA_JAR, JUNIT_JAR, HAMCREST_JAR
#                              and KOTLIN_COMPILE_CP; fails if a jar is missing
#   kotlin_generate [--release]
#                              builds the library and generates the bindings (generate.sh);
#                              sets LIB (the built library) and KOTLIN_BINDINGS (generated .kt)
#   kotlin_compile CLASSES SOURCE...
#                              one kotlinc run into a fresh CLASSES directory
#   kotlin_junit CLASSES [-Dname=value...] TEST_CLASS...
#                              runs JUnit 4 with the library on jna.library.path (and the
#                              given system properties)
#
# Tools are found through $KOTLINC, then `kotlinc` on the PATH, then node_modules/.bin/kotlinc
# or node_modules/kotlin-compiler/bin/kotlinc at the repo root (npm package `kotlin-compiler`).
# Jars: $KOTLIN_LIB (default: kotlinc's ../lib) for kotlin-stdlib and kotlin-test(-junit);
# $JNA_JAR (default /usr/share/java/jna.jar, JNA >= 5.12); $JUNIT_JAR and $HAMCREST_JAR
# (default /usr/share/java/junit4.jar and hamcrest-core.jar).

kotlin_find_kotlinc() {
    if [[ -n "${KOTLINC:-}" ]]; then echo "$KOTLINC"; return; fi
    if command -v kotlinc > /dev/null; then command -v kotlinc; return; fi
    for candidate in node_modules/.bin/kotlinc node_modules/kotlin-compiler/bin/kotlinc; do
        if [[ -x "$ROOT/$candidate" ]]; then echo "$ROOT/$candidate"; return; fi
    done
    echo "kotlinc not found: set KOTLINC, put kotlinc on the PATH, or 'npm install kotlin-compiler' at the repo root" >&2
    return 1
}

kotlin_find_tools() {
    KOTLINC_BIN="$(kotlin_find_kotlinc)" || return 1
    KOTLIN_LIB="${KOTLIN_LIB:-$(cd "$(dirname "$(readlink -f "$KOTLINC_BIN")")/../lib" && pwd)}"
    JNA_JAR="${JNA_JAR:-/usr/share/java/jna.jar}"
    JUNIT_JAR="${JUNIT_JAR:-/usr/share/java/junit4.jar}"
    HAMCREST_JAR="${HAMCREST_JAR:-/usr/share/java/hamcrest-core.jar}"
    local jar
    for jar in "$KOTLIN_LIB/kotlin-stdlib.jar" "$KOTLIN_LIB/kotlin-test.jar" \
        "$KOTLIN_LIB/kotlin-test-junit.jar" "$JNA_JAR" "$JUNIT_JAR" "$HAMCREST_JAR"; do
        [[ -f "$jar" ]] || { echo "missing jar: $jar" >&2; return 1; }
    done
    KOTLIN_COMPILE_CP="$JNA_JAR:$JUNIT_JAR:$KOTLIN_LIB/kotlin-test.jar:$KOTLIN_LIB/kotlin-test-junit.jar"
}

kotlin_generate() {
    # generate.sh prints the built library's path on its last line.
    local log
    log="$(mktemp)"
    if ! bindings/scripts/generate.sh "$@" | tee "$log"; then
        rm -f "$log"
        return 1
    fi
    LIB="$(sed -n 's/^library: //p' "$log" | tail -n 1)"
    rm -f "$log"
    [[ -f "$LIB" ]] || { echo "library not found: $LIB" >&2; return 1; }
    KOTLIN_BINDINGS="${CARGO_TARGET_DIR:-$ROOT/target}/bindings/kotlin"
}

kotlin_compile() {
    local classes="$1"
    shift
    rm -rf "$classes"
    mkdir -p "$classes"
    echo "compiling $# Kotlin files with $KOTLINC_BIN"
    local start
    start=$(date +%s)
    # The C1-only JIT starts faster, which is most of a one-shot compiler run.
    JAVA_OPTS="${JAVA_OPTS:--XX:TieredStopAtLevel=1}" "$KOTLINC_BIN" \
        -cp "$KOTLIN_COMPILE_CP" -d "$classes" "$@"
    echo "kotlinc took $(( $(date +%s) - start ))s"
}

kotlin_junit() {
    local classes="$1"
    shift
    local properties=()
    while [[ "${1:-}" == -D* ]]; do properties+=("$1"); shift; done
    echo "running: $*"
    java -Djna.library.path="$(dirname "$LIB")" ${properties[@]+"${properties[@]}"} \
        -cp "$classes:$KOTLIN_LIB/kotlin-stdlib.jar:$KOTLIN_COMPILE_CP:$HAMCREST_JAR" \
        org.junit.runner.JUnitCore "$@"
}
