//! Spellings of Mach-O numbers: architectures, platforms, file types, packed versions.

/// `xxxx.yy.zz` nibble-packed version as used by Mach-O load commands.
pub(super) fn format_version(v: u32) -> String {
    let (major, minor, patch) = (v >> 16, (v >> 8) & 0xff, v & 0xff);
    if patch == 0 {
        format!("{major}.{minor}")
    } else {
        format!("{major}.{minor}.{patch}")
    }
}

pub(super) fn platform_name(platform: u32) -> String {
    match platform {
        1 => "macos".into(),
        2 => "ios".into(),
        3 => "tvos".into(),
        4 => "watchos".into(),
        5 => "bridgeos".into(),
        6 => "maccatalyst".into(),
        7 => "ios-simulator".into(),
        8 => "tvos-simulator".into(),
        9 => "watchos-simulator".into(),
        10 => "driverkit".into(),
        11 => "visionos".into(),
        12 => "visionos-simulator".into(),
        other => format!("platform-{other}"),
    }
}

pub(super) fn file_type_name(filetype: u32) -> &'static str {
    match filetype {
        1 => "object",
        2 => "execute",
        6 => "dylib",
        7 => "dylinker",
        8 => "bundle",
        9 => "dylib_stub",
        10 => "dsym",
        11 => "kext_bundle",
        12 => "fileset",
        _ => "other",
    }
}

pub(super) fn arch_name(cputype: u32, cpusubtype: u32) -> String {
    const ABI64: u32 = 0x0100_0000;
    const ABI64_32: u32 = 0x0200_0000;
    let sub = cpusubtype & 0x00ff_ffff;
    match (cputype, sub) {
        (7, _) => "i386".into(),
        (t, 8) if t == 7 | ABI64 => "x86_64h".into(),
        (t, _) if t == 7 | ABI64 => "x86_64".into(),
        (12, 5) => "armv4t".into(),
        (12, 6) => "armv6".into(),
        (12, 7) => "armv5".into(),
        (12, 9) => "armv7".into(),
        (12, 10) => "armv7f".into(),
        (12, 11) => "armv7s".into(),
        (12, 12) => "armv7k".into(),
        (12, 14) => "armv6m".into(),
        (12, 15) => "armv7m".into(),
        (12, 16) => "armv7em".into(),
        (12, _) => "arm".into(),
        (t, 2) if t == 12 | ABI64 => "arm64e".into(),
        (t, _) if t == 12 | ABI64 => "arm64".into(),
        (t, _) if t == 12 | ABI64_32 => "arm64_32".into(),
        (18, _) => "ppc".into(),
        (t, _) if t == 18 | ABI64 => "ppc64".into(),
        (t, s) => format!("cpu{t:#x}/{s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_arches_format() {
        assert_eq!(format_version(0x000d_0000), "13.0");
        assert_eq!(format_version(0x000a_0f02), "10.15.2");
        assert_eq!(arch_name(0x0100_000c, 0), "arm64");
        assert_eq!(arch_name(0x0100_000c, 0x8000_0002), "arm64e");
        assert_eq!(arch_name(12, 9), "armv7");
        assert_eq!(arch_name(0x0100_0007, 3), "x86_64");
    }
}
