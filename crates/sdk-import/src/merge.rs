//! Merging facts into entries: one entry per library name, each pattern owned by one entry
//! (the highest-priority list wins a clash, and the clash is reported), hand-written
//! entries first (an imported fact they already cover is dropped; one that names the same
//! library extends them), and nesting across vendors resolved the way the loader demands.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use appaudit_sdk::{Category, Market, RuleKind, SignatureDb};

use crate::classify::{Classifier, has_cjk};
use crate::fact::{Fact, Source};

mod nesting;
use nesting::{drop_inside_hand_written, resolve_globs, resolve_nesting, resolve_objc_nesting};

/// A rule of an imported entry or extension: pattern and the list item it comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImportedRule {
    /// The pattern.
    pub pattern: String,
    /// The `source` string (`libchecker:rules_table_v36#17`).
    pub origin: String,
}

/// A new entry for `imported/*.toml`.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Kebab-case id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Chinese display name, when the lists give one besides a Latin one.
    pub name_zh: Option<String>,
    /// The other names the lists use.
    pub aliases: Vec<String>,
    /// Vendor.
    pub vendor: String,
    /// Market.
    pub market: Market,
    /// Category.
    pub category: Category,
    /// Family parent (an entry whose rules enclose this one's).
    pub parent: Option<String>,
    /// Home page.
    pub homepage: Option<String>,
    /// Rules by kind.
    pub rules: BTreeMap<RuleKind, BTreeSet<ImportedRule>>,
    /// The lists it was built from.
    pub sources: BTreeSet<Source>,
}

/// Rules added to a hand-written entry.
#[derive(Debug, Clone)]
pub struct Extension {
    /// The hand-written entry's id.
    pub id: String,
    /// Rules by kind.
    pub rules: BTreeMap<RuleKind, BTreeSet<ImportedRule>>,
}

/// The merge result and what happened on the way.
#[derive(Debug, Default)]
pub struct Merged {
    /// New entries, sorted by id.
    pub entries: Vec<Entry>,
    /// Extensions of hand-written entries, sorted by id.
    pub extensions: Vec<Extension>,
    /// One line per conflict between lists, or between a list and the hand-written data.
    pub conflicts: Vec<String>,
    /// Imported facts a hand-written rule already states.
    pub covered_by_hand_written: usize,
    /// Imported facts another list already stated for the same library.
    pub duplicates: usize,
    /// Libraries two lists name differently, made one by a shared pattern.
    pub merged_by_pattern: usize,
    /// What became of each list's facts in the merge, beyond the rules written: `(list,
    /// fate) -> count` (fates: [`FATE_HAND_WRITTEN`], [`FATE_DUPLICATE`], [`FATE_CONFLICT`]).
    pub fates: BTreeMap<(Source, &'static str), usize>,
    /// Entries whose market a row of `data/vendors.toml` decided: `(cn, global)`.
    pub market_by_vendor_table: (usize, usize),
    /// The rows of `data/vendors.toml` some entry matched (indices).
    pub vendor_rows_used: BTreeSet<usize>,
    /// Of those, the ones the general rules of `classify.toml` would have put elsewhere
    /// (`(id, by the rules, by the table)`).
    pub market_changed: Vec<(String, Market, Market)>,
}

/// A fact a hand-written rule already states.
pub const FATE_HAND_WRITTEN: &str = "already a hand-written rule";
/// A fact inside a hand-written rule (`com.tencent.bugly.crashreport` inside the
/// hand-written `com.tencent.bugly`): the hand-written entry already recognises it.
pub const FATE_INSIDE_HAND_WRITTEN: &str = "inside a hand-written rule (already recognised)";
/// A fact the same library already has from this or an earlier list.
pub const FATE_DUPLICATE: &str = "already stated for the library (this or an earlier list)";
/// A fact whose pattern the same list gave to another library first.
pub const FATE_CONFLICT: &str = "conflict: the same list gave the pattern to another library first";

/// Who owns a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Owner {
    /// A hand-written entry (index in the hand-written database).
    Hand(usize),
    /// An imported group (index in `groups`).
    Group(usize),
}

