#!/usr/bin/env bash
# The test command: installs what is missing, configures, builds from
# scratch into build/ (or $COUNCIL_BUILD_DIR), runs every test with ctest,
# then the fuzz targets for a bounded time (tests/fuzz/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/install-deps.sh
BUILD_DIR=${COUNCIL_BUILD_DIR:-build}
JOBS=${COUNCIL_JOBS:-$(nproc)}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD_DIR" -j "$JOBS"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" "$@"
# The main job, end to end: the demo tree with TLS and signed records.
COUNCIL_BUILD_DIR=$(cd "$BUILD_DIR" && pwd) COUNCIL_DEMO_DIR=$(mktemp -d) \
  COUNCIL_DEMO_PORT=${COUNCIL_DEMO_PORT:-7500} \
  bash -c 'trap "bash deploy/demo.sh stop >/dev/null" EXIT; bash deploy/demo.sh >/dev/null'
echo "demo: the main job ran end to end"
# The Debian package builds, unpacks into a scratch root, and runs.
bash tests/package/check_deb.sh "$BUILD_DIR"
# libFuzzer targets under ASan/UBSan, a bounded time each (COUNCIL_SKIP_FUZZ=1 skips).
if [[ ${COUNCIL_SKIP_FUZZ:-0} != 1 ]]; then
  COUNCIL_JOBS=$JOBS bash tests/fuzz/run.sh
fi
