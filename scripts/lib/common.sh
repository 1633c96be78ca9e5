# Shared by scripts/run.sh and scripts/test.sh: package installation and the build.
# shellcheck shell=bash

STREAMSCOPE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Debian 12 packages the build, the tests and the benchmarks need.
STREAMSCOPE_PACKAGES=(
    cmake g++ make pkg-config
    qt6-base-dev qt6-charts-dev libqt6opengl6-dev libqt6svg6 libxkbcommon-dev libgl-dev
    nlohmann-json3-dev libsqlite3-dev sqlite3 zlib1g-dev libsimdjson-dev libssl-dev libyaml-cpp-dev
    libcurl4-openssl-dev
    xvfb xauth python3
    dpkg-dev lintian desktop-file-utils appstream librsvg2-bin zsh python3-yaml
)

log() { printf '[streamscope] %s\n' "$*" >&2; }

# Installs whatever is missing from "$@" (root, or sudo when not root). apt-get update runs once, and only
# when something is missing, so a second run on a prepared machine touches nothing.
install_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { log "need root or sudo to install: ${missing[*]}"; return 1; }
        sudo=(sudo)
    fi
    log "installing Debian packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build_streamscope BUILD_DIR [TARGET]: configures Release (tests included) and builds TARGET, or everything.
build_streamscope() {
    local dir="$1" target="${2:-}"
    cmake -S "$STREAMSCOPE_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON >/dev/null
    if [ -n "$target" ]; then
        cmake --build "$dir" -j"${STREAMSCOPE_JOBS:-2}" --target "$target"
    else
        cmake --build "$dir" -j"${STREAMSCOPE_JOBS:-2}"
    fi
}