struct Group {
    key: String,
    labels: Vec<String>,
    vendor: Option<String>,
    homepage: Option<String>,
    source_categories: Vec<String>,
    sources: BTreeSet<Source>,
    rules: BTreeMap<RuleKind, BTreeSet<ImportedRule>>,
    /// Hand-written entries sharing a pattern with this group, by count.
    votes: BTreeMap<usize, usize>,
    /// The hand-written entry this group extends.
    extends: Option<usize>,
    parent: Option<Owner>,
}

/// The comparable key of a library name: case, spacing, punctuation and a trailing "SDK"
/// do not make two libraries.
pub fn name_key(name: &str) -> String {
    let mut key: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '+')
        .collect();
    for suffix in ["sdk", "forandroid", "android", "library", "lib"] {
        if key.len() > suffix.len() + 2
            && let Some(stripped) = key.strip_suffix(suffix)
        {
            key = stripped.to_owned();
        }
    }
    key
}

/// The normalized package prefixes that enclose a normalized Java pattern.
fn enclosing(own: &str) -> impl Iterator<Item = &str> {
    own.char_indices()
        .filter(move |&(i, c)| c == '.' && i + 1 < own.len())
        .map(move |(i, _)| &own[..=i])
}

/// `*` = any run without `/`, `?` = one character; the rest literal.
fn glob_matches(glob: &str, text: &str) -> bool {
    fn go(g: &[u8], t: &[u8]) -> bool {
        match g.split_first() {
            None => t.is_empty(),
            Some((b'*', rest)) => (0..=t.len())
                .take_while(|&i| i == 0 || t.get(i - 1) != Some(&b'/'))
                .any(|i| go(rest, t.get(i..).unwrap_or_default())),
            Some((b'?', rest)) => t
                .split_first()
                .is_some_and(|(c, tr)| *c != b'/' && go(rest, tr)),
            Some((c, rest)) => t
                .split_first()
                .is_some_and(|(tc, tr)| tc == c && go(rest, tr)),
        }
    }
    go(glob.as_bytes(), text.as_bytes())
}

fn is_glob(p: &str) -> bool {
    p.contains(['*', '?'])
}

