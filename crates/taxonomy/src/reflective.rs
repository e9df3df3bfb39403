//! The table of reflective method lookups (`data/android_reflective_lookups.toml`), merged
//! into the taxonomy and checked against its API rules.

use crate::{ReflectiveLookups, Taxonomy, TaxonomyError};

/// `data/android_reflective_lookups.toml`, the one table of reflective lookups.
pub(crate) const REFLECTIVE_LOOKUPS_TOML: &str =
    include_str!("../../../data/android_reflective_lookups.toml");

pub(crate) fn builtin() -> Result<ReflectiveLookups, TaxonomyError> {
    toml::from_str(REFLECTIVE_LOOKUPS_TOML).map_err(|source| TaxonomyError::Table {
        file: "data/android_reflective_lookups.toml",
        source,
    })
}

/// Uses the built-in table when the taxonomy file gives none; a table the file gives must
/// name the file's own APIs. (The built-in table is checked against the built-in taxonomy by a
/// test; against another taxonomy, a name whose API it lacks is simply never reported.)
pub(crate) fn merge_into(taxonomy: &mut Taxonomy) -> Result<(), TaxonomyError> {
    let t = &taxonomy.android_reflective_lookups;
    if t.lookup.is_empty() && t.name.is_empty() {
        taxonomy.android_reflective_lookups = builtin()?;
        Ok(())
    } else {
        validate(taxonomy).map_err(TaxonomyError::Invalid)
    }
}

/// Every name must stand for an `android_apis` rule without a marker condition (a name whose
/// API reveals nothing alone would report nothing), and every class and method be well formed.
pub(crate) fn validate(t: &Taxonomy) -> Result<(), String> {
    let table = &t.android_reflective_lookups;
    for l in &table.lookup {
        if !crate::validate::is_java_binary_name(&l.class)
            || !crate::validate::is_method_name(&l.method)
        {
            return Err(format!(
                "reflective lookup `{}#{}` is malformed",
                l.class, l.method
            ));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for n in &table.name {
        if !seen.insert(n.string.as_str()) {
            return Err(format!("reflective name `{}` is listed twice", n.string));
        }
        let known = t.data_types.iter().any(|dt| {
            dt.detect
                .android_apis
                .iter()
                .any(|a| a.class == n.class && a.method == n.method && a.requires_marker.is_none())
        });
        if !known {
            return Err(format!(
                "reflective name `{}` stands for `{}#{}`, which is no unconditional android_apis rule",
                n.string, n.class, n.method
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BUILTIN_JSON;

    #[test]
    fn builtin_table_names_known_apis() {
        let t = Taxonomy::builtin().expect("builtin");
        validate(&t).expect("every built-in name stands for a built-in API");
        let table = &t.android_reflective_lookups;
        assert!(table.source.contains("docs.oracle.com"));
        let lookups: Vec<_> = table.lookup.iter().map(|l| l.method.as_str()).collect();
        assert_eq!(lookups, ["getDeclaredMethod", "getMethod"]);
        let names: Vec<_> = table.name.iter().map(|n| n.string.as_str()).collect();
        for n in [
            "getImei",
            "getDeviceId",
            "getSubscriberId",
            "getSimSerialNumber",
            "getMacAddress",
            "getSerial",
        ] {
            assert!(names.contains(&n), "{n}");
        }
    }

    #[test]
    fn a_name_for_an_unknown_api_is_an_error() {
        let mut raw: serde_json::Value = serde_json::from_str(BUILTIN_JSON).expect("json");
        raw["android_reflective_lookups"] = serde_json::json!({
            "lookup": [{"class": "java.lang.Class", "method": "getMethod"}],
            "name": [{"string": "getFoo", "class": "android.os.Build", "method": "getFoo"}]
        });
        let err = Taxonomy::from_json(&raw.to_string()).expect_err("unknown api");
        assert!(err.to_string().contains("getFoo"), "{err}");
        // A conditional API (Settings$Secure.getString needs its argument) cannot stand alone.
        raw["android_reflective_lookups"]["name"] = serde_json::json!([
            {"string": "getString", "class": "android.provider.Settings$Secure", "method": "getString"}
        ]);
        assert!(Taxonomy::from_json(&raw.to_string()).is_err());
        raw["android_reflective_lookups"]["name"] = serde_json::json!([]);
        raw["android_reflective_lookups"]["lookup"] =
            serde_json::json!([{"class": "java lang", "method": "getMethod"}]);
        assert!(Taxonomy::from_json(&raw.to_string()).is_err());
    }
}
