#!/usr/bin/env bash
# Every benchmark, each against a baseline measured in the same run:
# - the vault (25 years of a large secondary school, generated from a seed): the same workload
#   encrypted and on an unkeyed SQLite copy; each report against the bare query of its rows;
#   unlock against its Argon2id share;
# - the incident report's drawing at typical and large sizes; file fingerprints against sha256sum;
# - the release app's launch to the unlock screen against a bare Tauri window of the same
#   version, unlock and memory (Xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== the vault: encrypted against unkeyed, reports against their queries, unlock against Argon2id"
cargo bench -p dsl-store --features bench-baseline --bench vault
echo "== incident report drawing, typical and large"
cargo bench -p dsl-report --bench render
echo "== file fingerprint throughput against sha256sum"
cargo bench -p dsl-store --bench digest
echo "== release app: launch against a bare Tauri window, unlock, memory"
(cd ui && npm run build)
cargo build --release -p dsl-desk --features custom-protocol --bin dsl-desk --example bare_window
DSL_DESK_BIN=target/release/dsl-desk BARE_WINDOW_BIN=target/release/examples/bare_window \
  xvfb-run -a -s "-screen 0 1280x860x24" bash tests/e2e/run.sh --bench
