#!/usr/bin/env bash
# Installs missing packages, builds, and runs the whole ctest suite headless. Exits non-zero on any failure.
# `.ci/run` is exactly this script with the defaults below (all three phases).
#
# Phases:
#   1. the whole ctest suite under ASan+UBSan+LSan (scripts/sanitize.sh: clang, -O1, build-asan/), and clang-tidy
#      with the project's .clang-tidy (scripts/tidy.sh) beside the suite at the lowest priority, over the sources
#      changed since the commit in scripts/tidy-baseline (the last commit a whole-tree run found clean; every source
#      when it is not in the history).                  STREAMSCOPE_TIDY=1|full|0 (default 1; full: every source)
#      Its failure fails the script.
#   2. the Release build of the program and the benchmarks (build/), and the Debian package test
#      (tests/packaging/package_test.sh: cpack, lintian, the unpacked and, under CI, the installed program).
#   3. fuzz smoke test: the fuzz regressions replayed, then every libFuzzer target for STREAMSCOPE_FUZZ_SECONDS
#      (default 30), one per core at a time, from the seed corpora (scripts/fuzz.sh, build-fuzz/).
#                                                     STREAMSCOPE_FUZZ=1|0 (default 1)
# The suite runs once, on the sanitized build: every test, with every memory error, leak and undefined behaviour
# failing it. Building the tests twice (Release and sanitized) took most of CI's time.
#   STREAMSCOPE_SANITIZE=0   the suite runs on the Release build instead (build/, tests and the package test
#                            included) and phase 2 is that; a quicker developer run of everything but sanitizers:
#   STREAMSCOPE_SANITIZE=0 STREAMSCOPE_FUZZ=0 STREAMSCOPE_TIDY=0 scripts/test.sh
# All phases run even if one fails; the script then exits 1.
# Measured on a clean clone (2 cores): see README, Reliability.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

install_packages "${STREAMSCOPE_PACKAGES[@]}"
# The export conformance test runs the Powertools for AWS Lambda (TypeScript) parser under Node.js; its npm
# packages are installed by the test itself (npm ci into tests/conformance/node_modules).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    install_packages nodejs npm
fi
BUILD_DIR="${STREAMSCOPE_BUILD_DIR:-$STREAMSCOPE_ROOT/build}"
export QT_QPA_PLATFORM=offscreen
failed=0
timings=()

# clang-tidy beside the suite at the lowest priority: the suite leaves the CPU idle while its tests wait for child
# processes, npm and apt, and tidy takes only that time. Its output is shown after the suite. $1: the build whose
# compile commands it reads.
tidy_pid=""
tidy_log="$(mktemp)"
trap '[ -n "$tidy_pid" ] && kill -- -"$tidy_pid" 2>/dev/null; rm -f "$tidy_log"' EXIT
start_tidy() {
    local mode="${STREAMSCOPE_TIDY:-1}" args=()
    [ "$mode" = 0 ] && return 0
    install_packages clang-tidy # now, not beside the suite: the packaging test uses apt too
    if [ "$mode" != full ]; then
        args=(--since "$(tr -d '[:space:]' <"$STREAMSCOPE_ROOT/scripts/tidy-baseline")")
    fi
    log "clang-tidy with .clang-tidy beside the suite (${args[*]:-every source}; STREAMSCOPE_TIDY=0 skips, =full checks all)"
    # Its own session (killed as a group) whose scheduling group is niced too: with the kernel's autogroups, a
    # niced process in another session still gets half the CPU.
    setsid bash -c 'echo 19 >/proc/self/autogroup 2>/dev/null; exec nice -n 19 bash "$@"' tidy \
        "$STREAMSCOPE_ROOT/scripts/tidy.sh" "$1" "${args[@]}" >"$tidy_log" 2>&1 &
    tidy_pid=$!
}
finish_tidy() {
    [ -n "$tidy_pid" ] || return 0
    local rc=0
    wait "$tidy_pid" || rc=$?
    tidy_pid=""
    cat "$tidy_log" >&2
    [ "$rc" = 0 ] || log "clang-tidy failed"
    return "$rc"
}

phase_start=$SECONDS
if [ "${STREAMSCOPE_SANITIZE:-1}" = 1 ]; then
    log "phase 1: the whole suite under ASan+UBSan (STREAMSCOPE_SANITIZE=0 runs it on the Release build instead)"
    result=passed
    STREAMSCOPE_SANITIZE_BUILD_ONLY=1 bash "$STREAMSCOPE_ROOT/scripts/sanitize.sh" || {
        result="FAILED (build)"
        failed=1
    }
    if [ "$result" = passed ]; then
        start_tidy "${STREAMSCOPE_ASAN_BUILD_DIR:-$STREAMSCOPE_ROOT/build-asan}"
        STREAMSCOPE_SANITIZE_SKIP_BUILD=1 bash "$STREAMSCOPE_ROOT/scripts/sanitize.sh" || { result=FAILED; failed=1; }
        finish_tidy || { result="$result, clang-tidy FAILED"; failed=1; }
    fi
    timings+=("phase 1 (ASan+UBSan build + suite + clang-tidy): $((SECONDS - phase_start)) s, $result")

    log "phase 2: Release build of the program and the benchmarks in $BUILD_DIR, and the Debian package test"
    phase_start=$SECONDS
    result=passed
    if cmake -S "$STREAMSCOPE_ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null &&
        cmake --build "$BUILD_DIR" -j"${STREAMSCOPE_JOBS:-2}"; then
        bash "$STREAMSCOPE_ROOT/tests/packaging/package_test.sh" "$BUILD_DIR" || { result=FAILED; failed=1; }
    else
        result="FAILED (build)"
        failed=1
    fi
    timings+=("phase 2 (Release build + package test): $((SECONDS - phase_start)) s, $result")
else
    log "phase 1: Release build in $BUILD_DIR and the whole suite (STREAMSCOPE_SANITIZE=0: no sanitizers)"
    result=passed
    if build_streamscope "$BUILD_DIR"; then
        start_tidy "$BUILD_DIR"
        ctest --test-dir "$BUILD_DIR" --output-on-failure -j"${STREAMSCOPE_JOBS:-2}" --timeout 600 ||
            { result=FAILED; failed=1; }
        finish_tidy || { result="$result, clang-tidy FAILED"; failed=1; }
    else
        result="FAILED (build)"
        failed=1
    fi
    timings+=("phase 1 (Release build + suite + clang-tidy): $((SECONDS - phase_start)) s, $result")
    log "phase 2 skipped (STREAMSCOPE_SANITIZE=0: the package test ran in the suite)"
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
