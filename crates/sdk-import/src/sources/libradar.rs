//! LibRadar's `tag_rules.csv`: `Lcom/tencent/bugly,Bugly,Mobile Analytics,<website>`; rows
//! whose library name is `no` mark obfuscated or app packages, not libraries.

use std::path::Path;

use appaudit_sdk::RuleKind;

use super::{Read, java_package};
use crate::ImportError;
use crate::fact::{Fact, Source};

/// Reads `reference/libradar/tag_rules.csv`.
pub fn read(path: &Path) -> Result<Read, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| ImportError::format(path, e))?;
    let mut out = Read {
        item_kind: "rows",
        ..Read::default()
    };
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ImportError::format(path, e))?;
        out.items += 1;
        let field = |i: usize| record.get(i).map(str::trim).unwrap_or("");
        let (package, name, kind, site) = (field(0), field(1), field(2), field(3));
        if name.is_empty() || name.eq_ignore_ascii_case("no") {
            out.skip("libradar: row marks a non-library package");
            continue;
        }
        let dotted = package
            .strip_prefix('L')
            .unwrap_or(package)
            .replace('/', ".");
        let pattern = match java_package(&dotted) {
            Ok(p) => p,
            Err(why) => {
                out.skip(why);
                continue;
            }
        };
        out.facts.push(Fact {
            source: Source::LibRadar,
            // Line numbers count the header as line 1.
            origin: format!("libradar:tag_rules.csv#L{}", n + 2),
            label: name.to_owned(),
            vendor: None,
            source_category: (!kind.is_empty()).then(|| kind.to_owned()),
            homepage: site.starts_with("http").then(|| site.to_owned()),
            kind: RuleKind::JavaPackage,
            pattern,
        });
    }
    Ok(out)
}
