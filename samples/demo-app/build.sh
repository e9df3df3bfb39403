#!/usr/bin/env bash
# Builds samples/appaudit-demo.apk from the sources beside this script, with
# Debian's tools only (apt-get install aapt smali apksigner zipalign
# android-framework-res gcc default-jre-headless).
#
# The APK is committed so the README's first command works offline; rerun this
# script after changing the sources. Output: samples/appaudit-demo.apk
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/build"
framework=/usr/share/android-framework-res/framework-res.apk
for tool in aapt smali apksigner zipalign gcc keytool; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (see the header of this script)" >&2; exit 1; }
done
[ -f "$framework" ] || { echo "build.sh: $framework is missing (apt-get install android-framework-res)" >&2; exit 1; }

rm -rf "$out" && mkdir -p "$out/stage/lib/x86_64" "$out/stage/assets" "$out/stage/META-INF"
smali a -o "$out/stage/classes.dex" "$here/smali"
gcc -shared -fPIC -O2 -Wl,-soname,libjcore123.so -o "$out/stage/lib/x86_64/libjcore123.so" "$here/jni/jcore_demo.c"
cp "$here/assets/jpush_config.json" "$out/stage/assets/"
# A library marker as Gradle writes them for AndroidX dependencies.
printf '1.9.0\n' > "$out/stage/META-INF/androidx.core_core.version"

aapt package -f -M "$here/AndroidManifest.xml" -I "$framework" -F "$out/unsigned.apk"
(cd "$out/stage" && aapt add "$out/unsigned.apk" classes.dex lib/x86_64/libjcore123.so \
   assets/jpush_config.json META-INF/androidx.core_core.version >/dev/null)
zipalign -f 4 "$out/unsigned.apk" "$out/aligned.apk"
keytool -genkeypair -keystore "$out/demo.keystore" -storepass appaudit -keypass appaudit \
  -alias demo -keyalg RSA -keysize 2048 -validity 10000 -dname "CN=appaudit demo" >/dev/null 2>&1
apksigner sign --ks "$out/demo.keystore" --ks-pass pass:appaudit --key-pass pass:appaudit \
  --out "$here/../appaudit-demo.apk" "$out/aligned.apk"
rm -f "$here/../appaudit-demo.apk.idsig"
echo "built $(cd "$here/.." && pwd)/appaudit-demo.apk"
