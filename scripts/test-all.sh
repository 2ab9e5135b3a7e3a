#!/usr/bin/env bash
# Every test of the project, in the order a failure is cheapest to find:
#   formatting and lints, the Rust workspace (core, server, bindings, end-to-end, authorization
#   matrix, simulation — on SQLite and on PostgreSQL), the Kotlin binding tests on the JVM,
#   the Android demo's presentation tests on the JVM, and the Swift parse check. Installs
#   missing tools first (scripts/setup.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n== %s\n' "$*"; }

step "tools"
bash scripts/setup.sh

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

if [[ -z "${PASSERELLE_TEST_POSTGRES_URL:-}" && -x scripts/start-test-postgres.sh ]]; then
    step "postgresql"
    eval "$(scripts/start-test-postgres.sh)"
fi

step "rust tests"
cargo test --workspace

step "kotlin binding tests"
bash bindings/scripts/test-kotlin.sh

step "android demo presentation tests"
bash android-demo/scripts/test-presentation.sh

step "swift parse check"
bash bindings/scripts/check-swift.sh

step "all tests passed"
