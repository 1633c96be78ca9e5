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
commands="$(mktemp -d)"
trap 'rm -rf "$report" "$commands"' EXIT
# The build's precompiled headers (STREAMSCOPE_PCH) are GCC's: clang-tidy would find the .gch beside
# `-include …/cmake_pch.hxx` and fail to read it. It gets the same commands without them; each source includes what it
# uses.
python3 - "$BUILD_DIR/compile_commands.json" "$commands/compile_commands.json" <<'PY'
import json, re, sys
entries = json.load(open(sys.argv[1]))
for e in entries:
    e["command"] = re.sub(r" -Winvalid-pch| -include \S*cmake_pch\.hxx", "", e["command"])
json.dump(entries, open(sys.argv[2], "w"))
PY
# Qt's moc/autogen headers are generated: they are not in the file list and the header filter skips them.
printf '%s\0' "${files[@]}" \
    | xargs -0 -n1 -P"${STREAMSCOPE_JOBS:-2}" clang-tidy -p "$commands" --quiet >"$report" 2>/dev/null || true
if grep -qE '(warning|error):' "$report"; then
    grep -E -A3 '(warning|error):' "$report" >&2
    log "clang-tidy: $(grep -cE '(warning|error):' "$report") findings"
    exit 1
fi
log "clang-tidy: clean"
