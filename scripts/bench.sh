#!/usr/bin/env bash
# Benchmarks: unlock cost (Argon2id share), incident operations on a 25,000-incident vault, file
# fingerprint throughput, and, on the release build, launch, unlock and memory.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== unlock cost (store, release profile)"
cargo bench -p dsl-store --bench unlock
echo "== incidents and the governor report on a 25-year vault of 25,000 incidents"
cargo bench -p dsl-store --bench incidents
echo "== incident report render times"
cargo bench -p dsl-report --bench render
echo "== file fingerprint throughput against sha256sum"
cargo bench -p dsl-store --bench digest
echo "== release app: launch, unlock, memory"
(cd ui && npm run build)
cargo build --release -p dsl-desk --features custom-protocol
DSL_DESK_BIN=target/release/dsl-desk xvfb-run -a -s "-screen 0 1280x860x24" \
  bash tests/e2e/run.sh --bench
