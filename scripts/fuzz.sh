#!/usr/bin/env bash
# Runs every libFuzzer target in fuzz/ for a fixed time, one after the other.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
#   SECONDS_PER_TARGET  default 600 (the release bar: 10 minutes per target, no crash)
#   TARGET              default: zip axml proto_xml dex classfile macho plist policy elf pipeline
#
# Environment:
#   FUZZ_SANITIZER   cargo-fuzz sanitizer: none (default: the parsers are safe Rust, so the findings
#                    are panics, overflows, hangs and OOMs; none runs ~2x faster), address, ...
#   FUZZ_RSS_MB      libFuzzer -rss_limit_mb (default 2048: one input must not need more)
#   FUZZ_TIMEOUT     libFuzzer -timeout per input in seconds (default 10: anything slower is a hang)
#   APPAUDIT_CORPUS  real-input corpus for extra seeds (default ~/.cache/appaudit-corpus; optional)
#   FUZZ_NO_BUILD=1  run the binaries already in fuzz/target (e.g. to resume with other targets)
#   FUZZ_KEEP_GOING=1  do not stop at the first crash (libFuzzer -fork=1 -ignore_crashes=1
#                    -ignore_timeouts=1 -ignore_ooms=1): keeps fuzzing past a known, unfixed bug;
#                    every crash is still saved in fuzz/artifacts/<target>/
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). Only the stable toolchain is installed here, so
# RUSTC_BOOTSTRAP=1 lets it accept the -Z sanitizer-coverage flags cargo-fuzz passes.
#
# Seeds are assembled under fuzz/corpus/<target>/ from the repository (demo APK, DEX/class
# fixtures, policies) and, when present, the real corpus; vendor files are never copied into the
# repository (fuzz/corpus is git-ignored). A crash lands in fuzz/artifacts/<target>/: minimise it
# (`cargo fuzz tmin <target> <file>`), copy it to fuzz/regressions/<target>/ so that
# `cargo test --test fuzz_regressions` replays it forever, then fix the parser.
#
# The figures of each run (executions, coverage, features, corpus size, crashes) are appended to
# fuzz/target/fuzz-summary.tsv and printed at the end; full logs are in fuzz/target/logs/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ="$ROOT/fuzz"
SECONDS_PER_TARGET="${1:-600}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(zip axml proto_xml dex classfile macho plist policy elf pipeline)
SANITIZER="${FUZZ_SANITIZER:-none}"
RSS_MB="${FUZZ_RSS_MB:-2048}"
TIMEOUT="${FUZZ_TIMEOUT:-10}"
CORPUS="${APPAUDIT_CORPUS:-$HOME/.cache/appaudit-corpus}"
LOGS="$FUZZ/target/logs"
SUMMARY="$FUZZ/target/fuzz-summary.tsv"

die() { echo "fuzz.sh: $*" >&2; exit 1; }
command -v cargo-fuzz >/dev/null || die "cargo-fuzz not found: cargo install cargo-fuzz"
[[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || die "SECONDS_PER_TARGET must be a number, got '$SECONDS_PER_TARGET'"

export RUSTC_BOOTSTRAP=1
# -O with debug assertions: release speed, but integer overflow and debug_assert! still trap.
BUILD_FLAGS=(-O --debug-assertions -s "$SANITIZER")

# Largest input libFuzzer generates per target: big enough for the seeds that matter, small
# enough to keep executions fast (larger seeds are truncated to it).
max_len() {
  case "$1" in
    zip | pipeline) echo 262144 ;;
    macho) echo 131072 ;;
    policy) echo 32768 ;;
    *) echo 65536 ;;
  esac
}

# copy_seed TARGET FILE...: copies the existing files into the target's corpus, named by content.
copy_seed() {
  local target="$1"
  shift
  local dir="$FUZZ/corpus/$target" f
  mkdir -p "$dir"
  for f in "$@"; do
    [ -f "$f" ] || continue
    cp "$f" "$dir/seed-$(sha1sum "$f" | cut -c1-16)"
  done
}

