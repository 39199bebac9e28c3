#!/usr/bin/env bash
# Sets up what is missing, builds DSL Desk (release, UI embedded) and runs it.
# The vault is kept in the system's data folder unless --vault DIR or DSL_DESK_VAULT says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== building the UI"
(cd ui && npm run build)
echo "== building DSL Desk (release; the first build takes about 10 minutes)"
cargo build --release -p dsl-desk --features custom-protocol
exec target/release/dsl-desk "$@"
