#!/usr/bin/env bash
# Builds DSL Desk's Linux packages, a .deb and an .rpm, with the UI embedded.
#   bash scripts/package.sh           the release build a school installs:
#                                     target/release/bundle/deb/*.deb and target/release/bundle/rpm/*.rpm
#   bash scripts/package.sh --debug   the debug build the tests already made (what CI installs and
#                                     smoke-tests): target/debug/bundle/...
# Windows and macOS installers are built by .github/workflows/installers.yml on those systems.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

profile=(--release)
bundle=()
dir=target/release
if [ "${1:-}" = "--debug" ]; then
  profile=()
  bundle=(--debug)
  dir=target/debug
fi

echo "== building the UI"
(cd ui && npm run build)
echo "== building DSL Desk (${dir#target/})"
cargo build "${profile[@]}" -p dsl-desk --features dsl-desk/custom-protocol --bin dsl-desk
echo "== packaging"
rm -rf "$dir/bundle/deb" "$dir/bundle/rpm"
ui/node_modules/.bin/tauri bundle "${bundle[@]}" --bundles deb,rpm
ls -l "$dir"/bundle/deb/*.deb "$dir"/bundle/rpm/*.rpm
