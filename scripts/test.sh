#!/usr/bin/env bash
# Installs missing packages, builds, and runs the whole ctest suite headless. Exits non-zero on any failure.
# `.ci/run` is exactly this script with the defaults below (all three phases).
#
# Phases:
#   1. Release build + the whole ctest suite (build/), and clang-tidy with the project's .clang-tidy over model/,
#      storage/ and app/ (scripts/tidy.sh) beside the suite at the lowest priority.   STREAMSCOPE_TIDY=1|0 (default 1)
#      Its failure fails the script at once.
#   2. the whole suite again under ASan+UBSan (scripts/sanitize.sh, build-asan/: -O1 -g1, no benchmarks/fuzzers).
#                                                     STREAMSCOPE_SANITIZE=1|0 (default 1)
#   3. fuzz smoke test: the fuzz regressions replayed, then every libFuzzer target for STREAMSCOPE_FUZZ_SECONDS
#      (default 30) from the seed corpora (scripts/fuzz.sh, build-fuzz/; installs clang + libclang-rt-14-dev if
#      missing).                                      STREAMSCOPE_FUZZ=1|0 (default 1)
# Phases 2 and 3 both run even if one fails; the script then exits 1. A quick developer run of phase 1 only:
#   STREAMSCOPE_SANITIZE=0 STREAMSCOPE_FUZZ=0 STREAMSCOPE_TIDY=0 scripts/test.sh
# Measured on a clean clone (2 cores): see README, Reliability.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

phase_start=$SECONDS
install_packages "${STREAMSCOPE_PACKAGES[@]}"
# The export conformance test runs the Powertools for AWS Lambda (TypeScript) parser under Node.js; its npm
# packages are installed by the test itself (npm ci into tests/conformance/node_modules).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    install_packages nodejs npm
fi
BUILD_DIR="${STREAMSCOPE_BUILD_DIR:-$STREAMSCOPE_ROOT/build}"
log "phase 1: building in $BUILD_DIR"
build_streamscope "$BUILD_DIR"

export QT_QPA_PLATFORM=offscreen
# clang-tidy runs beside the suite at the lowest priority: the suite leaves the CPU idle while its tests wait for
# child processes, npm and apt, and tidy takes only that time (a test at normal priority gets ~98 % of a core that
# both want). Its output is shown after the suite.
tidy_pid=""
if [ "${STREAMSCOPE_TIDY:-1}" = 1 ]; then
    install_packages clang-tidy # now, not beside the suite: the packaging test uses apt too
    log "phase 1: clang-tidy with .clang-tidy over model/, storage/, app/, beside the suite (STREAMSCOPE_TIDY=0 skips)"
    tidy_log="$(mktemp)"
    setsid nice -n 19 bash "$STREAMSCOPE_ROOT/scripts/tidy.sh" "$BUILD_DIR" >"$tidy_log" 2>&1 &
    tidy_pid=$!
    trap '[ -n "$tidy_pid" ] && kill -- -"$tidy_pid" 2>/dev/null; rm -f "$tidy_log"' EXIT
fi
log "phase 1: running the test suite"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"${STREAMSCOPE_JOBS:-2}" --timeout 600
if [ -n "$tidy_pid" ]; then
    tidy_rc=0
    wait "$tidy_pid" || tidy_rc=$?
    tidy_pid=""
    cat "$tidy_log" >&2
    [ "$tidy_rc" = 0 ] || { log "phase 1: clang-tidy failed"; exit "$tidy_rc"; }
fi
timings=("phase 1 (Release build + suite + clang-tidy): $((SECONDS - phase_start)) s, passed")

failed=0
if [ "${STREAMSCOPE_SANITIZE:-1}" = 1 ]; then
    log "phase 2: the suite under ASan+UBSan (STREAMSCOPE_SANITIZE=0 skips)"
    phase_start=$SECONDS
    result=passed
    bash "$STREAMSCOPE_ROOT/scripts/sanitize.sh" || { result=FAILED; failed=1; }
    timings+=("phase 2 (ASan+UBSan build + suite): $((SECONDS - phase_start)) s, $result")
else
    log "phase 2 skipped (STREAMSCOPE_SANITIZE=0)"
fi

if [ "${STREAMSCOPE_FUZZ:-1}" = 1 ]; then
    log "phase 3: fuzz smoke, ${STREAMSCOPE_FUZZ_SECONDS:-30}s per target (STREAMSCOPE_FUZZ=0 skips)"
    phase_start=$SECONDS
    result=passed
    # On a clean clone the corpus starts from the seeds; a developer's grown corpus in build-fuzz/corpus is kept.
    bash "$STREAMSCOPE_ROOT/scripts/fuzz.sh" "${STREAMSCOPE_FUZZ_SECONDS:-30}" || { result=FAILED; failed=1; }
    timings+=("phase 3 (fuzz build + smoke): $((SECONDS - phase_start)) s, $result")
else
    log "phase 3 skipped (STREAMSCOPE_FUZZ=0)"
fi

printf '\n%s\n' "scripts/test.sh summary (total $SECONDS s):" >&2
printf '  %s\n' "${timings[@]}" >&2
exit "$failed"