/// Merges `facts` (in priority order) against the hand-written database.
pub fn merge(facts: Vec<Fact>, hand: &SignatureDb, classifier: &Classifier) -> Merged {
    let mut merged = Merged::default();

    // Hand-written patterns and names.
    let mut owner: HashMap<(RuleKind, String), Owner> = HashMap::new();
    for (i, sdk) in hand.sdks().iter().enumerate() {
        for kind in RuleKind::ALL {
            for rule in sdk.rules.of(kind) {
                owner.insert(
                    (kind.namespace(), kind.normalize(&rule.pattern)),
                    Owner::Hand(i),
                );
            }
        }
    }
    let hand_patterns: HashSet<(RuleKind, String)> = owner.keys().cloned().collect();
    let mut hand_names: HashMap<String, Option<usize>> = HashMap::new();
    for (i, sdk) in hand.sdks().iter().enumerate() {
        let names = std::iter::once(sdk.name.as_str())
            .chain(sdk.name_zh.as_deref())
            .chain(sdk.aliases.iter().map(String::as_str));
        for name in names {
            let key = name_key(name);
            if key.chars().count() < 3 {
                continue;
            }
            // A name two hand-written entries share is ambiguous: not used to link.
            hand_names
                .entry(key)
                .and_modify(|v| {
                    if *v != Some(i) {
                        *v = None
                    }
                })
                .or_insert(Some(i));
        }
    }

    // Groups by library name. A pattern two lists give under different names makes one
    // library of the two (the apk-analyzer wheel translates LibChecker's Chinese labels:
    // "Tencent Ad SDK" is "腾讯广告 SDK"); within one list, the first claimant keeps it.
    let mut groups: Vec<Group> = Vec::new();
    let mut merged_into: Vec<Option<usize>> = Vec::new();
    let find = |merged_into: &[Option<usize>], mut g: usize| {
        while let Some(Some(next)) = merged_into.get(g) {
            g = *next;
        }
        g
    };
    let mut group_of_key: HashMap<String, usize> = HashMap::new();
    // Which list gave each imported pattern to its group.
    let mut claimed_by: HashMap<(RuleKind, String), Source> = HashMap::new();
    for fact in facts {
        let key = name_key(&fact.label);
        if key.is_empty() {
            *merged
                .fates
                .entry((fact.source, "library name without letters or digits"))
                .or_default() += 1;
            continue;
        }
        let first = *group_of_key.entry(key.clone()).or_insert_with(|| {
            groups.push(Group {
                key,
                labels: Vec::new(),
                vendor: None,
                homepage: None,
                source_categories: Vec::new(),
                sources: BTreeSet::new(),
                rules: BTreeMap::new(),
                votes: BTreeMap::new(),
                extends: None,
                parent: None,
            });
            merged_into.push(None);
            groups.len() - 1
        });
        let mut g = find(&merged_into, first);
        let slot = (fact.kind.namespace(), fact.kind.normalize(&fact.pattern));
        match owner.get(&slot).copied() {
            Some(Owner::Hand(h)) => {
                if let Some(group) = groups.get_mut(g) {
                    *group.votes.entry(h).or_default() += 1;
                    note_identity(group, &fact);
                }
                merged.covered_by_hand_written += 1;
                *merged
                    .fates
                    .entry((fact.source, FATE_HAND_WRITTEN))
                    .or_default() += 1;
                continue;
            }
            Some(Owner::Group(other)) => {
                let other = find(&merged_into, other);
                if other != g {
                    let same_list = claimed_by.get(&slot) == Some(&fact.source);
                    if same_list {
                        let winner = groups.get(other).and_then(|o| o.labels.first()).cloned();
                        merged.conflicts.push(format!(
                            "{} `{}`: {} says \"{}\", the same list gave it to \"{}\"; kept \"{}\"",
                            fact.kind.key(),
                            fact.pattern,
                            fact.origin,
                            fact.label,
                            winner.as_deref().unwrap_or("?"),
                            winner.as_deref().unwrap_or("?"),
                        ));
                        *merged
                            .fates
                            .entry((fact.source, FATE_CONFLICT))
                            .or_default() += 1;
                        continue;
                    }
                    absorb(&mut groups, other, g);
                    if let Some(slot) = merged_into.get_mut(g) {
                        *slot = Some(other);
                    }
                    merged.merged_by_pattern += 1;
                    g = other;
                }
                merged.duplicates += 1;
                *merged
                    .fates
                    .entry((fact.source, FATE_DUPLICATE))
                    .or_default() += 1;
                if let Some(group) = groups.get_mut(g) {
                    note_identity(group, &fact);
                }
                continue;
            }
            None => {}
        }
        claimed_by.insert(slot.clone(), fact.source);
        owner.insert(slot, Owner::Group(g));
        if let Some(group) = groups.get_mut(g) {
            note_identity(group, &fact);
            group
                .rules
                .entry(fact.kind)
                .or_default()
                .insert(ImportedRule {
                    pattern: fact.pattern,
                    origin: fact.origin,
                });
        }
    }
    // Absorbed groups are empty now; their patterns belong to the group that took them.
    for o in owner.values_mut() {
        if let Owner::Group(g) = *o {
            *o = Owner::Group(find(&merged_into, g));
        }
    }

    // A group naming a hand-written library, or sharing its patterns, extends it.
    for group in &mut groups {
        let by_name = group
            .labels
            .iter()
            .find_map(|l| hand_names.get(&name_key(l)).copied().flatten());
        let by_vote = group
            .votes
            .iter()
            .max_by_key(|(h, n)| (**n, std::cmp::Reverse(**h)))
            .map(|(h, _)| *h);
        // Android facts extend only an entry that ships on Android; iOS-only facts (npm
        // sources) may extend any entry (the loader adds the platform their rules imply).
        let ios_only = group
            .rules
            .iter()
            .all(|(k, r)| r.is_empty() || k.platform() == appaudit_sdk::Platform::Ios);
        group.extends = by_name.or(by_vote).filter(|&h| {
            hand.sdks()
                .get(h)
                .is_some_and(|s| ios_only || s.platforms.contains(&appaudit_sdk::Platform::Android))
        });
    }
    let owner_of_group = |groups: &[Group], g: usize| match groups.get(g).and_then(|x| x.extends) {
        Some(h) => Owner::Hand(h),
        None => Owner::Group(g),
    };
    // Re-point patterns of extending groups to the hand-written entry they extend.
    for o in owner.values_mut() {
        if let Owner::Group(g) = *o {
            *o = owner_of_group(&groups, g);
        }
    }

    merged.covered_by_hand_written +=
        drop_inside_hand_written(&mut groups, &mut owner, &hand_patterns, &mut merged.fates);
    resolve_nesting(&mut groups, &mut owner, hand, &mut merged.conflicts);
    resolve_objc_nesting(&mut groups, &owner, hand, &mut merged.conflicts);
    resolve_globs(&mut groups, &owner, hand, &mut merged.conflicts);
    build_output(groups, hand, classifier, &mut merged);
    merged
}

