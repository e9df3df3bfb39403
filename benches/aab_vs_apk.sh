#!/usr/bin/env bash
# AAB scan time next to an APK of similar size: median wall time of N runs of `appaudit scan`.
#   benches/aab_vs_apk.sh [N]        (default N=7; builds --release first)
# Bundles: ../shared/corpus/aab (or $APPAUDIT_SHARED/corpus/aab); APKs: the real-input corpus
# ($APPAUDIT_CORPUS, default ~/.cache/appaudit-corpus) and samples/.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-7}"
bin="${APPAUDIT_BIN:-target/release/appaudit}"
[ -n "${APPAUDIT_BIN:-}" ] || cargo build --release --quiet
shared="${APPAUDIT_SHARED:-../shared}"
corpus="${APPAUDIT_CORPUS:-$HOME/.cache/appaudit-corpus}"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_one() {
  local f="$1" i t0 t1
  for i in $(seq "$n"); do
    t0=$(date +%s%N); "$bin" scan "$f" --format json >/dev/null; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
  done | median
}
printf '%-70s %10s %10s\n' file bytes median_ms
for f in "$shared"/corpus/aab/*.aab $(find "$corpus" samples -name '*.apk' 2>/dev/null | sort); do
  printf '%-70s %10s %10s\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(time_one "$f")"
done