# unzip_seed TARGET ZIP ENTRY...: extracts entries of a zip (if the zip exists) as seeds.
unzip_seed() {
  local target="$1" zip="$2" tmp entry
  shift 2
  [ -f "$zip" ] || return 0
  tmp="$(mktemp -d)"
  for entry in "$@"; do
    python3 - "$zip" "$entry" "$tmp/$(echo "$entry" | tr '/' '_')" <<'EOF' || true
import sys, zipfile, fnmatch
with zipfile.ZipFile(sys.argv[1]) as z:
    names = [n for n in z.namelist() if fnmatch.fnmatch(n, sys.argv[2])][:20]
    for i, n in enumerate(names):
        with open(f"{sys.argv[3]}.{i}", "wb") as out:
            out.write(z.read(n))
EOF
  done
  copy_seed "$target" "$tmp"/*
  rm -rf "$tmp"
}

build_macho_seeds() {
  # Tiny Mach-O object, dylib, static library and fat file, built locally (no vendor bytes).
  command -v clang >/dev/null || return 0
  local tmp ld lipo
  tmp="$(mktemp -d)"
  cat >"$tmp/a.c" <<'EOF'
extern void *objc_getClass(const char *);
const char *probe_key = "NSPrivacyAccessedAPICategoryUserDefaults";
void *probe(void) { return objc_getClass("ASIdentifierManager"); }
EOF
  clang -target arm64-apple-ios14.0 -c "$tmp/a.c" -o "$tmp/a_arm64.o" 2>/dev/null || { rm -rf "$tmp"; return 0; }
  clang -target x86_64-apple-macos11 -c "$tmp/a.c" -o "$tmp/a_x86_64.o" 2>/dev/null || true
  llvm-ar --format=darwin rcs "$tmp/liba.a" "$tmp/a_arm64.o" 2>/dev/null || true
  ld="$(command -v ld64.lld || ls /usr/lib/llvm-*/bin/ld64.lld 2>/dev/null | tail -1 || true)"
  if [ -n "$ld" ]; then
    "$ld" -dylib -arch arm64 -platform_version ios 14.0 14.0 -undefined dynamic_lookup \
      -install_name @rpath/A.framework/A "$tmp/a_arm64.o" -o "$tmp/A" 2>/dev/null || true
  fi
  lipo="$(command -v llvm-lipo || ls /usr/lib/llvm-*/bin/llvm-lipo 2>/dev/null | tail -1 || true)"
  if [ -n "$lipo" ] && [ -f "$tmp/a_x86_64.o" ]; then
    "$lipo" -create "$tmp/a_arm64.o" "$tmp/a_x86_64.o" -output "$tmp/fat.o" 2>/dev/null || true
  fi
  copy_seed macho "$tmp"/a_arm64.o "$tmp"/a_x86_64.o "$tmp"/liba.a "$tmp"/A "$tmp"/fat.o
  rm -rf "$tmp"
}

build_plist_seeds() {
  local f tmp
  tmp="$(mktemp -d)"
  # Binary twins of the XML seeds, so both plist decoders get a start.
  for f in "$FUZZ/corpus/plist"/seed-*; do
    [ -f "$f" ] || continue
    python3 -c 'import plistlib,sys; d=plistlib.load(open(sys.argv[1],"rb")); plistlib.dump(d, open(sys.argv[2],"wb"), fmt=plistlib.FMT_BINARY)' \
      "$f" "$tmp/$(basename "$f").bin" 2>/dev/null || true
  done
  copy_seed plist "$tmp"/*
  rm -rf "$tmp"
}

seed() {
  local demo="$ROOT/samples/appaudit-demo.apk"
  local jar_small="$CORPUS/jshare-react-native@1.4.3/android/libs/jshare-jchatpro-android-2.0.0.jar"
  local jar_qq="$CORPUS/jshare-react-native@1.4.3/android/libs/jshare-qq-android-2.0.0.jar"
  case "$1" in
    zip | pipeline)
      copy_seed "$1" "$demo" "$jar_small" "$jar_qq"
      ;;
    axml)
      copy_seed axml /work/shared/corpus/axml/* "$ROOT/samples/demo-app/AndroidManifest.xml" \
        "$CORPUS/jcore-react-native@2.3.7/android/src/main/AndroidManifest.xml" \
        "$CORPUS/jshare-react-native@1.4.3/android/src/main/AndroidManifest.xml"
      unzip_seed axml "$demo" AndroidManifest.xml
      ;;
    proto_xml)
      for aab in /work/shared/corpus/aab/*.aab; do
        unzip_seed proto_xml "$aab" base/manifest/AndroidManifest.xml
      done
      ;;
    dex)
      copy_seed dex "$ROOT/crates/dex/tests/fixtures/probe.dex" \
        "$CORPUS/jverification-react-native@2.8.8/android/build/.transforms/0f038a3935a9273cf6b8278ba7d7064c/transformed/classes/classes.dex"
      unzip_seed dex "$demo" classes.dex
      ;;
    classfile)
      copy_seed classfile "$ROOT/crates/dex/tests/fixtures/Probe.class"
      unzip_seed classfile "$jar_small" '*.class'
      ;;
    macho)
      build_macho_seeds
      copy_seed macho "$CORPUS/fsevents@2.3.3/fsevents.node"
      ;;
    plist)
      copy_seed plist \
        "$CORPUS/jverification-react-native@2.8.8/ios/RCTJVerificationModule/OAuth.xcframework/ios-arm64/OAuth.framework/PrivacyInfo.xcprivacy" \
        "$CORPUS/jverification-react-native@2.8.8/ios/RCTJVerificationModule/OAuth.xcframework/ios-arm64/OAuth.framework/Info.plist" \
        "$CORPUS/jverification-react-native@2.8.8/ios/RCTJVerificationModule/OAuth.xcframework/Info.plist" \
        "$CORPUS/jverification-react-native@2.8.8/AwesomeProject/ios/AwesomeProject/Info.plist" \
        "$CORPUS/jverification-react-native@2.8.8/AwesomeProject/ios/AwesomeProject/PrivacyInfo.xcprivacy" \
        "$CORPUS/react-native-device-info@15.0.2/ios/PrivacyInfo.xcprivacy"
      build_plist_seeds
      ;;
    policy)
      copy_seed policy "$ROOT"/tests/policies/samples/*.txt "$ROOT"/tests/policies/samples/*.html \
        "$ROOT"/tests/policies/samples/*.md "$ROOT/samples/appaudit-demo-privacy.txt" \
        /work/shared/policies/000_*.txt /work/shared/policies/001_*.txt /work/shared/policies/zh/umeng_plus_privacy.html
      ;;
    elf)
      copy_seed elf "$CORPUS"/cordova-plugin-jcore@1.4.4/src/android/*/libjcore332.so
      unzip_seed elf "$demo" 'lib/*.so'
      ;;
    *) die "unknown target $1" ;;
  esac
  [ -n "$(ls -A "$FUZZ/corpus/$1" 2>/dev/null)" ] || die "no seeds for $1"
}

