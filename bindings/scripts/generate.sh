#!/usr/bin/env bash
# Builds the `passerelle` library and generates its Kotlin and Swift bindings in library mode.
#
#   bindings/scripts/generate.sh             # dev profile
#   bindings/scripts/generate.sh --release   # release profile
#
# Output: target/bindings/kotlin (app/passerelle/passerelle.kt, app/passerelle/core/...)
#         target/bindings/swift  (passerelle.swift, passerelle_core.swift, the two FFI headers
#                                 and one module.modulemap for the C module PasserelleFFI)
# The last line printed is the path of the built library (the JVM tests load it from there).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT" # library mode runs `cargo metadata`: it must run inside the workspace

PROFILE_ARGS=()
PROFILE_DIR=debug
for arg in "$@"; do
    case "$arg" in
        --release) PROFILE_ARGS=(--release); PROFILE_DIR=release ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$(uname -s)" in
    Darwin) LIB_FILE=libpasserelle.dylib ;;
    *) LIB_FILE=libpasserelle.so ;;
esac
LIB="$TARGET_DIR/$PROFILE_DIR/$LIB_FILE"
BINDGEN="$TARGET_DIR/debug/uniffi-bindgen"
OUT="$TARGET_DIR/bindings"
# The crates that export to the FFI, as uniffi names them (crate names with underscores).
CRATES=(passerelle_core passerelle)

elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

t=$(date +%s)
cargo build -p passerelle-ffi --lib ${PROFILE_ARGS[@]+"${PROFILE_ARGS[@]}"}
echo "built $LIB in $(elapsed "$t")"

# The generator is always built in the dev profile: a release build takes minutes longer and
# generating is fast either way.
t=$(date +%s)
cargo build -p uniffi-bindgen
echo "built $BINDGEN in $(elapsed "$t")"

t=$(date +%s)
rm -rf "$OUT/kotlin" "$OUT/swift"
mkdir -p "$OUT/kotlin" "$OUT/swift"

"$BINDGEN" generate --library "$LIB" --language kotlin --out-dir "$OUT/kotlin" --no-format

# Both crates set the Swift module_name `Passerelle` (they compile into one Swift module), and
# uniffi names each Swift file after module_name: generate one crate at a time and name the
# file after its crate instead, so neither overwrites the other.
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
HEADERS=()
for crate in "${CRATES[@]}"; do
    "$BINDGEN" generate --library "$LIB" --language swift --crate "$crate" \
        --out-dir "$SCRATCH/$crate" --no-format
    mv "$SCRATCH/$crate/Passerelle.swift" "$OUT/swift/$crate.swift"
    mv "$SCRATCH/$crate/${crate}FFI.h" "$OUT/swift/"
    HEADERS+=("${crate}FFI.h")
done
if compgen -G "$SCRATCH/*/*" > /dev/null; then
    echo "unexpected generated files: $(ls "$SCRATCH"/*/*)" >&2
    exit 1
fi

# One C module for both headers (uniffi.toml turns off its per-crate module maps): the shared
# FFI structs are declared once, and the XCFramework needs exactly one module map.
{
    echo "module PasserelleFFI {"
    for h in "${HEADERS[@]}"; do echo "    header \"$h\""; done
    echo "    export *"
    echo "    use \"Darwin\""
    echo "    use \"_Builtin_stdbool\""
    echo "    use \"_Builtin_stdint\""
    echo "}"
} > "$OUT/swift/module.modulemap"
echo "generated bindings in $(elapsed "$t")"

echo "Kotlin bindings: $OUT/kotlin"
find "$OUT/kotlin" -name '*.kt' | sort | sed 's/^/  /'
echo "Swift bindings:  $OUT/swift"
find "$OUT/swift" -type f | sort | sed 's/^/  /'
echo "library: $LIB"
