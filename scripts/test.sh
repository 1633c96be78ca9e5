#!/usr/bin/env bash
# Installs missing packages, builds, and runs the whole ctest suite headless. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

install_packages "${STREAMSCOPE_PACKAGES[@]}"
BUILD_DIR="${STREAMSCOPE_BUILD_DIR:-$STREAMSCOPE_ROOT/build}"
log "building in $BUILD_DIR"
build_streamscope "$BUILD_DIR"

export QT_QPA_PLATFORM=offscreen
log "running the test suite"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"${STREAMSCOPE_JOBS:-2}" --timeout 600
