#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang, ASan+UBSan, build-fuzz/) and runs each for a given time,
# printing executions (per wall- and per CPU-second) and crashes per target. Seed corpora are built at run time from
# ../shared/samples/public and the generator (never committed). Exit status: 0 when every target ran crash-free,
# 1 otherwise.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      e.g. scripts/fuzz.sh 60, scripts/fuzz.sh 900 fuzz_diff
#
# Before fuzzing, every saved crash under tests/fuzz/regressions/<target>/ is replayed (ctest -L fuzz), and the
# regressions are part of the seeds too. clang and libclang-rt-14-dev are installed only if missing.
#
# Env: STREAMSCOPE_FUZZ_BUILD_DIR (default build-fuzz), STREAMSCOPE_FUZZ_RSS_MB (default 2048),
#      STREAMSCOPE_FUZZ_KEEP_CORPUS=1 keeps the grown corpus in $BUILD/corpus/<target> between runs (default 1),
#      STREAMSCOPE_FUZZ_RUNS=N stops each target after N executions (or at SECONDS_PER_TARGET, whichever is first),
#      STREAMSCOPE_FUZZ_NICE=1 runs the fuzzers under `nice -n 19` (a shared machine),
#      STREAMSCOPE_FUZZ_MAX_LEN=N overrides every target's -max_len (default per target, see max_len_of),
#      STREAMSCOPE_FUZZ_WORKERS=N runs N processes per target on the shared corpus (default 1; executions summed),
#      STREAMSCOPE_FUZZ_PARALLEL=N fuzzes N targets at once (default: the number of cores),
#      STREAMSCOPE_FUZZ_ARGS="..." extra libFuzzer flags (e.g. -entropic=0: the classic scheduler, faster per
#      execution on fuzz_import, where entropic's feature bookkeeping takes about a third of the time).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

SECONDS_PER_TARGET="${1:-60}"
shift || true
install_packages clang libclang-rt-14-dev cmake make python3

BUILD_DIR="${STREAMSCOPE_FUZZ_BUILD_DIR:-$STREAMSCOPE_ROOT/build-fuzz}"
SHARED_DIR="${STREAMSCOPE_SHARED_DIR:-$STREAMSCOPE_ROOT/../shared}"
log "configuring the fuzz preset in $BUILD_DIR"
cmake --preset fuzz -S "$STREAMSCOPE_ROOT" -B "$BUILD_DIR" -DSTREAMSCOPE_SHARED_DIR="$SHARED_DIR" >/dev/null
cmake --build "$BUILD_DIR" -j"${STREAMSCOPE_JOBS:-2}" --target streamscope_fuzzers

