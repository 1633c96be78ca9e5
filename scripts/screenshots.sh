#!/usr/bin/env bash
# Renders screenshots of the main views under Xvfb from the bundled sample into docs/screenshots/*.png.
# Usage: scripts/screenshots.sh [capture...]   (default: resources/samples/orders-capture.json, or a generated
# capture when the sample is missing). Needs a build (STREAMSCOPE_BUILD_DIR, default build/).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

BUILD_DIR="${STREAMSCOPE_BUILD_DIR:-$STREAMSCOPE_ROOT/build}"
APP="$BUILD_DIR/app/streamscope"
[ -x "$APP" ] || build_streamscope "$BUILD_DIR" streamscope
OUT="$STREAMSCOPE_ROOT/docs/screenshots"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

captures=("$@")
if [ ${#captures[@]} -eq 0 ]; then
    if [ -f "$STREAMSCOPE_ROOT/resources/samples/orders-capture.json" ]; then
        captures=("$STREAMSCOPE_ROOT/resources/samples/orders-capture.json")
    else
        log "bundled sample missing: generating a small capture"
        python3 "$STREAMSCOPE_ROOT/../shared/tools/gen_capture.py" --seed 3 --records 3000 --keys 150 --tables 2 \
            --ttl-rate 0.3 --duplicate-rate 0.01 --gap-rate 0.01 --layout single --quiet --out "$WORK/capture.json"
        captures=("$WORK/capture.json")
    fi
fi

for i in "${!captures[@]}"; do captures[$i]="$(realpath "${captures[$i]}")"; done
APP="$(realpath "$APP")"

# Isolated settings and data so the user's recent stores and layout are neither used nor touched.
export XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data" XDG_RUNTIME_DIR="$WORK/runtime"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
log "rendering into $OUT"
HANDLER="python3 resources/handlers/fail_on_record.py --fail-key ORD-1003"
cd "$STREAMSCOPE_ROOT" # the handler path above is relative: short in the screenshot
# Light (system) palette with every view, including a replay through a handler that fails ORD-1003's records;
# then the dark palette variant of the same views (without the replay).
timeout 300 xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$APP" --store "$WORK/screens.streamscope" --screenshots "$WORK/png" --screenshot-handler "$HANDLER" \
    "${captures[@]}"
timeout 300 xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$APP" --palette dark --store "$WORK/screens-dark.streamscope" --screenshots "$WORK/png" "${captures[@]}"
for png in "$WORK"/png/*.png; do
    cp "$png" "$OUT/"
    log "$(basename "$png"): $(( $(stat -c %s "$png") / 1024 )) KB"
done
