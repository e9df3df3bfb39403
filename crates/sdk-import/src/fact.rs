//! One fact read from a public list: "this pattern belongs to the library called so".

use appaudit_sdk::RuleKind;

/// The public lists the importer reads, in the order their facts win a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// LibChecker-Rules V36 (Apache-2.0).
    LibChecker,
    /// The Exodus Privacy tracker list (ODbL 1.0).
    Exodus,
    /// The apk-analyzer 1.32.0 wheel's signatures (MIT).
    ApkAnalyzer,
    /// LibRadar's `tag_rules.csv` (Apache-2.0, 2018; the oldest, so it loses conflicts).
    LibRadar,
    /// iOS sources in pinned npm packages (each package's own licence; facts only).
    Npm,
}

impl Source {
    /// Every list, in priority order.
    pub const ALL: [Source; 5] = [
        Source::LibChecker,
        Source::Exodus,
        Source::ApkAnalyzer,
        Source::LibRadar,
        Source::Npm,
    ];

    /// The list a rule's `source` string (`libchecker:rules_table_v36#17`,
    /// `apk-analyzer@1.32.0:…`) comes from.
    pub fn of_origin(origin: &str) -> Option<Source> {
        let name = origin.split([':', '@']).next()?;
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The short name used in `source` strings and in the conflict report.
    pub fn name(self) -> &'static str {
        match self {
            Source::LibChecker => "libchecker",
            Source::Exodus => "exodus",
            Source::ApkAnalyzer => "apk-analyzer",
            Source::LibRadar => "libradar",
            Source::Npm => "npm",
        }
    }
}

/// One pattern with the library a list says it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// Which list.
    pub source: Source,
    /// Where in that list (`libchecker:rules_table_v36.csv#17`); becomes the rule's `source`.
    pub origin: String,
    /// The library's name as the list spells it.
    pub label: String,
    /// The vendor the list names, if any.
    pub vendor: Option<String>,
    /// The list's own category name (`Advertisement`), if any.
    pub source_category: Option<String>,
    /// A home page or documentation URL the list gives.
    pub homepage: Option<String>,
    /// The rule kind, already in appaudit's syntax.
    pub kind: RuleKind,
    /// The pattern, in appaudit's syntax for `kind`.
    pub pattern: String,
}
