#!/usr/bin/env bash
# The crate rules: domain knows no tauri or rusqlite; report knows no store.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
if cargo tree -p dsl-domain -e normal --prefix none | grep -E '^(tauri|rusqlite|libsqlite3-sys|dsl-store)( |$)'; then
  echo "boundaries: dsl-domain must not depend on tauri, rusqlite or the store" >&2
  fail=1
fi
if cargo tree -p dsl-report -e normal --prefix none | grep -E '^(dsl-store|rusqlite|libsqlite3-sys|tauri)( |$)'; then
  echo "boundaries: dsl-report must not depend on the store, rusqlite or tauri" >&2
  fail=1
fi
[ "$fail" -eq 0 ] && echo "boundaries: ok"
exit "$fail"
