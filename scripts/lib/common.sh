# Shared by scripts/run and scripts/test: system packages and the CMake build.
# shellcheck shell=bash

AFX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Debian 12 packages the app needs to build and run.
AFX_BUILD_PACKAGES=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-webengine-dev qt6-httpserver-dev qt6-websockets-dev qt6-svg-dev qt6-qpa-plugins
  qtkeychain-qt6-dev libsecret-1-0 libssl-dev libqrencode-dev libfontconfig-dev libgl-dev libegl-dev libxkbcommon-dev
  libqt6webenginecore6-bin fonts-dejavu-core
)
# Extra packages for the headless test suite: X server, D-Bus session, keyring, the npm peers.
AFX_TEST_PACKAGES=(xvfb xauth dbus dbus-x11 gnome-keyring libglib2.0-bin)
# The fuzz targets in scripts/test: clang, and the libFuzzer runtime (libclang_rt.fuzzer), which
# Debian 12 ships in libclang-rt-14-dev. The sanitizer build of the unit tests uses g++.
AFX_FUZZ_PACKAGES=(clang libclang-rt-14-dev)

afx_log() { printf '==> %s\n' "$*" >&2; }

afx_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Installs the Debian packages among "$@" that are not installed yet (through sudo when not root).
afx_install_packages() {
  local missing=() package
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  command -v apt-get >/dev/null || afx_die "missing packages (${missing[*]}) and no apt-get: install them by hand."
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || afx_die "missing packages (${missing[*]}): run as root or install sudo."
    sudo=(sudo)
  fi
  afx_log "Installing system packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq || afx_die "apt-get update failed; check the package sources."
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || afx_die "apt-get install failed for: ${missing[*]}"
}

# Configures the build folder $1 with the extra CMake arguments that follow.
afx_configure() {
  local build_dir=$1
  shift
  if [ ! -f "$build_dir/build.ninja" ]; then
    afx_log "Configuring $build_dir"
    cmake -S "$AFX_ROOT" -B "$build_dir" -G Ninja "$@" >/dev/null || afx_die "CMake configuration failed in $build_dir."
  else
    cmake "$build_dir" "$@" >/dev/null || afx_die "CMake configuration failed in $build_dir."
  fi
}

# Configures and builds into $1 with the extra CMake arguments that follow.
afx_build() {
  afx_configure "$@"
  afx_log "Building in $1"
  cmake --build "$1" --parallel "$(nproc)" || afx_die "The build failed."
}

# Configures $1 with the CMake arguments after the target list, and builds only the targets
# listed before "--": afx_build_targets DIR TARGET... -- CMAKE_ARGS...
afx_build_targets() {
  local build_dir=$1 targets=()
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    targets+=("$1")
    shift
  done
  [ $# -gt 0 ] && shift
  afx_configure "$build_dir" "$@"
  afx_log "Building ${targets[*]} in $build_dir"
  cmake --build "$build_dir" --parallel "$(nproc)" --target "${targets[@]}" || afx_die "The build failed in $build_dir."
}
