//! Paths inside an iOS input: a bundle's Info.plist, every known path, and warnings located at
//! the path they name.

use std::collections::HashSet;

use crate::model::Warning;

/// Every file of the input and every directory above one.
pub(super) fn known_paths(listed: &HashSet<String>) -> HashSet<&str> {
    let mut known_paths: HashSet<&str> = HashSet::new();
    for path in listed {
        known_paths.insert(path);
        let mut dir = path.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if !known_paths.insert(parent) {
                break;
            }
            dir = parent;
        }
    }
    known_paths
}

/// The Info.plist describing `bundle`, in iOS or macOS layout.
pub(super) fn plist_path(listed: &HashSet<String>, bundle: &str) -> String {
    let candidates = [
        format!("{bundle}/Info.plist"),
        format!("{bundle}/Contents/Info.plist"),
        format!("{bundle}/Resources/Info.plist"),
    ];
    candidates
        .iter()
        .find(|c| listed.contains(c.as_str()))
        .cloned()
        .unwrap_or_else(|| {
            listed
                .iter()
                .filter(|p| {
                    p.strip_prefix(bundle)
                        .and_then(|r| r.strip_prefix("/Versions/"))
                        .is_some_and(|r| {
                            r.ends_with("/Resources/Info.plist") && r.matches('/').count() == 2
                        })
                })
                .min()
                .cloned()
                .unwrap_or_else(|| format!("{bundle}/Info.plist"))
        })
}

/// The crate's warnings read `path: message` or `path is …`; the path becomes the location when
/// it is a file or directory of the input, else the input itself is.
pub(super) fn split_warning(warning: &str, known_paths: &HashSet<&str>, input: &str) -> Warning {
    let known = |p: &str| known_paths.contains(p);
    for sep in [": ", " is "] {
        if let Some((head, tail)) = warning.split_once(sep)
            && !head.is_empty()
            && known(head)
        {
            let message = if sep == ": " {
                tail.to_owned()
            } else {
                format!("is {tail}")
            };
            return Warning::new(head, message);
        }
    }
    Warning::new(input, warning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_split_at_known_paths_only() {
        let known: HashSet<&str> = ["A.app", "A.app/A", "A.app/Info.plist"]
            .into_iter()
            .collect();
        assert_eq!(
            split_warning("A.app/A: truncated", &known, "in.ipa"),
            Warning::new("A.app/A", "truncated")
        );
        assert_eq!(
            split_warning("A.app/A is FairPlay-encrypted (x): y", &known, "in.ipa"),
            Warning::new("A.app/A", "is FairPlay-encrypted (x): y")
        );
        assert_eq!(
            split_warning("input lists 9 files: too many", &known, "in.ipa"),
            Warning::new("in.ipa", "input lists 9 files: too many")
        );
    }

    #[test]
    fn plist_path_follows_ios_and_macos_layouts() {
        let listed: HashSet<String> = [
            "A.framework/Versions/A/Resources/Info.plist",
            "B.app/Info.plist",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        assert_eq!(
            plist_path(&listed, "A.framework"),
            "A.framework/Versions/A/Resources/Info.plist"
        );
        assert_eq!(plist_path(&listed, "B.app"), "B.app/Info.plist");
        assert_eq!(plist_path(&listed, "C.framework"), "C.framework/Info.plist");
    }
}
