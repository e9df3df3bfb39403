//! Compiled iOS lookups: Info.plist keys, imported symbols, selectors and Apple's
//! required-reason API categories.

use crate::Taxonomy;
use crate::android::DataTypeId;
use crate::fast_hash::FastMap;

/// Data types one iOS key or symbol reveals.
#[derive(Debug, Clone, Default)]
pub struct IosRule {
    /// The key or symbol as written in the taxonomy.
    pub name: String,
    /// Data types it reveals.
    pub data_types: Vec<DataTypeId>,
}

/// One class + selector rule.
#[derive(Debug, Clone)]
pub struct IosApiRule {
    /// Objective-C class.
    pub class: String,
    /// Selector.
    pub selector: String,
    /// Data types it reveals.
    pub data_types: Vec<DataTypeId>,
}

/// Compiled iOS rules.
#[derive(Debug, Default)]
pub struct IosRules {
    plist_keys: FastMap<Box<str>, IosRule>,
    /// Keyed without the leading underscore so Mach-O (`_x`) and plain (`x`) forms match.
    symbols: FastMap<Box<str>, IosRule>,
    selectors: FastMap<Box<str>, Vec<IosApiRule>>,
    reason_symbols: FastMap<Box<str>, Vec<String>>,
    reason_selectors: FastMap<Box<str>, Vec<String>>,
}

fn strip_underscore(s: &str) -> &str {
    s.strip_prefix('_').unwrap_or(s)
}

fn add_type(v: &mut Vec<DataTypeId>, id: DataTypeId) {
    if !v.contains(&id) {
        v.push(id);
    }
}

impl IosRules {
    /// Compiles the iOS `detect` rules and required-reason categories of `taxonomy`.
    pub fn new(taxonomy: &Taxonomy) -> Self {
        let mut this = IosRules::default();
        for (i, dt) in taxonomy.data_types.iter().enumerate() {
            let Ok(idx) = u16::try_from(i) else { break };
            let id = DataTypeId(idx);
            for key in &dt.detect.ios_plist_keys {
                let r = this
                    .plist_keys
                    .entry(key.as_str().into())
                    .or_insert_with(|| IosRule {
                        name: key.clone(),
                        data_types: Vec::new(),
                    });
                add_type(&mut r.data_types, id);
            }
            for sym in &dt.detect.ios_symbols {
                let r = this
                    .symbols
                    .entry(strip_underscore(sym).into())
                    .or_insert_with(|| IosRule {
                        name: sym.clone(),
                        data_types: Vec::new(),
                    });
                add_type(&mut r.data_types, id);
            }
            for api in &dt.detect.ios_apis {
                let list = this
                    .selectors
                    .entry(api.selector.as_str().into())
                    .or_default();
                match list.iter_mut().find(|r| r.class == api.class) {
                    Some(r) => add_type(&mut r.data_types, id),
                    None => list.push(IosApiRule {
                        class: api.class.clone(),
                        selector: api.selector.clone(),
                        data_types: vec![id],
                    }),
                }
            }
        }
        for c in &taxonomy.ios_required_reason_apis {
            for s in &c.symbols {
                let v = this
                    .reason_symbols
                    .entry(strip_underscore(s).into())
                    .or_default();
                if !v.contains(&c.category) {
                    v.push(c.category.clone());
                }
            }
            for s in &c.selectors {
                let v = this.reason_selectors.entry(s.as_str().into()).or_default();
                if !v.contains(&c.category) {
                    v.push(c.category.clone());
                }
            }
        }
        this
    }

    /// The rule for an Info.plist key (`NSContactsUsageDescription`).
    pub fn plist_key(&self, key: &str) -> Option<&IosRule> {
        self.plist_keys.get(key)
    }

    /// The rule for an imported symbol, with or without the leading underscore
    /// (`_OBJC_CLASS_$_ASIdentifierManager`).
    pub fn symbol(&self, name: &str) -> Option<&IosRule> {
        self.symbols.get(strip_underscore(name))
    }

    /// Rules whose selector is `name`, one per class. Selectors are short and shared
    /// between classes, so callers should confirm the class (e.g. its
    /// `_OBJC_CLASS_$_` import or class-name string) before counting a hit.
    pub fn selector(&self, name: &str) -> &[IosApiRule] {
        self.selectors.get(name).map_or(&[], Vec::as_slice)
    }

    /// Required-reason categories (`NSPrivacyAccessedAPICategoryDiskSpace` …) an imported
    /// symbol falls under; some symbols (`getattrlist`) fall under two.
    pub fn required_reason_symbol(&self, name: &str) -> &[String] {
        self.reason_symbols
            .get(strip_underscore(name))
            .map_or(&[], Vec::as_slice)
    }

    /// Required-reason categories a selector (`systemUptime`, `activeInputModes`) falls under.
    pub fn required_reason_selector(&self, name: &str) -> &[String] {
        self.reason_selectors.get(name).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ios_lookups() {
        let t = Taxonomy::builtin().expect("builtin");
        let r = IosRules::new(&t);
        let name = |ids: &[DataTypeId]| -> Vec<&str> {
            ids.iter()
                .map(|i| t.data_types[i.index()].id.as_str())
                .collect()
        };
        let contacts = r
            .plist_key("NSContactsUsageDescription")
            .expect("plist key");
        assert_eq!(name(&contacts.data_types), ["contacts"]);
        assert!(r.plist_key("NSContactsUsageDescriptionX").is_none());
        for sym in [
            "_OBJC_CLASS_$_ASIdentifierManager",
            "OBJC_CLASS_$_ASIdentifierManager",
        ] {
            assert_eq!(name(&r.symbol(sym).expect(sym).data_types), ["idfa"]);
        }
        let idfv = r.selector("identifierForVendor");
        assert_eq!(idfv.len(), 1);
        assert_eq!(idfv[0].class, "UIDevice");
        assert_eq!(name(&idfv[0].data_types), ["idfv"]);
        assert!(r.selector("nope").is_empty());
        // Apple: getattrlist is listed under both file-timestamp and disk-space APIs.
        let cats = r.required_reason_symbol("_getattrlist");
        assert!(
            cats.iter()
                .any(|c| c == "NSPrivacyAccessedAPICategoryFileTimestamp")
        );
        assert!(
            cats.iter()
                .any(|c| c == "NSPrivacyAccessedAPICategoryDiskSpace")
        );
        assert_eq!(
            r.required_reason_selector("systemUptime"),
            ["NSPrivacyAccessedAPICategorySystemBootTime"]
        );
        assert_eq!(
            r.required_reason_selector("activeInputModes"),
            ["NSPrivacyAccessedAPICategoryActiveKeyboards"]
        );
        assert_eq!(
            r.required_reason_symbol("_OBJC_CLASS_$_NSUserDefaults"),
            ["NSPrivacyAccessedAPICategoryUserDefaults"]
        );
    }
}
