#!/usr/bin/env bash
# Builds DSL Desk's Linux packages, a .deb and an .rpm, with the UI embedded.
#   bash scripts/package.sh           the release build a school installs:
#                                     target/release/bundle/deb/*.deb and target/release/bundle/rpm/*.rpm
#   bash scripts/package.sh --debug   the debug build the tests use (what CI installs and
#                                     smoke-tests): target/debug/bundle/...
#   add --built to package the build already there without setting up or building again
#   (scripts/test.sh does, right after the real-app tests, so the package holds the binary they tested)
# Windows and macOS installers are built by .github/workflows/installers.yml on those systems.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=(--release)
bundle=()
dir=target/release
built=false
for arg in "$@"; do
  case "$arg" in
    --debug) profile=(); bundle=(--debug); dir=target/debug ;;
    --built) built=true ;;
    *) echo "package: unknown option $arg (use --debug, --built)" >&2; exit 2 ;;
  esac
done

if [ "$built" = true ]; then
  if [ ! -x "$dir/dsl-desk" ]; then
    echo "package: $dir/dsl-desk is missing: build it first, or leave out --built" >&2
    exit 1
  fi
else
  bash scripts/setup.sh
  echo "== building the UI"
  (cd ui && npm run build)
  echo "== building DSL Desk (${dir#target/})"
  cargo build "${profile[@]}" -p dsl-desk --features dsl-desk/custom-protocol --bin dsl-desk
fi
echo "== packaging"
rm -rf "$dir/bundle/deb" "$dir/bundle/rpm"
ui/node_modules/.bin/tauri bundle "${bundle[@]}" --bundles deb,rpm
ls -l "$dir"/bundle/deb/*.deb "$dir"/bundle/rpm/*.rpm
