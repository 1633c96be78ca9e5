#!/usr/bin/env bash
# Renders screenshots of the views under Xvfb from the bundled sample into docs/screenshots/*.png, at 1024x700 and
# 1920x1080, light and dark (README's screenshot table lists them).
# Usage: scripts/screenshots.sh [capture...]   (default: resources/samples/orders-capture.json, or a generated
# capture when the sample is missing). Needs a build (STREAMSCOPE_BUILD_DIR, default build/).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

BUILD_DIR="${STREAMSCOPE_BUILD_DIR:-$STREAMSCOPE_ROOT/build}"
APP="$BUILD_DIR/app/streamscope"
[ -x "$APP" ] || build_streamscope "$BUILD_DIR" streamscope
OUT="$STREAMSCOPE_ROOT/docs/screenshots"
WORK="$(mktemp -d)"
# The stores in a short directory of their own: the status bar shows the store's path.
STORES="$(mktemp -d /tmp/sXXXX)"
trap 'rm -rf "$WORK" "$STORES"' EXIT
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
# Every view at 1024x700 (the smallest size the window is made for) in the light (Fusion) palette, including a replay
# through a handler that fails ORD-1003's records; the dark palette and 1920x1080 every view but the replay (each PNG is
# 256 colours: about 2.5 MB in all). Names: VIEW-WIDTHxHEIGHT[-dark].png.
ALL_VIEWS="start,item-history,events,context-menu,record-tree,sources,state,audit,replay"
shoot() { # size palette views [handler]
    local size="$1" palette="$2" views="$3" handler="${4:-}"
    mkdir -p "$STORES/$size-$palette"
    local args=(--palette "$palette" --store "$STORES/$size-$palette/orders.streamscope" --screenshots "$WORK/png"
        --screenshot-size "$size" --screenshot-views "$views")
    [ -n "$handler" ] && args+=(--screenshot-handler "$handler")
    # Settings of their own: the start page lists only this run's store, and no run inherits another's layout.
    XDG_CONFIG_HOME="$WORK/config-$size-$palette" timeout 300 xvfb-run -a -s "-screen 0 1920x1200x24" "$APP" "${args[@]}" "${captures[@]}"
}
shoot 1024x700 light "$ALL_VIEWS" "$HANDLER"
VIEWS="start,item-history,events,context-menu,record-tree,sources,state,audit"
shoot 1024x700 dark "$VIEWS"
shoot 1920x1080 light "$VIEWS"
shoot 1920x1080 dark "$VIEWS"
rm -f "$OUT"/*.png # names of an earlier layout must not linger
total=0
for png in "$WORK"/png/*.png; do
    cp "$png" "$OUT/"
    total=$(( total + $(stat -c %s "$png") ))
    log "$(basename "$png"): $(( $(stat -c %s "$png") / 1024 )) KB"
done
log "total: $(( total / 1024 )) KB"