mapfile -t ALL_TARGETS < <(find "$BUILD_DIR/tests/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x -printf '%f\n' | sort)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL_TARGETS[@]}")
[ ${#TARGETS[@]} -eq 0 ] && { log "no fuzz targets were built"; exit 1; }

SEEDS="$BUILD_DIR/seeds"
log "building seed corpora in $SEEDS"
rm -rf "$SEEDS"
python3 "$STREAMSCOPE_ROOT/tests/fuzz/makeseeds.py" --shared "$SHARED_DIR" --out "$SEEDS" \
    --regressions "$STREAMSCOPE_ROOT/tests/fuzz/regressions"

failed=0
summary=()
if ctest --test-dir "$BUILD_DIR" -N -L fuzz 2>/dev/null | grep -q 'Total Tests: [1-9]'; then
    log "replaying the saved crashes (tests/fuzz/regressions)"
    if ! ctest --test-dir "$BUILD_DIR" -L fuzz --output-on-failure; then
        failed=1
        summary+=("regressions: FAILED (ctest -L fuzz in $BUILD_DIR)")
    fi
fi
runner=()
[ "${STREAMSCOPE_FUZZ_NICE:-0}" = 1 ] && runner=(nice -n 19)
# Largest input per target. In a long run libFuzzer grows its inputs up to -max_len, and every target's work is
# linear in its input, so the cap sets the speed. A capture file of 8 KiB holds an event of several records (most
# public samples are smaller; larger ones are cut there), which reaches every shape, record and store path; larger
# files only repeat them (big files are covered by the tests: generated captures, the hostile 300 MB string and
# 1 GiB line). One DynamoDB JSON value, one record or two items to diff reach every code path in 16 KiB.
max_len_of() {
    if [ -n "${STREAMSCOPE_FUZZ_MAX_LEN:-}" ]; then echo "$STREAMSCOPE_FUZZ_MAX_LEN"; return; fi
    case "$1" in
        fuzz_import) echo 8192 ;;
        fuzz_decimal) echo 4096 ;;
        *) echo 16384 ;;
    esac
}
# ASan settings per target. fuzz_import allocates and frees SQLite pages and records all the time: a 32 MiB
# quarantine (default 256) still keeps freed memory poisoned across several inputs but stops it from streaming
# through fresh pages (page faults); no 0xbe fill of new blocks (uninitialised reads are UBSan's and MSan's
# business, not ASan's). Together ~1.4x executions per second.
asan_options_of() {
    local common="detect_leaks=1:allocator_may_return_null=1"
    case "$1" in
        fuzz_import) echo "$common:quarantine_size_mb=32:max_malloc_fill_size=0" ;;
        *) echo "$common" ;;
    esac
}
WORKERS="${STREAMSCOPE_FUZZ_WORKERS:-1}"
read -r -a extra_args <<<"${STREAMSCOPE_FUZZ_ARGS:-}"
# One fuzzing process: worker $1 of $target, its log $2 (CPU seconds in $2.cpu), its -runs share $3 (or empty).
fuzz_worker() {
    local worker_runs=()
    [ -n "$3" ] && worker_runs=(-runs="$3")
    # CPU seconds of the run too: on a shared machine (or under nice) the wall-clock exec/s understates the target.
    TIMEFORMAT='%U %S'
    { time ASAN_OPTIONS="$(asan_options_of "$target")" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        "${runner[@]}" "$bin" -max_total_time="$SECONDS_PER_TARGET" "${worker_runs[@]}" -rss_limit_mb="${STREAMSCOPE_FUZZ_RSS_MB:-2048}" \
        -max_len="$(max_len_of "$target")" -timeout=30 -print_final_stats=1 -dict="$STREAMSCOPE_ROOT/tests/fuzz/dynamodb.dict" \
        "${extra_args[@]}" \
        -artifact_prefix="$artifacts/" "$corpus" "$SEEDS/$target" >"$2" 2>&1; } 2>"$2.cpu"
}
# One target: fuzzes it and writes its summary line to $BUILD_DIR/$target.summary; non-zero on a crash or failure.
fuzz_target() {
    target="$1"
    bin="$BUILD_DIR/tests/fuzz/$target"
    [ -x "$bin" ] || { log "$target: not built"; printf '%-20s not built\n' "$target" >"$BUILD_DIR/$target.summary"; return 1; }
    corpus="$BUILD_DIR/corpus/$target"
    artifacts="$BUILD_DIR/artifacts/$target"
    [ "${STREAMSCOPE_FUZZ_KEEP_CORPUS:-1}" = 1 ] || rm -rf "$corpus"
    mkdir -p "$corpus" "$artifacts" "$SEEDS/$target"
    before=$(find "$artifacts" -type f | wc -l)
    logfile="$BUILD_DIR/$target.log"
    log "$target: fuzzing for ${SECONDS_PER_TARGET}s, inputs up to $(max_len_of "$target") bytes, $WORKERS worker(s) (log: $logfile)"
    # Workers share the corpus folder (libFuzzer -reload picks up what the others added); each gets its share of
    # STREAMSCOPE_FUZZ_RUNS. Worker 0 logs to $logfile, worker N to $logfile.N.
    share=""
    [ -n "${STREAMSCOPE_FUZZ_RUNS:-}" ] && share=$(((STREAMSCOPE_FUZZ_RUNS + WORKERS - 1) / WORKERS))
    logs=()
    pids=()
    for ((w = 0; w < WORKERS; w++)); do
        wlog="$logfile"
        [ "$w" -gt 0 ] && wlog="$logfile.$w"
        logs+=("$wlog")
        fuzz_worker "$w" "$wlog" "$share" &
        pids+=($!)
    done
    rc=0
    for pid in "${pids[@]}"; do
        wait "$pid" || rc=$?
    done
    execs=0
    rate=0
    cpu=0
    for wlog in "${logs[@]}"; do
        n=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$wlog" | tail -1 | awk '{print $2}')
        r=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$wlog" | tail -1 | awk '{print $2}')
        c=$(awk '{printf "%.1f", $1 + $2}' "$wlog.cpu" 2>/dev/null || true)
        execs=$((execs + ${n:-0}))
        rate=$((rate + ${r:-0}))
        cpu=$(awk -v a="$cpu" -v b="${c:-0}" 'BEGIN { printf "%.1f", a + b }')
    done
    cpurate=$(awk -v n="$execs" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? n / c : 0) }')
    after=$(find "$artifacts" -type f | wc -l)
    crashes=$((after - before))
    printf '%-20s executions %11s  (%6s/s; %6s per CPU-second, %5ss CPU)   crashes %d   exit %d\n' \
        "$target" "$execs" "$rate" "$cpurate" "$cpu" "$crashes" "$rc" >"$BUILD_DIR/$target.summary"
    if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        log "$target: FAILED (exit $rc); see ${logs[*]} and $artifacts"
        grep -m5 -E 'ERROR:|invariant broken|runtime error' "${logs[@]}" >&2 || true
        return 1
    fi
}

# Targets run STREAMSCOPE_FUZZ_PARALLEL at a time (default: one per core), each for SECONDS_PER_TARGET.
parallel="${STREAMSCOPE_FUZZ_PARALLEL:-$(nproc)}"
[ "$parallel" -ge 1 ] 2>/dev/null || parallel=1
running=()
for target in "${TARGETS[@]}"; do
    rm -f "$BUILD_DIR/$target.summary"
    if [ ${#running[@]} -ge "$parallel" ]; then
        wait "${running[0]}" || failed=1
        running=("${running[@]:1}")
    fi
    fuzz_target "$target" &
    running+=($!)
done
for pid in "${running[@]}"; do
    wait "$pid" || failed=1
done
for target in "${TARGETS[@]}"; do
    summary+=("$(cat "$BUILD_DIR/$target.summary" 2>/dev/null || printf '%-20s no result' "$target")")
done

printf '\n%s\n' "fuzz summary (${SECONDS_PER_TARGET}s per target):"
printf '  %s\n' "${summary[@]}"
exit "$failed"
