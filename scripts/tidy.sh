#!/usr/bin/env bash
# Runs clang-tidy with the project's .clang-tidy over every source file of model/, storage/ and app/ (tests,
# benchmarks and fuzz targets are not held to it) against a build's compile_commands.json. Any finding fails.
#
#   scripts/tidy.sh [BUILD_DIR] [FILE...]        default BUILD_DIR: build/ (configured by scripts/test.sh)
#   scripts/tidy.sh BUILD_DIR --since COMMIT      the sources changed since COMMIT (committed or not), and for each
#                                                 changed header the sources that include it; every source when
#                                                 COMMIT is not in the history (a shallow clone). scripts/test.sh
#                                                 passes the commit in scripts/tidy-baseline: the last one a
#                                                 whole-tree run found clean (raise it after a clean whole-tree run).
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
all_sources() {
    git ls-files 'model/*.cpp' 'storage/*.cpp' 'app/*.cpp' 2>/dev/null || find model storage app -name '*.cpp' | sort
}
if [ "${1:-}" = --since ]; then
    since="${2:?--since needs a commit}"
    if git merge-base --is-ancestor "$since" HEAD 2>/dev/null; then
        mapfile -t changed < <({ git diff --name-only "$since" -- model storage app; git ls-files --others \
            --exclude-standard -- model storage app; } | sort -u)
        declare -A wanted=()
        for f in "${changed[@]}"; do
            [ -f "$f" ] || continue
            case "$f" in
                *.cpp) wanted["$f"]=1 ;;
                *.h)
                    # The sources that include the header by its path from the root or by its name beside it.
                    while IFS= read -r src; do wanted["$src"]=1; done < <(all_sources | xargs grep -lE \
                        "#include \"($f|$(basename "$f"))\"" 2>/dev/null || true)
                    ;;
            esac
        done
        mapfile -t files < <(printf '%s\n' "${!wanted[@]}" | grep -E '^(model|storage|app)/.*\.cpp$' | sort)
        log "clang-tidy: the sources changed since ${since:0:12} and those including a changed header"
        if [ ${#files[@]} -eq 0 ]; then
            log "clang-tidy: nothing to check"
            exit 0
        fi
    else
        log "clang-tidy: $since is not in this history: checking every source"
        mapfile -t files < <(all_sources)
    fi
elif [ $# -gt 0 ]; then
    files=("$@")
else
    mapfile -t files < <(all_sources)
fi
log "clang-tidy: ${#files[@]} files (checks in .clang-tidy)"
report="$(mktemp)"
commands="$(mktemp -d)"
trap 'rm -rf "$report" "$commands"' EXIT
# The build's precompiled headers (STREAMSCOPE_PCH) are left out: clang-tidy cannot read GCC's .gch beside
# `-include …/cmake_pch.hxx`, and with clang's own (`-Xclang -include-pch`) it matches every declaration of the header
# all the same, so it saves nothing. It gets the same commands without them; each source includes what it uses.
python3 - "$BUILD_DIR/compile_commands.json" "$commands/compile_commands.json" <<'PY'
import json, re, sys
entries = json.load(open(sys.argv[1]))
for e in entries:
    e["command"] = re.sub(r" -Winvalid-pch| -Xclang -include-pch -Xclang \S+| -Xclang -include -Xclang \S*cmake_pch\.hxx"
                          r"| -include \S*cmake_pch\.hxx", "", e["command"])
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
