//! Native libraries (`lib/<abi>/*.so`): ELF facts, the owning SDK, hosts in `.rodata`.

use std::collections::BTreeMap;

use appaudit_sdk::Hit;

use super::{
    Facts,
    code::string_host,
    own_package::{OwnPackage, match_class_outside},
};
use crate::Engine;
use crate::model::{self, Warning};
use crate::sdk_facts::{EVIDENCE_SAMPLES, NETWORK_HOST};
use appaudit_elf as native;

pub(super) fn read_native(
    engine: &Engine,
    own: Option<&OwnPackage>,
    part: &mut Facts<'_>,
    location: &str,
    name: &str,
    bytes: &[u8],
) {
    let file_name = name.rsplit('/').next().unwrap_or(name);
    let abi = abi_of(name);
    let mut lib = model::NativeLib {
        path: location.to_owned(),
        abi,
        soname: None,
        needed: Vec::new(),
        exported_symbols: 0,
        jni_packages: Vec::new(),
        sdk: None,
    };
    if let Some(hit) = engine.matcher.match_native_lib(file_name) {
        part.sdk(hit.sdk)
            .hit(&hit, "native_lib", location, || file_name.to_owned());
        lib.sdk = Some(engine.db.sdks()[hit.sdk].id.clone());
    }
    match native::parse_elf(bytes) {
        Ok(elf) => {
            part.stats.native_libs += 1;
            for pkg in &elf.jni_packages {
                // A JNI export names the Java class that declares the native
                // method: the package is as good as a class in that package.
                let probe = format!("L{}/X;", pkg.replace('.', "/"));
                if let Some(hit) = match_class_outside(engine, own, &probe) {
                    let acc = part.sdk(hit.sdk);
                    acc.hit(&hit, "jni_export", location, || {
                        format!("Java_{}_…", pkg.replace('.', "_"))
                    });
                    if lib.sdk.is_none() {
                        lib.sdk = Some(engine.db.sdks()[hit.sdk].id.clone());
                    }
                }
            }
            if let Some(rodata) = elf.rodata.clone().and_then(|r| bytes.get(r)) {
                rodata_hosts(engine, part, location, lib.sdk.as_deref(), rodata);
            }
            lib.soname = elf.soname;
            lib.needed = elf.needed;
            lib.exported_symbols = elf.exported_symbols;
            lib.jni_packages = elf.jni_packages;
        }
        Err(e) => part.warnings.push(Warning::new(location, e.to_string())),
    }
    part.native_libs.push(lib);
}

/// Most strings one library's `.rodata` is searched for hosts in (a bound for hostile input).
const MAX_RODATA_STRINGS: usize = 200_000;

/// Network hosts in a native library's constant strings: evidence of the host's SDK unless
/// the library belongs to another SDK's family.
fn rodata_hosts(
    engine: &Engine,
    part: &mut Facts<'_>,
    location: &str,
    lib_sdk: Option<&str>,
    rodata: &[u8],
) {
    let lib_root = lib_sdk
        .and_then(|id| engine.db.index_of(id))
        .map(|i| engine.db.family_root(i));
    let mut found: BTreeMap<(usize, &str), (Hit<'_>, usize, Vec<String>)> = BTreeMap::new();
    for text in native::printable_runs(rodata, 6, MAX_RODATA_STRINGS) {
        if !text.contains('.') {
            continue;
        }
        let Some(hit) = string_host(engine, text) else {
            continue;
        };
        if lib_root.is_some_and(|r| r != engine.db.family_root(hit.sdk)) {
            continue;
        }
        let entry = found
            .entry((hit.sdk, hit.pattern))
            .or_insert_with(|| (hit, 0, Vec::new()));
        entry.1 += 1;
        if entry.2.len() < EVIDENCE_SAMPLES && !entry.2.iter().any(|s| s.starts_with(text)) {
            entry.2.push(format!("{text} in .rodata"));
        }
    }
    for ((sdk, _), (hit, count, samples)) in found {
        part.sdk(sdk)
            .hits(&hit, NETWORK_HOST, location, count, samples);
    }
}

/// `lib/arm64-v8a/libx.so` and `jni/arm64-v8a/libx.so` → `arm64-v8a`.
fn abi_of(name: &str) -> Option<String> {
    let mut parts = name.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("lib" | "jni"), Some(abi), Some(_file), None) => Some(abi.to_owned()),
        _ => None,
    }
}
