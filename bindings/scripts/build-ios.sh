#!/usr/bin/env bash
# Builds libpasserelle.a for iOS (devices, simulators) and macOS in the `mobile` profile, wraps
# the slices with the FFI headers and module map into PasserelleFFI.xcframework, and puts it
# with the generated Swift sources into the Swift package at bindings/swift:
#
#   bindings/swift/PasserelleFFI.xcframework      binary target `PasserelleFFI`
#   bindings/swift/Sources/Passerelle/*.swift     target `Passerelle` (import Passerelle)
#
# Then `cd bindings/swift && swift test` runs the XCTest suite on the Mac (hence the macOS
# slice), and an app adds the package (File > Add Package Dependencies > Add Local...).
# Needs macOS with Xcode and the Rust targets:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios \
#                     aarch64-apple-darwin x86_64-apple-darwin
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

[[ "$(uname -s)" == Darwin ]] || { echo "build-ios.sh needs macOS with Xcode" >&2; exit 1; }
for tool in xcodebuild lipo; do
    command -v "$tool" > /dev/null || { echo "$tool not found: install Xcode" >&2; exit 1; }
done

PROFILE=mobile
DEVICE=aarch64-apple-ios
SIMULATORS=(aarch64-apple-ios-sim x86_64-apple-ios)
MACS=(aarch64-apple-darwin x86_64-apple-darwin)
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="$TARGET_DIR/ios"
PACKAGE="$ROOT/bindings/swift"
XCFRAMEWORK="$PACKAGE/PasserelleFFI.xcframework"
# The package's minimum platforms (Package.swift).
export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-15.0}"
export MACOSX_DEPLOYMENT_TARGET="${MACOSX_DEPLOYMENT_TARGET:-12.0}"

start=$(date +%s)
for target in "$DEVICE" "${SIMULATORS[@]}" "${MACS[@]}"; do
    cargo build -p passerelle-ffi --lib --profile "$PROFILE" --target "$target"
done
lib() { echo "$TARGET_DIR/$1/$PROFILE/libpasserelle.a"; }
echo "built the Apple libraries in $(( $(date +%s) - start ))s"

# An XCFramework holds one library per platform: the two simulator architectures, and the two
# macOS ones, each become one universal (fat) library.
rm -rf "$WORK"
mkdir -p "$WORK/ios-simulator" "$WORK/macos" "$WORK/headers"
lipo -create "$(lib "${SIMULATORS[0]}")" "$(lib "${SIMULATORS[1]}")" \
    -output "$WORK/ios-simulator/libpasserelle.a"
lipo -create "$(lib "${MACS[0]}")" "$(lib "${MACS[1]}")" -output "$WORK/macos/libpasserelle.a"

# Swift sources, the two headers and the single module map, from the host dev build (the
# stripped mobile library has lost the symbols uniffi reads its metadata from; the bindings
# depend on the Rust source only).
bindings/scripts/generate.sh
cp "$TARGET_DIR"/bindings/swift/*.h "$TARGET_DIR/bindings/swift/module.modulemap" "$WORK/headers/"

rm -rf "$XCFRAMEWORK"
xcodebuild -create-xcframework \
    -library "$(lib "$DEVICE")" -headers "$WORK/headers" \
    -library "$WORK/ios-simulator/libpasserelle.a" -headers "$WORK/headers" \
    -library "$WORK/macos/libpasserelle.a" -headers "$WORK/headers" \
    -output "$XCFRAMEWORK"

mkdir -p "$PACKAGE/Sources/Passerelle"
rm -f "$PACKAGE"/Sources/Passerelle/*.swift
cp "$TARGET_DIR"/bindings/swift/*.swift "$PACKAGE/Sources/Passerelle/"

echo "XCFramework: $XCFRAMEWORK"
echo "Swift package: $PACKAGE (swift test runs Tests/PasserelleTests)"
