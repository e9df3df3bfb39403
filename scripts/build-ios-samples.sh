#!/usr/bin/env bash
# Assembles small unsigned test IPAs from the real vendor iOS SDKs in the corpus.
#
#   scripts/build-ios-samples.sh [OUT_DIR]      (default: target/ios-samples)
#
# Needs Debian's clang and lld (`apt-get install -y clang lld`) and python3. Reads the corpus
# from $APPAUDIT_CORPUS (default ~/.cache/appaudit-corpus; fill it with the corpus fetch script).
# Writes only under OUT_DIR; vendor binaries are never copied into the repository.
#
# What it builds:
#   OUT_DIR/Demo.ipa               Payload/Demo.app, zipped
#   OUT_DIR/Payload/Demo.app/      the same, unzipped
#     Demo                         arm64 iOS executable: a tiny Objective-C main linked by ld64.lld
#                                  against the real JPush, JCore and WeChat OpenSDK static libraries
#                                  (their objects that main references, and what those pull in).
#                                  Apple's frameworks are not available here: they are replaced by
#                                  stub .tbd files (so LC_LOAD_DYLIB names the real framework paths)
#                                  and their symbols are left to `-undefined dynamic_lookup`.
#     Info.plist                   usage descriptions, queried schemes, background modes, ATS
#     PrivacyInfo.xcprivacy        the app's manifest: declares UserDefaults only
#     Frameworks/AlipaySDK.framework, Frameworks/Bugly.framework    vendor binaries as shipped
#     Frameworks/OAuth.framework   China Unicom login SDK with its Info.plist and privacy manifest
#     PlugIns/DemoWidget.appex     an app extension with its own small executable
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/target/ios-samples}"
CORPUS="${APPAUDIT_CORPUS:-$HOME/.cache/appaudit-corpus}"

die() { echo "build-ios-samples: $*" >&2; exit 1; }

CLANG="$(command -v clang || true)"
LD64="$(command -v ld64.lld || command -v ld64.lld-14 || ls /usr/lib/llvm-*/bin/ld64.lld 2>/dev/null | tail -1 || true)"
[ -n "$CLANG" ] || die "clang not found (apt-get install -y clang lld)"
[ -n "$LD64" ] || die "ld64.lld not found (apt-get install -y clang lld)"
command -v python3 >/dev/null || die "python3 not found"

JPUSH="$CORPUS/jpush-phonegap-plugin@3.8.6/src/ios/lib/jpush-ios-4.8.1.a"
JCORE="$CORPUS/cordova-plugin-jcore@1.4.4/src/ios/jcore-ios-3.2.5.a"
WECHAT="$CORPUS/react-native-wechat-lib@3.0.4/ios/libWeChatSDK.a"
ALIPAY="$CORPUS/@uiw/react-native-alipay@5.0.2/ios/AlipaySDK.framework"
BUGLY="$CORPUS/cordova-plugin-bugly-sdk@0.0.1/src/ios/Bugly.framework"
OAUTH="$CORPUS/jverification-react-native@2.8.8/ios/RCTJVerificationModule/OAuth.xcframework/ios-arm64/OAuth.framework"
for input in "$JPUSH" "$JCORE" "$WECHAT" "$ALIPAY/AlipaySDK" "$BUGLY/Bugly" "$OAUTH/OAuth"; do
  [ -e "$input" ] || die "corpus file missing: $input (run the corpus fetch script or set APPAUDIT_CORPUS)"
done

WORK="$OUT/build"
APP="$OUT/Payload/Demo.app"
rm -rf "$WORK" "$OUT/Payload" "$OUT/Demo.ipa"
mkdir -p "$WORK/stubs" "$APP/Frameworks" "$APP/PlugIns/DemoWidget.appex"

