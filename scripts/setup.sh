#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, and nothing already there:
#   apt:  C toolchain and perl (SQLCipher/OpenSSL build), JDK, JNA, JUnit 4, PostgreSQL
#   npm:  kotlin-compiler (kotlinc + kotlin-test jars), into ./node_modules
#   pip:  tree-sitter + tree-sitter-swift (the Swift parse check)
# Idempotent and quick when everything is present. Run as root or with sudo available.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SUDO=""
if [[ $(id -u) -ne 0 ]] && command -v sudo > /dev/null; then SUDO="sudo"; fi

need_apt=()
command -v cc > /dev/null || need_apt+=(build-essential)
command -v perl > /dev/null || need_apt+=(perl)
command -v make > /dev/null || need_apt+=(make)
command -v pkg-config > /dev/null || need_apt+=(pkg-config)
command -v javac > /dev/null || need_apt+=(openjdk-17-jdk-headless)
[[ -f /usr/share/java/jna.jar ]] || need_apt+=(libjna-java)
[[ -f /usr/share/java/junit4.jar ]] || need_apt+=(junit4)
ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1 || need_apt+=(postgresql)
command -v npm > /dev/null || need_apt+=(npm)
command -v python3 > /dev/null || need_apt+=(python3 python3-pip)
if ((${#need_apt[@]})); then
    echo "setup: apt-get install ${need_apt[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" > /dev/null
fi

if [[ ! -x node_modules/kotlin-compiler/bin/kotlinc ]] && ! command -v kotlinc > /dev/null; then
    echo "setup: npm install kotlin-compiler"
    npm install --no-save --no-package-lock --no-audit --no-fund kotlin-compiler > /dev/null
fi

if ! python3 -c 'import tree_sitter, tree_sitter_swift' 2> /dev/null; then
    echo "setup: pip install tree-sitter tree-sitter-swift"
    python3 -m pip install --quiet tree-sitter tree-sitter-swift 2> /dev/null ||
        python3 -m pip install --quiet --break-system-packages tree-sitter tree-sitter-swift
fi

if ! command -v cargo > /dev/null; then
    echo "setup: Rust is missing; install it with rustup (https://rustup.rs)" >&2
    exit 1
fi
echo "setup: ready"
