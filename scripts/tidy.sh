#!/usr/bin/env bash
# Runs clang-tidy with the project's .clang-tidy over every source file of model/, storage/ and app/ (tests,
# benchmarks and fuzz targets are not held to it) against a build's compile_commands.json. Any finding fails.
#
#   scripts/tidy.sh [BUILD_DIR] [FILE...]        default BUILD_DIR: build/ (configured by scripts/test.sh)
#
# Env: STREAMSCOPE_JOBS (default 2) files checked at once.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

install_packages clang-tidy
BUILD_DIR="${1:-$STREAMSCOPE_ROOT/build}"
shift || true
if [ ! -f "$BUILD_DIR/compile_commands.json" ]; then
    log "no compile_commands.json in $BUILD_DIR: configure the build first (scripts/test.sh or cmake -B $BUILD_DIR)"
    exit 2
fi
cd "$STREAMSCOPE_ROOT"
if [ $# -gt 0 ]; then
    files=("$@")
else
    mapfile -t files < <(git ls-files 'model/*.cpp' 'storage/*.cpp' 'app/*.cpp' 2>/dev/null \
        || find model storage app -name '*.cpp' | sort)
fi
log "clang-tidy: ${#files[@]} files (checks in .clang-tidy)"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
# Qt's moc/autogen headers are generated: they are not in the file list and the header filter skips them.
printf '%s\0' "${files[@]}" \
    | xargs -0 -n1 -P"${STREAMSCOPE_JOBS:-2}" clang-tidy -p "$BUILD_DIR" --quiet >"$report" 2>/dev/null || true
if grep -qE '(warning|error):' "$report"; then
    grep -E -A3 '(warning|error):' "$report" >&2
    log "clang-tidy: $(grep -cE '(warning|error):' "$report") findings"
    exit 1
fi
log "clang-tidy: clean"