# stats LOG: executions, final cov, ft, corpus size from libFuzzer's last status and final stats.
stats() {
  local log="$1" last execs
  last="$(grep -E '^#[0-9]+' "$log" | tail -1 || true)"
  execs="$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1 || true)"
  [ -n "$execs" ] || execs="$(echo "$last" | grep -oE '^#[0-9]+' | tr -d '#')"
  printf '%s\t%s\t%s\t%s\t%s' "${execs:-?}" \
    "$(echo "$last" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+' || echo '?')" \
    "$(echo "$last" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+' || echo '?')" \
    "$(echo "$last" | grep -oE 'corp: [0-9]+(/[0-9]+[a-zA-Z]*)?' | cut -d' ' -f2 || echo '?')" \
    "$(echo "$last" | grep -oE 'exec/s: [0-9]+' | grep -oE '[0-9]+' || echo '?')"
}

cd "$FUZZ"
# Build every target once, then run the binaries directly: `cargo fuzz run` would rebuild
# between targets whenever a source file changed, and a long run must fuzz one snapshot.
if [ "${FUZZ_NO_BUILD:-0}" = 1 ]; then
  echo "fuzz.sh: FUZZ_NO_BUILD=1: running the binaries already built"
else
  echo "fuzz.sh: building all targets (sanitizer: $SANITIZER)"
  cargo fuzz build "${BUILD_FLAGS[@]}"
fi
BIN_DIR="$FUZZ/target/$(rustc -vV | sed -n 's/^host: //p')/release"
mkdir -p "$LOGS"
KEEP_GOING=()
[ "${FUZZ_KEEP_GOING:-0}" = 1 ] && KEEP_GOING=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
[ -f "$SUMMARY" ] || printf 'date\ttarget\tseconds\tresult\texecutions\tcov\tft\tcorpus\texec_per_s\n' >"$SUMMARY"

failed=()
for target in "${TARGETS[@]}"; do
  seed "$target"
  log="$LOGS/$target-$(date -u +%Y%m%dT%H%M%S).log"
  echo "fuzz.sh: $target for ${SECONDS_PER_TARGET}s (log: $log)"
  result=ok
  started=$SECONDS
  # Seeds and the regression inputs start the run; new finds go to fuzz/corpus/<target>.
  regress=()
  [ -d "$FUZZ/regressions/$target" ] && regress=("$FUZZ/regressions/$target")
  [ -x "$BIN_DIR/$target" ] || die "no fuzz binary $BIN_DIR/$target"
  mkdir -p "$FUZZ/artifacts/$target"
  if ! "$BIN_DIR/$target" "$FUZZ/corpus/$target" "${regress[@]}" \
    -artifact_prefix="$FUZZ/artifacts/$target/" -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$target")" -timeout="$TIMEOUT" \
    -rss_limit_mb="$RSS_MB" -dict="$FUZZ/dicts/$target.dict" -print_final_stats=1 \
    -reload=0 "${KEEP_GOING[@]}" >"$log" 2>&1; then
    result=CRASH
    failed+=("$target")
  fi
  # Fork mode keeps going past crashes but still leaves them in the artifacts directory.
  if [ "$result" = ok ] && [ -n "$(ls -A "$FUZZ/artifacts/$target" 2>/dev/null)" ] && [ ${#KEEP_GOING[@]} -gt 0 ]; then
    result="ok (artifacts: $(ls "$FUZZ/artifacts/$target" | wc -l))"
  fi
  line="$(stats "$log")"
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$((SECONDS - started))" "$result" "$line" >>"$SUMMARY"
  echo "fuzz.sh: $target $result (executions, cov, ft, corpus, exec/s: $(echo "$line" | tr '\t' ' '))"
  if [ "$result" = CRASH ]; then
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -5 >&2 || true
  fi
done

echo
column -t -s $'\t' "$SUMMARY" 2>/dev/null || cat "$SUMMARY"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: crashes in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
