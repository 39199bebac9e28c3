#!/usr/bin/env bash
# Installs everything DSL Desk needs to build, run and test on Debian 12.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

DEB_PACKAGES=(
  build-essential pkg-config curl file perl
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
  libxdo-dev libssl-dev
  webkit2gtk-driver xvfb xauth dbus-x11 at-spi2-core
  poppler-utils imagemagick xdotool desktop-file-utils
  evince xdg-utils
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: the Rust toolchain (cargo) is needed: see https://rustup.rs" >&2
  exit 1
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true

if ! command -v node >/dev/null 2>&1; then
  echo "setup: Node.js 20 or newer is needed" >&2
  exit 1
fi

if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked
fi

echo "setup: installing npm packages"
# npm ci refuses a lock file that lacks other platforms' optional packages (as some registries
# leave out); npm install then installs the same locked versions.
(cd ui && { npm ci --no-audit --no-fund --loglevel=silent 2>/dev/null || npm install --no-audit --no-fund --loglevel=error; })

echo "setup: done"
