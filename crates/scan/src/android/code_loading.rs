//! The code-loading APIs (`crates/scan/data/code_loading.toml`) a call may name.

/// A code-loading tally's key: the caller (SDK index or id) and the API.
pub(super) type LoadKey<S> = (S, &'static str);

/// A code-loading tally: calls, and sample (call site, code file) pairs.
pub(super) type LoadTally = (usize, Vec<(String, String)>);

/// One code-loading API of `crates/scan/data/code_loading.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeLoader {
    class: String,
    method: String,
    display: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeLoaders {
    loader: Vec<CodeLoader>,
}

/// The code-loading APIs, loaded once. The file is compiled in; `code_loaders_parse` tests it.
static CODE_LOADERS: std::sync::LazyLock<Vec<CodeLoader>> = std::sync::LazyLock::new(|| {
    match toml::from_str::<CodeLoaders>(include_str!("../../data/code_loading.toml")) {
        Ok(t) => t.loader,
        Err(e) => panic!("crates/scan/data/code_loading.toml: {e}"),
    }
});

/// The code-loading API a call names, if any (`method_class` in descriptor or internal form).
pub(super) fn code_loader(method_class: &str, method: &str) -> Option<&'static str> {
    let internal = method_class
        .strip_prefix('L')
        .and_then(|c| c.strip_suffix(';'))
        .unwrap_or(method_class);
    CODE_LOADERS
        .iter()
        .find(|l| l.method == method && l.class == internal)
        .map(|l| l.display.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_loaders_parse() {
        assert!(CODE_LOADERS.len() >= 6);
        assert_eq!(
            code_loader("Ldalvik/system/DexClassLoader;", "<init>"),
            Some("new DexClassLoader")
        );
        assert_eq!(
            code_loader("dalvik/system/DexClassLoader", "<init>"),
            Some("new DexClassLoader")
        );
        assert_eq!(code_loader("Ljava/lang/System;", "loadLibrary"), None);
        assert_eq!(
            code_loader("Ljava/lang/System;", "load"),
            Some("System.load (a native library by path)")
        );
    }
}
