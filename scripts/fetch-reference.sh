#!/usr/bin/env bash
# Fetch the one SDK list that does not ship in ../shared/reference: the apk-analyzer 1.32.0
# wheel from PyPI with pip (MIT; its ~2,400 signatures feed crates/sdk-import), checksummed.
#
#   fetch-reference.sh [DEST]     DEST defaults to $APPAUDIT_CORPUS or ~/.cache/appaudit-corpus
#
# Idempotent. Exit status: 0 verified; 1 download or checksum failed.
set -euo pipefail
dest=${1:-${APPAUDIT_CORPUS:-$HOME/.cache/appaudit-corpus}}
name=apk_analyzer-1.32.0-py3-none-any.whl
sha=c8275c10207f58792b3b3a0de908fb15e005c77fa0cbd42525847991aeb63083
mkdir -p "$dest"
f="$dest/$name"
if [ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$sha" ]; then
  exit 0
fi
tmp=$(mktemp -d)
python3 -m pip download --quiet --no-deps --only-binary=:all: apk-analyzer==1.32.0 -d "$tmp" >&2 \
  || { echo "fetch-reference.sh: pip could not download apk-analyzer==1.32.0" >&2; rm -rf "$tmp"; exit 1; }
mv "$tmp/$name" "$f"
rm -rf "$tmp"
got=$(sha256sum "$f" | cut -d' ' -f1)
if [ "$got" != "$sha" ]; then
  echo "fetch-reference.sh: checksum mismatch for $name (got $got)" >&2
  rm -f "$f"
  exit 1
fi
echo "fetched $name"
