#!/usr/bin/env bash
# Runs the real-app tests (or, with --bench, the launch benchmark): one tauri-driver for the
# whole run, under the caller's X display.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN="${DSL_DESK_BIN:-target/debug/dsl-desk}"
if [ ! -x "$BIN" ]; then
  echo "e2e: the app binary $BIN is missing: build it with the UI embedded first" >&2
  exit 1
fi
export DSL_DESK_BIN="$PWD/$BIN"
DRIVER="$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")"
if [ ! -x "$DRIVER" ]; then
  echo "e2e: tauri-driver is missing: run scripts/setup.sh" >&2
  exit 1
fi

# The count of wrong passphrases is kept outside the vault, in the user's data folder: the tests
# keep theirs in a folder of their own.
DSL_DESK_ATTEMPTS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/dsl-desk-e2e-attempts-XXXXXX")"
export DSL_DESK_ATTEMPTS_DIR

"$DRIVER" --port 4444 --native-port 4445 >"${TMPDIR:-/tmp}/dsl-desk-tauri-driver.log" 2>&1 &
driver_pid=$!
trap 'kill "$driver_pid" 2>/dev/null || true; rm -rf "$DSL_DESK_ATTEMPTS_DIR"' EXIT
for _ in $(seq 1 50); do
  if curl -fs http://127.0.0.1:4444/status >/dev/null 2>&1; then break; fi
  sleep 0.2
done

if [ "${1:-}" = "--bench" ]; then
  E2E_POLL_MS=20 node "${BENCH_SCRIPT:-tests/bench/launch.mjs}"
else
  node --test --test-concurrency=1 tests/e2e/
fi
