#!/usr/bin/env bash
# Fetch the npm packages whose iOS sources feed the importer (crates/sdk-import/data/npm_ios.toml:
# React Native modules, Cordova and Capacitor plugins, the libraries they vendor) with `npm pack`,
# check each tarball against the pinned npm `integrity`, and unpack it into
# DEST/npm-ios/<name>@<version>/ (the tarball's own `package/` directory inside).
#
#   fetch-ios-sources.sh [DEST]     DEST defaults to $APPAUDIT_CORPUS or ~/.cache/appaudit-corpus
#
# Idempotent: a package already unpacked with the same integrity is skipped.
# Exit status: 0 all verified; 1 a download or integrity check failed (names it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
table="$here/../crates/sdk-import/data/npm_ios.toml"
dest=${1:-${APPAUDIT_CORPUS:-$HOME/.cache/appaudit-corpus}}/npm-ios
mkdir -p "$dest"
command -v npm >/dev/null || { echo "fetch-ios-sources.sh: npm is needed (apt-get install npm)" >&2; exit 1; }

# One package: NAME VERSION INTEGRITY. Run six at a time (npm pack is mostly waiting).
fetch_one() {
  local name=$1 version=$2 integrity=$3
  local dir="$dest/$name@$version"
  if [ -f "$dir/.integrity" ] && [ "$(cat "$dir/.integrity")" = "$integrity" ] && [ -f "$dir/package/package.json" ]; then
    return 0
  fi
  local tmp json file got top
  tmp=$(mktemp -d)
  if ! json=$(cd "$tmp" && npm pack --json --silent "$name@$version" 2>/dev/null); then
    echo "fetch-ios-sources.sh: could not download $name@$version" >&2; rm -rf "$tmp"; return 1
  fi
  file=$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["filename"])')
  # npm's integrity is the base64 SHA-512 of the tarball: recompute it independently.
  got="sha512-$(openssl dgst -sha512 -binary "$tmp/$file" | base64 -w0)"
  if [ "$got" != "$integrity" ]; then
    echo "fetch-ios-sources.sh: integrity mismatch for $name@$version (got $got)" >&2; rm -rf "$tmp"; return 1
  fi
  rm -rf "$dir"; mkdir -p "$dir"
  tar -xzf "$tmp/$file" -C "$dir" --no-same-owner
  # A few tarballs name their top directory otherwise than `package/`.
  if [ ! -d "$dir/package" ]; then
    top=$(find "$dir" -mindepth 1 -maxdepth 1 -type d | head -1)
    [ -n "$top" ] && mv "$top" "$dir/package"
  fi
  printf '%s' "$integrity" > "$dir/.integrity"
  rm -rf "$tmp"
  echo "fetched $name@$version"
}
export -f fetch_one
export dest

fail=0
python3 - "$table" <<'PY' | xargs -P 6 -n 3 bash -c 'fetch_one "$@"' _ || fail=1
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    for p in tomllib.load(f)["package"]:
        print(p["name"], p["version"], p["integrity"])
PY
[ $fail = 0 ] && echo "iOS sources ready in $dest"
exit $fail