/// Moves everything of group `from` into group `into`.
fn absorb(groups: &mut [Group], into: usize, from: usize) {
    let Some(taken) = groups.get_mut(from).map(|g| Group {
        key: g.key.clone(),
        labels: std::mem::take(&mut g.labels),
        vendor: g.vendor.take(),
        homepage: g.homepage.take(),
        source_categories: std::mem::take(&mut g.source_categories),
        sources: std::mem::take(&mut g.sources),
        rules: std::mem::take(&mut g.rules),
        votes: std::mem::take(&mut g.votes),
        extends: None,
        parent: None,
    }) else {
        return;
    };
    let Some(target) = groups.get_mut(into) else {
        return;
    };
    for label in taken.labels {
        if !target.labels.contains(&label) {
            target.labels.push(label);
        }
    }
    if target.vendor.is_none() {
        target.vendor = taken.vendor;
    }
    if target.homepage.is_none() {
        target.homepage = taken.homepage;
    }
    for c in taken.source_categories {
        if !target.source_categories.contains(&c) {
            target.source_categories.push(c);
        }
    }
    target.sources.extend(taken.sources);
    for (kind, rules) in taken.rules {
        target.rules.entry(kind).or_default().extend(rules);
    }
    for (h, n) in taken.votes {
        *target.votes.entry(h).or_default() += n;
    }
}

fn note_identity(group: &mut Group, fact: &Fact) {
    if !group.labels.contains(&fact.label) {
        group.labels.push(fact.label.clone());
    }
    if group.vendor.is_none() {
        group.vendor.clone_from(&fact.vendor);
    }
    if group.homepage.is_none() {
        group.homepage.clone_from(&fact.homepage);
    }
    if let Some(c) = &fact.source_category
        && !group.source_categories.contains(c)
    {
        group.source_categories.push(c.clone());
    }
    group.sources.insert(fact.source);
}

/// The family root of an owner: hand-written entries by their parent chain; groups by
/// their assigned parent (bounded walk: the parent graph is kept acyclic).
fn root(owner: Owner, groups: &[Group], hand: &SignatureDb) -> Owner {
    let mut current = owner;
    for _ in 0..=groups.len() + hand.sdks().len() {
        match current {
            Owner::Hand(h) => return Owner::Hand(hand.family_root(h)),
            Owner::Group(g) => match groups
                .get(g)
                .and_then(|x| x.extends.map(Owner::Hand).or(x.parent))
            {
                Some(next) => current = next,
                None => return current,
            },
        }
    }
    current
}

