#!/usr/bin/env bash
# Sets up what is missing, then runs every check and test: formatting, lints, Rust tests,
# generated TypeScript types, svelte-check, UI tests, the real app driven under Xvfb, and its
# .deb installed, driven and removed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# One feature set for every cargo step, so the app is compiled once.
FEATURES=(--features dsl-desk/custom-protocol)

echo "== rustfmt"
cargo fmt --all --check

echo "== UI build (embedded in the app)"
(cd ui && npm run build)

echo "== clippy"
cargo clippy --workspace --all-targets "${FEATURES[@]}" -- -D warnings

echo "== crate boundaries"
bash scripts/check-boundaries.sh

echo "== Rust tests"
cargo test --workspace "${FEATURES[@]}"

echo "== TypeScript bindings are up to date"
if [ -n "$(git status --porcelain -- ui/src/lib/bindings)" ]; then
  git status --short -- ui/src/lib/bindings
  echo "bindings: ui/src/lib/bindings is stale: run cargo test and commit the result" >&2
  exit 1
fi
echo "bindings: ok"

echo "== svelte-check"
(cd ui && npm run check)

echo "== UI tests"
(cd ui && npm test)

echo "== app build for the real-app tests"
cargo build -p dsl-desk "${FEATURES[@]}"

echo "== real-app tests (tauri-driver, WebKitWebDriver, Xvfb)"
xvfb-run -a -s "-screen 0 1280x860x24" bash tests/e2e/run.sh

echo "== the .deb of that build: installed with apt, the installed app driven, then removed"
bash scripts/package.sh --debug --built
xvfb-run -a -s "-screen 0 1280x860x24" bash tests/package/run.sh "$(ls target/debug/bundle/deb/*.deb)"
