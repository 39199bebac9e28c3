#!/usr/bin/env bash
# The installed-package smoke test: installs a .deb of DSL Desk with apt, drives the installed app
# (/usr/bin/dsl-desk) under the caller's X display through tauri-driver, with a home folder of its
# own so that the vault and every record are in their default places, then removes the package
# (tests/package/installed.test.mjs). Usage: bash tests/package/run.sh [PACKAGE.deb]
# (default: the newest .deb under target/*/bundle/deb). It installs and removes the package
# `dsl-desk` on this machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

DEB="${1:-$(ls -t target/*/bundle/deb/*.deb 2>/dev/null | head -n 1 || true)}"
if [ -z "$DEB" ] || [ ! -f "$DEB" ]; then
  echo "package: no .deb to test: build one with scripts/package.sh" >&2
  exit 1
fi
DEB="$(realpath "$DEB")"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
DRIVER="$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")"
if [ ! -x "$DRIVER" ]; then
  echo "package: tauri-driver is missing: run scripts/setup.sh" >&2
  exit 1
fi

home="$(mktemp -d "${TMPDIR:-/tmp}/dsl-desk-package-home-XXXXXX")"
driver_pid=""
cleanup() {
  if [ -n "$driver_pid" ]; then kill "$driver_pid" 2>/dev/null || true; fi
  # The test removes the package itself; a run that failed before then leaves nothing installed.
  if dpkg-query -W -f='${Status}' dsl-desk 2>/dev/null | grep -q "install ok installed"; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q dsl-desk >/dev/null || true
  fi
  rm -rf "$home"
}
trap cleanup EXIT

echo "package: installing $(basename "$DEB") with apt"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall --no-install-recommends "$DEB"

# The app is started by the driver, so it gets the driver's environment: a new home folder and
# nothing that moves the vault or its records elsewhere.
env -u DSL_DESK_VAULT -u DSL_DESK_ATTEMPTS_DIR -u DSL_DESK_SEEN_VAULTS \
  -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_CACHE_HOME -u XDG_STATE_HOME HOME="$home" \
  "$DRIVER" --port 4446 --native-port 4447 >"${TMPDIR:-/tmp}/dsl-desk-package-driver.log" 2>&1 &
driver_pid=$!
for _ in $(seq 1 50); do
  if curl -fs http://127.0.0.1:4446/status >/dev/null 2>&1; then break; fi
  sleep 0.2
done

PACKAGE_DEB="$DEB" PACKAGE_HOME="$home" TAURI_DRIVER_URL=http://127.0.0.1:4446 \
  DSL_DESK_BIN=/usr/bin/dsl-desk node --test --test-concurrency=1 tests/package/
