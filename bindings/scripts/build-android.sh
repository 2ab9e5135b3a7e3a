#!/usr/bin/env bash
# Builds libpasserelle.so for Android with cargo-ndk in the `mobile` profile (size-optimised,
# fat LTO, stripped; see the root Cargo.toml) into a jniLibs layout, and generates the Kotlin
# bindings. Needs the Android NDK (ANDROID_NDK_HOME, or Android Studio's default location),
# `cargo install cargo-ndk`, and the Rust targets:
#   rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
#
#   bindings/scripts/build-android.sh [JNILIBS_DIR]
#
# Output: JNILIBS_DIR (default target/android/jniLibs)/{arm64-v8a,armeabi-v7a,x86_64}/libpasserelle.so
#         target/bindings/kotlin/app/passerelle/**.kt (add to the app's sources; the app also
#         needs JNA as an AAR: net.java.dev.jna:jna:5.x@aar)
# Point JNILIBS_DIR at android-demo/app/src/main/jniLibs to build straight into the app.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

ABIS=(arm64-v8a armeabi-v7a x86_64)
PROFILE=mobile
# The app's minSdk: the API level the libraries are linked against.
ANDROID_MIN_SDK="${ANDROID_MIN_SDK:-24}"
JNILIBS="${1:-$ROOT/target/android/jniLibs}"

command -v cargo-ndk > /dev/null || { echo "cargo-ndk not found: cargo install cargo-ndk" >&2; exit 1; }

TARGET_ARGS=()
for abi in "${ABIS[@]}"; do TARGET_ARGS+=(-t "$abi"); done

start=$(date +%s)
mkdir -p "$JNILIBS"
cargo ndk "${TARGET_ARGS[@]}" --platform "$ANDROID_MIN_SDK" -o "$JNILIBS" \
    build -p passerelle-ffi --lib --profile "$PROFILE"
for abi in "${ABIS[@]}"; do
    [[ -f "$JNILIBS/$abi/libpasserelle.so" ]] || { echo "missing $JNILIBS/$abi/libpasserelle.so" >&2; exit 1; }
done
echo "built the Android libraries in $(( $(date +%s) - start ))s"

# The bindings depend on the Rust source only, not on the target: generate them from the host
# dev build. A stripped mobile library has lost the symbols uniffi reads its metadata from.
bindings/scripts/generate.sh

echo "Android libraries:"
find "$JNILIBS" -name 'libpasserelle.so' | sort | while read -r so; do
    echo "  $so ($(du -h "$so" | cut -f1))"
done
echo "Kotlin bindings: ${CARGO_TARGET_DIR:-$ROOT/target}/bindings/kotlin"