# main: declares the classes it uses itself (no iOS SDK headers here). Referencing JPUSHService
# and WXApi makes the linker pull those vendor objects (and their dependencies) out of the archives.
cat > "$WORK/main.m" <<'EOF'
typedef struct objc_object *id;
__attribute__((objc_root_class)) @interface ASIdentifierManager
+ (id)sharedManager;
- (id)advertisingIdentifier;
@end
__attribute__((objc_root_class)) @interface UIDevice
+ (id)currentDevice;
- (id)identifierForVendor;
@end
__attribute__((objc_root_class)) @interface JPUSHService
+ (void)setupWithOption:(id)options appKey:(id)key channel:(id)channel apsForProduction:(int)production;
@end
__attribute__((objc_root_class)) @interface WXApi
+ (int)registerApp:(id)appid universalLink:(id)link;
@end
__attribute__((objc_root_class)) @interface DemoAppDelegate
- (void)demoTrackInstall;
@end
@implementation DemoAppDelegate
- (void)demoTrackInstall {
  (void)[[ASIdentifierManager sharedManager] advertisingIdentifier];
  (void)[[UIDevice currentDevice] identifierForVendor];
}
@end
extern unsigned long long mach_absolute_time(void);
int main(void) {
  [JPUSHService setupWithOption:0 appKey:0 channel:0 apsForProduction:0];
  [WXApi registerApp:0 universalLink:0];
  return (int)mach_absolute_time();
}
EOF

cat > "$WORK/widget.m" <<'EOF'
typedef struct objc_object *id;
__attribute__((objc_root_class)) @interface CLLocationManager
+ (id)new;
- (void)requestLocation;
@end
int main(void) {
  [[CLLocationManager new] requestLocation];
  return 0;
}
EOF

"$CLANG" -target arm64-apple-ios13.0 -fobjc-arc -c "$WORK/main.m" -o "$WORK/main.o"
"$CLANG" -target arm64-apple-ios13.0 -fobjc-arc -c "$WORK/widget.m" -o "$WORK/widget.o"

# A text-based dylib stub: enough for the linker to record LC_LOAD_DYLIB with Apple's path.
stub() { # kind(framework|lib) name
  local file install
  if [ "$1" = framework ]; then
    mkdir -p "$WORK/stubs/$2.framework"
    file="$WORK/stubs/$2.framework/$2.tbd"
    install="/System/Library/Frameworks/$2.framework/$2"
  else
    file="$WORK/stubs/lib$2.tbd"
    install="/usr/lib/lib$2.dylib"
    [ "$2" = System ] && install="/usr/lib/libSystem.B.dylib"
  fi
  printf -- "--- !tapi-tbd\ntbd-version: 4\ntargets: [ arm64-ios ]\ninstall-name: '%s'\nexports:\n  - targets: [ arm64-ios ]\n    symbols: [ ___appaudit_stub_%s ]\n...\n" \
    "$install" "$2" > "$file"
}
stub lib System

