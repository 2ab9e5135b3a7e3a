#!/usr/bin/env bash
# Parse-checks the Swift side without a Swift compiler (see check_swift_syntax.py for what that
# catches and what only `swift build` on a Mac can): the generated bindings, the XCTest file,
# Package.swift and every .swift file of the iOS demo (ios-demo/) must parse cleanly, the iOS
# demo's strings must match the Android demo's (ios-demo/scripts/check_strings.py), and the
# deliberately broken fixture must FAIL, which proves the checker can fail at all.
#
#   bindings/scripts/check-swift.sh [--release]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
CHECK=(python3 bindings/scripts/check_swift_syntax.py)
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

bindings/scripts/generate.sh "$@"

echo "checking the Swift files"
shopt -s nullglob
GENERATED=("$TARGET_DIR"/bindings/swift/*.swift)
if (( ${#GENERATED[@]} != 2 )); then
    echo "expected 2 generated Swift files, found ${#GENERATED[@]}: ${GENERATED[*]}" >&2
    exit 1
fi
# The iOS demo too: every .swift file under ios-demo/ (package, app, screens, tests).
mapfile -t IOS_DEMO < <(find ios-demo -name '*.swift' | sort)
"${CHECK[@]}" "${GENERATED[@]}" \
    bindings/swift/Tests/PasserelleTests/*.swift \
    bindings/swift/Package.swift \
    "${IOS_DEMO[@]}"

echo "checking the iOS demo's strings (en, fr) against each other and the Android demo's"
python3 ios-demo/scripts/check_strings.py

echo "checking that the broken fixture is refused"
if "${CHECK[@]}" bindings/swift/fixtures/broken.swift; then
    echo "the checker accepted bindings/swift/fixtures/broken.swift: it cannot be trusted" >&2
    exit 1
fi
echo "Swift parse check passed (and the broken fixture failed, as it must)"
