#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan into build-fuzz/
# (or $COUNCIL_FUZZ_BUILD_DIR) and runs each for $COUNCIL_FUZZ_SECONDS
# (default 20) seconds. A crash fails the run and leaves its input in the
# build directory. Called by tests/run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${COUNCIL_FUZZ_BUILD_DIR:-build-fuzz}
SECONDS_EACH=${COUNCIL_FUZZ_SECONDS:-20}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link"
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCOUNCIL_BUILD_TESTS=OFF -DCOUNCIL_FUZZ=ON \
  -DCMAKE_CXX_FLAGS="$SAN" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$BUILD" -j "${COUNCIL_JOBS:-$(nproc)}" --target fuzz_record fuzz_link fuzz_cli fuzz_bundle
for target in fuzz_record fuzz_link fuzz_cli fuzz_bundle; do
  mkdir -p "$BUILD/corpus/$target"
  # A bundle starts with its magic; start the search past it.
  [[ $target == fuzz_bundle ]] && printf 'COUNCIL-BUNDLE\n' >"$BUILD/corpus/$target/magic"
  echo "fuzz: $target for ${SECONDS_EACH}s"
  (cd "$BUILD" && "./tests/fuzz/$target" -max_total_time="$SECONDS_EACH" -max_len=8192 \
     -print_final_stats=1 "corpus/$target" 2>&1 | tail -4)
done
