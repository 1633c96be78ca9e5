#!/usr/bin/env bash
# Installs missing packages, builds Release, imports the bundled sample capture into the default store and
# opens the GUI on it. Without a display it runs a CLI demo instead.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

install_packages "${STREAMSCOPE_PACKAGES[@]}"
BUILD_DIR="${STREAMSCOPE_BUILD_DIR:-$STREAMSCOPE_ROOT/build}"
log "building in $BUILD_DIR"
build_streamscope "$BUILD_DIR" streamscope

APP="$BUILD_DIR/app/streamscope"
SAMPLE="$STREAMSCOPE_ROOT/resources/samples/orders-capture.json"
STORE="$("$APP" paths --default-store)"
mkdir -p "$(dirname "$STORE")"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    log "no display (DISPLAY and WAYLAND_DISPLAY are unset): running the CLI demo instead of the GUI"
    set -x
    "$APP" import --store "$STORE" "$SAMPLE" || [ $? -eq 1 ]
    "$APP" keys --store "$STORE"
    "$APP" history --store "$STORE" --table Orders --key '{"orderId":{"S":"ORD-1001"}}'
    exit 0
fi

log "opening $STORE with $SAMPLE"
exec "$APP" --store "$STORE" "$SAMPLE"
