#!/usr/bin/env bash
# Builds the `asan` preset (AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer, build-asan/) and runs
# the whole ctest suite under it. Any sanitizer report fails the test that triggered it (halt_on_error / abort).
# The preset is cut for CI time: clang (its ASan+UBSan build took about two thirds of GCC's time here), lld, -O1
# with line tables only (for the reports), no benchmarks, no fuzz targets.
#
#   scripts/sanitize.sh [extra ctest args...]       e.g. scripts/sanitize.sh -R tst_hostile
#
# Env: STREAMSCOPE_ASAN_BUILD_DIR (default build-asan), STREAMSCOPE_JOBS (default 2),
#      STREAMSCOPE_SANITIZE_BUILD_ONLY=1 builds and stops; STREAMSCOPE_SANITIZE_SKIP_BUILD=1 runs the suite only.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

install_packages "${STREAMSCOPE_PACKAGES[@]}" clang lld libclang-rt-14-dev
BUILD_DIR="${STREAMSCOPE_ASAN_BUILD_DIR:-$STREAMSCOPE_ROOT/build-asan}"
if [ "${STREAMSCOPE_SANITIZE_SKIP_BUILD:-0}" != 1 ]; then
    log "building the asan preset in $BUILD_DIR"
    cmake --preset asan -S "$STREAMSCOPE_ROOT" -B "$BUILD_DIR" >/dev/null
    cmake --build "$BUILD_DIR" -j"${STREAMSCOPE_JOBS:-2}"
fi
[ "${STREAMSCOPE_SANITIZE_BUILD_ONLY:-0}" = 1 ] && exit 0

export QT_QPA_PLATFORM=offscreen
# detect_leaks: LeakSanitizer runs too; suppressions cover only third-party libraries (scripts/lsan.supp).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$STREAMSCOPE_ROOT/scripts/lsan.supp:print_suppressions=0}"
# Sanitized code is 2-5x slower: tests read this to scale their sizes/timeouts where they must.
export STREAMSCOPE_SANITIZED=1
log "running the test suite under ASan+UBSan"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"${STREAMSCOPE_JOBS:-2}" --timeout 900 "$@"
