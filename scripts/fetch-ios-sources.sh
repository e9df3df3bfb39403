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

fail=0
while IFS=$'\t' read -r name version integrity; do
  dir="$dest/$name@$version"
  if [ -f "$dir/.integrity" ] && [ "$(cat "$dir/.integrity")" = "$integrity" ] && [ -f "$dir/package/package.json" ]; then
    continue
  fi
  tmp=$(mktemp -d)
  if ! json=$(cd "$tmp" && npm pack --json --silent "$name@$version" 2>/dev/null); then
    echo "fetch-ios-sources.sh: could not download $name@$version" >&2; fail=1; rm -rf "$tmp"; continue
  fi
  file=$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["filename"])')
  # npm's integrity is the base64 SHA-512 of the tarball: recompute it independently.
  got="sha512-$(openssl dgst -sha512 -binary "$tmp/$file" | base64 -w0)"
  if [ "$got" != "$integrity" ]; then
    echo "fetch-ios-sources.sh: integrity mismatch for $name@$version (got $got)" >&2; fail=1; rm -rf "$tmp"; continue
  fi
  rm -rf "$dir"; mkdir -p "$dir"
  tar -xzf "$tmp/$file" -C "$dir" --no-same-owner
  # A few tarballs name their top directory otherwise (e.g. `node_modules/...` or the name).
  if [ ! -d "$dir/package" ]; then
    top=$(find "$dir" -mindepth 1 -maxdepth 1 -type d | head -1)
    [ -n "$top" ] && mv "$top" "$dir/package"
  fi
  printf '%s' "$integrity" > "$dir/.integrity"
  rm -rf "$tmp"
  echo "fetched $name@$version"
done < <(python3 - "$table" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    for p in tomllib.load(f)["package"]:
        print(f'{p["name"]}\t{p["version"]}\t{p["integrity"]}')
PY
)
[ $fail = 0 ] && echo "iOS sources ready in $dest"
exit $fail
