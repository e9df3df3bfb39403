#!/usr/bin/env bash
# benches/sdk_db.sh: issue #10 item 10, "speed holds" with the imported SDK database.
#
#   benches/sdk_db.sh [APK]
#
# 1. Full scan of the largest corpus APK (default: the 18 MB appium server APK of the
#    corpus, or APK / $APPAUDIT_BENCH_APK) with today's release binary and with the
#    release binary of c0e9ba8, the commit before the importer landed (255 entries,
#    ~400 Java rules). Median wall time of RUNS runs each (after one warm-up run), the
#    two binaries interleaved so machine load hits both alike.
# 2. The database load: `cargo bench --bench sdk_db_load` (in process: parse + validate
#    the built-in files, compile the matcher; median of many runs).
#
# The old tree is a git worktree at $OLD_DIR (default /work/wt/old, created if missing)
# built with `cargo build --release`; set OLD_BIN to use a binary you built elsewhere.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OLD_COMMIT="${OLD_COMMIT:-c0e9ba8}"
OLD_DIR="${OLD_DIR:-$(dirname "$ROOT")/old}"
RUNS="${RUNS:-9}"
CORPUS="${APPAUDIT_CORPUS:-$HOME/.cache/appaudit-corpus}"
APK="${1:-${APPAUDIT_BENCH_APK:-$CORPUS/appium-uiautomator2-server@10.6.6/apks/appium-uiautomator2-server-v10.6.6.apk}}"

[ -f "$APK" ] || { echo "error: $APK not found (run scripts/fetch-corpus.sh)" >&2; exit 2; }

echo "== building today's release binary ($ROOT)"
(cd "$ROOT" && cargo build --release --quiet --bin appaudit)
NEW_BIN="$ROOT/target/release/appaudit"

if [ -z "${OLD_BIN:-}" ]; then
  if [ ! -d "$OLD_DIR" ]; then
    git -C "$ROOT" worktree add --detach "$OLD_DIR" "$OLD_COMMIT"
  fi
  echo "== building the release binary of $OLD_COMMIT ($OLD_DIR)"
  (cd "$OLD_DIR" && cargo build --release --quiet --bin appaudit)
  OLD_BIN="$OLD_DIR/target/release/appaudit"
fi

# Median of a list of seconds (one per line).
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# One timed scan: wall seconds, output to /dev/null.
one() {
  local bin=$1 start end
  start=$(date +%s.%N)
  "$bin" scan "$APK" --format json >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

echo "== full scan of $(basename "$APK") ($(stat -c %s "$APK") bytes), $RUNS runs each"
one "$NEW_BIN" >/dev/null
one "$OLD_BIN" >/dev/null
new_times=() old_times=()
for _ in $(seq "$RUNS"); do
  old_times+=("$(one "$OLD_BIN")")
  new_times+=("$(one "$NEW_BIN")")
done
old_med=$(printf '%s\n' "${old_times[@]}" | median)
new_med=$(printf '%s\n' "${new_times[@]}" | median)
new_stats=$("$NEW_BIN" signatures stats --json)
entries=$(echo "$new_stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"])')
rules=$(echo "$new_stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rules"])')
printf '%-34s %8.3f s  (all runs: %s)\n' "before importer ($OLD_COMMIT):" "$old_med" "${old_times[*]}"
printf '%-34s %8.3f s  (all runs: %s)\n' "today ($entries entries, $rules rules):" "$new_med" "${new_times[*]}"
echo "$new_med $old_med" | awk '{printf "today / before: %.3f (%+.1f%%; the issue allows +10%%)\n", $1/$2, ($1/$2-1)*100}'

echo "== database load (in process)"
(cd "$ROOT" && cargo bench --quiet --bench sdk_db_load)