fn is_imported(groups: &[Group], owner: Owner, kind: RuleKind, pattern: &str) -> bool {
    match owner {
        Owner::Group(_) => true,
        Owner::Hand(h) => groups.iter().any(|g| {
            g.extends == Some(h)
                && g.rules
                    .get(&kind)
                    .is_some_and(|rs| rs.iter().any(|r| r.pattern == pattern))
        }),
    }
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '+' {
            out.push_str("plus");
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// An id for a group: its Latin name, else words of its first pattern.
fn base_id(group: &Group) -> String {
    let latin = group
        .labels
        .iter()
        .map(|l| slug(l))
        .find(|s| s.len() >= 3 && s.bytes().any(|b| b.is_ascii_alphabetic()));
    if let Some(id) = latin {
        return id;
    }
    let first = group
        .rules
        .iter()
        .find_map(|(kind, rules)| rules.first().map(|r| (*kind, r)));
    let from_pattern = match first {
        Some((RuleKind::NativeLib, r)) => slug(
            &r.pattern
                .trim_start_matches("lib")
                .trim_end_matches(".so")
                .replace(['*', '?'], ""),
        ),
        Some((_, r)) => {
            let segments: Vec<&str> = r.pattern.split('.').collect();
            let tail = segments.len().saturating_sub(3).max(1).min(segments.len());
            slug(&segments.get(tail..).unwrap_or_default().join("-"))
        }
        None => String::new(),
    };
    if from_pattern.len() >= 3 {
        from_pattern
    } else {
        format!("lib-{}", slug(&group.key))
    }
}

fn build_output(
    groups: Vec<Group>,
    hand: &SignatureDb,
    classifier: &Classifier,
    merged: &mut Merged,
) {
    let mut taken: BTreeSet<String> = hand.sdks().iter().map(|s| s.id.clone()).collect();
    let nonempty = |g: &Group| g.rules.values().any(|r| !r.is_empty());
    // Ids first (in key order, so they do not depend on the lists' order), then entries.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|a, b| groups[*a].key.cmp(&groups[*b].key));
    let mut ids: HashMap<usize, String> = HashMap::new();
    for &g in &order {
        let group = &groups[g];
        if group.extends.is_some() || !nonempty(group) {
            continue;
        }
        let base = base_id(group);
        let mut id = base.clone();
        let mut n = 2;
        while taken.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(id.clone());
        ids.insert(g, id);
    }
    // A parent that ended up without rules hands its children to its own parent.
    let parent_id = |start: Owner| -> Option<String> {
        let mut current = Some(start);
        for _ in 0..=groups.len() {
            match current? {
                Owner::Hand(h) => return hand.sdks().get(h).map(|s| s.id.clone()),
                Owner::Group(g) => {
                    let group = groups.get(g)?;
                    if let Some(h) = group.extends {
                        return hand.sdks().get(h).map(|s| s.id.clone());
                    }
                    if let Some(id) = ids.get(&g) {
                        return Some(id.clone());
                    }
                    current = group.parent;
                }
            }
        }
        None
    };
    let mut extensions: BTreeMap<String, BTreeMap<RuleKind, BTreeSet<ImportedRule>>> =
        BTreeMap::new();
    for (g, group) in groups.iter().enumerate() {
        if !nonempty(group) {
            continue;
        }
        if let Some(h) = group.extends {
            let Some(sdk) = hand.sdks().get(h) else {
                continue;
            };
            let ext = extensions.entry(sdk.id.clone()).or_default();
            for (kind, rules) in &group.rules {
                ext.entry(*kind).or_default().extend(rules.iter().cloned());
            }
            continue;
        }
        let Some(id) = ids.get(&g).cloned() else {
            continue;
        };
        let mut labels = group.labels.clone();
        let latin = labels.iter().position(|l| !has_cjk(l));
        let (name, name_zh) = match (labels.first(), latin) {
            (Some(first), Some(i)) if has_cjk(first) => {
                let zh = first.clone();
                (labels.remove(i), Some(zh))
            }
            _ => (labels.first().cloned().unwrap_or_else(|| id.clone()), None),
        };
        let aliases: Vec<String> = labels
            .into_iter()
            .filter(|l| *l != name && Some(l) != name_zh.as_ref())
            .collect();
        let first_package = group
            .rules
            .get(&RuleKind::JavaPackage)
            .and_then(|r| r.first())
            .map(|r| r.pattern.clone())
            .or_else(|| {
                group
                    .rules
                    .get(&RuleKind::Component)
                    .and_then(|r| r.first())
                    .map(|r| {
                        r.pattern
                            .rsplit_once('.')
                            .map_or(r.pattern.clone(), |(p, _)| p.to_owned())
                    })
            });
        let vendor = group
            .vendor
            .clone()
            .or_else(|| {
                first_package
                    .as_deref()
                    .and_then(|p| classifier.vendor_of_package(p))
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| name.clone());
        let names: Vec<&str> = std::iter::once(name.as_str())
            .chain(name_zh.as_deref())
            .chain(aliases.iter().map(String::as_str))
            .collect();
        // Every package of the entry (its Java packages, then its components' packages), the
        // first one first: the vendor table may know any of them.
        let mut packages: Vec<String> = first_package.iter().cloned().collect();
        for (kind, rules) in &group.rules {
            for rule in rules {
                let package = match kind {
                    RuleKind::JavaPackage => rule.pattern.clone(),
                    RuleKind::Component => rule
                        .pattern
                        .trim_end_matches(".*")
                        .rsplit_once('.')
                        .map_or(rule.pattern.clone(), |(p, _)| p.to_owned()),
                    _ => continue,
                };
                if !packages.contains(&package) {
                    packages.push(package);
                }
            }
        }
        let package_refs: Vec<&str> = packages.iter().map(String::as_str).collect();
        let decision = classifier.decide_market(names.iter().copied(), &vendor, &package_refs);
        let market = decision.market;
        merged.vendor_rows_used.extend(decision.row);
        if decision.by_vendor_table {
            match market {
                Market::Cn => merged.market_by_vendor_table.0 += 1,
                _ => merged.market_by_vendor_table.1 += 1,
            }
            if decision.by_rules != market {
                merged
                    .market_changed
                    .push((id.clone(), decision.by_rules, market));
            }
        }
        let category = classifier.category(
            names.iter().copied(),
            group.source_categories.iter().map(String::as_str),
        );
        merged.entries.push(Entry {
            id,
            name,
            name_zh,
            aliases,
            vendor,
            market,
            category,
            parent: group.parent.and_then(parent_id),
            homepage: group.homepage.clone(),
            rules: group.rules.clone(),
            sources: group.sources.clone(),
        });
    }
    merged.entries.sort_by(|a, b| a.id.cmp(&b.id));
    merged.extensions = extensions
        .into_iter()
        .map(|(id, rules)| Extension { id, rules })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_spacing_or_sdk() {
        assert_eq!(name_key("Facebook SDK"), name_key("facebook"));
        assert_eq!(name_key("One Signal"), name_key("OneSignal"));
        assert_ne!(
            name_key("HUAWEI Push"),
            name_key("HUAWEI Push(GeTui Proxy)")
        );
    }

    #[test]
    fn globs_stay_within_a_file_name() {
        assert!(glob_matches("libjcore*.so", "libjcore332.so"));
        assert!(!glob_matches("libjcore*.so", "libjcorex"));
        assert!(glob_matches("lib?.so", "liba.so"));
    }
}