# The vendor objects ask for their frameworks through LC_LINKER_OPTION (auto-linking). Link,
# stub whatever the linker reports missing, and retry; then name every stubbed framework
# explicitly so that each appears as LC_LOAD_DYLIB like in an Xcode build.
link_demo() {
  local frameworks=()
  for fw in "$WORK"/stubs/*.framework; do
    [ -e "$fw" ] && frameworks+=(-framework "$(basename "$fw" .framework)")
  done
  "$LD64" -arch arm64 -platform_version ios 13.0 17.0 -o "$APP/Demo" "$WORK/main.o" \
    -L "$WORK/stubs" -F "$WORK/stubs" -lSystem "${frameworks[@]}" \
    "$JPUSH" "$JCORE" "$WECHAT" -undefined dynamic_lookup 2>&1
}
for attempt in 1 2 3 4 5 6; do
  if messages="$(link_demo)"; then
    break
  fi
  missing_fw="$(sed -n 's/.*framework not found for -framework \(.*\)$/\1/p' <<<"$messages" | sort -u)"
  missing_lib="$(sed -n 's/.*library not found for -l\(.*\)$/\1/p' <<<"$messages" | sort -u)"
  if [ -z "$missing_fw$missing_lib" ] || [ "$attempt" = 6 ]; then
    echo "$messages" >&2
    die "link failed"
  fi
  for name in $missing_fw; do stub framework "$name"; done
  for name in $missing_lib; do stub lib "$name"; done
done

stub framework CoreLocation
"$LD64" -arch arm64 -platform_version ios 13.0 17.0 -o "$APP/PlugIns/DemoWidget.appex/DemoWidget" \
  "$WORK/widget.o" -L "$WORK/stubs" -F "$WORK/stubs" -lSystem -framework CoreLocation \
  -undefined dynamic_lookup

cp -R "$ALIPAY" "$BUGLY" "$OAUTH" "$APP/Frameworks/"

cat > "$APP/Info.plist" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleIdentifier</key><string>com.example.appaudit.demo</string>
	<key>CFBundleName</key><string>Demo</string>
	<key>CFBundleExecutable</key><string>Demo</string>
	<key>CFBundlePackageType</key><string>APPL</string>
	<key>CFBundleShortVersionString</key><string>1.0.0</string>
	<key>CFBundleVersion</key><string>7</string>
	<key>MinimumOSVersion</key><string>13.0</string>
	<key>CFBundleSupportedPlatforms</key><array><string>iPhoneOS</string></array>
	<key>NSCameraUsageDescription</key><string>扫描二维码需要使用相机</string>
	<key>NSPhotoLibraryAddUsageDescription</key><string>保存图片到相册</string>
	<key>NSLocationWhenInUseUsageDescription</key><string>为您推荐附近的门店</string>
	<key>NSLocationAlwaysAndWhenInUseUsageDescription</key><string>后台持续定位用于行程记录</string>
	<key>NSUserTrackingUsageDescription</key><string>用于向您推送更相关的广告</string>
	<key>NSContactsUsageDescription</key><string>邀请通讯录好友</string>
	<key>LSApplicationQueriesSchemes</key>
	<array><string>weixin</string><string>weixinULAPI</string><string>alipay</string><string>mqq</string></array>
	<key>CFBundleURLTypes</key>
	<array><dict><key>CFBundleURLSchemes</key><array><string>wxd930ea5d5a258f4f</string></array></dict></array>
	<key>UIBackgroundModes</key>
	<array><string>location</string><string>remote-notification</string><string>fetch</string></array>
	<key>NSAppTransportSecurity</key>
	<dict>
		<key>NSAllowsArbitraryLoads</key><true/>
		<key>NSExceptionDomains</key>
		<dict>
			<key>jpush.cn</key>
			<dict><key>NSExceptionAllowsInsecureHTTPLoads</key><true/><key>NSIncludesSubdomains</key><true/></dict>
		</dict>
	</dict>
</dict>
</plist>
EOF

cat > "$APP/PrivacyInfo.xcprivacy" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>NSPrivacyTracking</key><true/>
	<key>NSPrivacyTrackingDomains</key><array><string>stats.jpush.cn</string></array>
	<key>NSPrivacyCollectedDataTypes</key>
	<array>
		<dict>
			<key>NSPrivacyCollectedDataType</key><string>NSPrivacyCollectedDataTypeDeviceID</string>
			<key>NSPrivacyCollectedDataTypeLinked</key><false/>
			<key>NSPrivacyCollectedDataTypeTracking</key><true/>
			<key>NSPrivacyCollectedDataTypePurposes</key>
			<array><string>NSPrivacyCollectedDataTypePurposeThirdPartyAdvertising</string></array>
		</dict>
	</array>
	<key>NSPrivacyAccessedAPITypes</key>
	<array>
		<dict>
			<key>NSPrivacyAccessedAPIType</key><string>NSPrivacyAccessedAPICategoryUserDefaults</string>
			<key>NSPrivacyAccessedAPITypeReasons</key><array><string>CA92.1</string></array>
		</dict>
	</array>
</dict>
</plist>
EOF

cat > "$APP/PlugIns/DemoWidget.appex/Info.plist" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>CFBundleIdentifier</key><string>com.example.appaudit.demo.widget</string>
	<key>CFBundleExecutable</key><string>DemoWidget</string>
	<key>CFBundlePackageType</key><string>XPC!</string>
	<key>CFBundleShortVersionString</key><string>1.0.0</string>
	<key>NSLocationWhenInUseUsageDescription</key><string>天气小组件需要位置</string>
	<key>NSExtension</key>
	<dict><key>NSExtensionPointIdentifier</key><string>com.apple.widgetkit-extension</string></dict>
</dict>
</plist>
EOF
printf 'APPL????' > "$APP/PkgInfo"

# zip with Python so the layout (Payload/ at the root, no directory entries needed) is exact.
python3 - "$OUT" <<'EOF'
import os, sys, zipfile
out = sys.argv[1]
with zipfile.ZipFile(os.path.join(out, "Demo.ipa"), "w", zipfile.ZIP_DEFLATED) as ipa:
    for base, _dirs, files in sorted(os.walk(os.path.join(out, "Payload"))):
        for name in sorted(files):
            path = os.path.join(base, name)
            ipa.write(path, os.path.relpath(path, out))
EOF
rm -rf "$WORK"
echo "build-ios-samples: wrote $OUT/Demo.ipa and $APP"
