#!/usr/bin/env bash
# The test command: installs what is missing, configures, builds from
# scratch into build/ (or $COUNCIL_BUILD_DIR) and runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/install-deps.sh
BUILD_DIR=${COUNCIL_BUILD_DIR:-build}
JOBS=${COUNCIL_JOBS:-$(nproc)}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD_DIR" -j "$JOBS"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" "$@"
