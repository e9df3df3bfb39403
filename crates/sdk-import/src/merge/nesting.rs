//! Nesting across entries, resolved the way the loader demands: an imported rule inside a
//! hand-written one is dropped, a package or Objective-C prefix inside another entry's makes
//! that entry its parent (or is dropped), and a file name a glob of another entry matches goes
//! to the glob's owner.

use super::*;

/// Hand-written rules win: an imported package or class inside a hand-written package rule,
/// or an exact file name a hand-written glob matches, is already named by the hand-written
/// data (which may split it into modules the lists do not know), so it is dropped.
/// Returns how many were dropped.
pub(super) fn drop_inside_hand_written(
    groups: &mut [Group],
    owner: &mut HashMap<(RuleKind, String), Owner>,
    hand_patterns: &HashSet<(RuleKind, String)>,
    fates: &mut BTreeMap<(Source, &'static str), usize>,
) -> usize {
    let hand_globs: Vec<(RuleKind, &String)> = hand_patterns
        .iter()
        .filter(|(k, p)| *k != RuleKind::JavaPackage && is_glob(p))
        .map(|(k, p)| (*k, p))
        .collect();
    let inside = |kind: RuleKind, pattern: &str| -> bool {
        let ns = kind.namespace();
        let own = kind.normalize(pattern);
        if hand_patterns.contains(&(ns, own.clone())) {
            return false; // an identical pattern is the hand-written rule itself
        }
        match ns {
            RuleKind::JavaPackage => {
                enclosing(&own).any(|outer| hand_patterns.contains(&(ns, outer.to_owned())))
            }
            _ => {
                !is_glob(&own)
                    && hand_globs
                        .iter()
                        .any(|(k, g)| *k == ns && glob_matches(g, &own))
            }
        }
    };
    let mut dropped = 0;
    for group in groups.iter_mut() {
        for (kind, rules) in &mut group.rules {
            rules.retain(|r| {
                let keep = !inside(*kind, &r.pattern);
                if !keep {
                    dropped += 1;
                    if let Some(source) = Source::of_origin(&r.origin) {
                        *fates.entry((source, FATE_INSIDE_HAND_WRITTEN)).or_default() += 1;
                    }
                }
                keep
            });
        }
    }
    owner.retain(|(k, p), o| {
        matches!(o, Owner::Hand(_)) && hand_patterns.contains(&(*k, p.clone())) || !inside(*k, p)
    });
    dropped
}

/// The loader refuses an Objective-C prefix inside another family's prefix. An imported
/// prefix that lies inside another family's prefix (`CDVPluginManager`, a Cordova class
/// Capacitor ships, inside Cordova's `CDVPlugin`), or that encloses a hand-written prefix of
/// another family, is dropped and reported.
pub(super) fn resolve_objc_nesting(
    groups: &mut [Group],
    owner: &HashMap<(RuleKind, String), Owner>,
    hand: &SignatureDb,
    conflicts: &mut Vec<String>,
) {
    let kind = RuleKind::ObjcClass;
    let all: BTreeMap<&str, Owner> = owner
        .iter()
        .filter(|((k, _), _)| *k == kind)
        .map(|((_, p), o)| (p.as_str(), *o))
        .collect();
    let mut drop: BTreeMap<String, String> = BTreeMap::new();
    for g in 0..groups.len() {
        let Some(rules) = groups.get(g).and_then(|x| x.rules.get(&kind)) else {
            continue;
        };
        let me = match groups.get(g).and_then(|x| x.extends) {
            Some(h) => Owner::Hand(h),
            None => Owner::Group(g),
        };
        let my_root = root(me, groups, hand);
        for rule in rules {
            let p = rule.pattern.as_str();
            let inside = (3..p.len()).filter_map(|i| p.get(..i)).find_map(|q| {
                let o = *all.get(q)?;
                (root(o, groups, hand) != my_root).then_some(q)
            });
            let around = all
                .range(p..)
                .take_while(|(q, _)| q.starts_with(p))
                .find(|(q, o)| {
                    **q != p
                        && matches!(o, Owner::Hand(_))
                        && !is_imported(groups, **o, kind, q)
                        && root(**o, groups, hand) != my_root
                })
                .map(|(q, _)| *q);
            let why = match (inside, around) {
                (Some(q), _) => format!("it lies inside `{q}` of another family"),
                (None, Some(q)) => format!("it encloses hand-written `{q}` of another family"),
                (None, None) => continue,
            };
            drop.insert(p.to_owned(), why);
        }
    }
    for (p, why) in &drop {
        conflicts.push(format!("{} `{p}` dropped: {why}", kind.key()));
    }
    for group in groups.iter_mut() {
        if let Some(rules) = group.rules.get_mut(&kind) {
            rules.retain(|r| !drop.contains_key(&r.pattern));
        }
    }
}

/// The loader refuses a package rule inside another family's rule. Each imported rule
/// that lies inside another family's rule either joins that family (its entry takes the
/// enclosing entry as `parent`, when it has none yet) or is dropped and reported; an
/// imported rule enclosing a hand-written rule of another family is dropped (too broad).
pub(super) fn resolve_nesting(
    groups: &mut [Group],
    owner: &mut HashMap<(RuleKind, String), Owner>,
    hand: &SignatureDb,
    conflicts: &mut Vec<String>,
) {
    let ns = RuleKind::JavaPackage;
    let mut java: Vec<(String, Owner)> = owner
        .iter()
        .filter(|((k, _), _)| *k == ns)
        .map(|((_, p), o)| (p.clone(), *o))
        .collect();
    java.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));

    // Broad imported rules around hand-written rules of another family.
    let mut dropped: BTreeSet<String> = BTreeSet::new();
    for (pattern, o) in &java {
        let Owner::Hand(h) = o else { continue };
        for outer in enclosing(pattern) {
            let Some(&outer_owner) = owner.get(&(ns, outer.to_owned())) else {
                continue;
            };
            // A new entry's broad rule may enclose hand-written rules (the loader lets
            // hand-written rules refine generated ones); an extension's rule may not, since
            // the entry it extends is hand-written itself.
            let extension_rule = matches!(outer_owner, Owner::Hand(_))
                && is_extension_rule(groups, outer_owner, outer);
            if !extension_rule || dropped.contains(outer) {
                continue;
            }
            if root(outer_owner, groups, hand) != root(Owner::Hand(*h), groups, hand) {
                conflicts.push(format!(
                    "`{}` dropped: it encloses `{}` of hand-written `{}`, of another family",
                    outer.trim_end_matches('.'),
                    pattern.trim_end_matches('.'),
                    hand.sdks().get(*h).map_or("?", |s| s.id.as_str())
                ));
                dropped.insert(outer.to_owned());
            }
        }
    }

    // Inner imported rules, shortest first so that outer entries settle their family first.
    for (pattern, o) in &java {
        if dropped.contains(pattern) {
            continue;
        }
        let own_group = match o {
            Owner::Hand(_) => None,
            Owner::Group(g) => Some(*g),
        };
        // Imported rules only (hand-written nesting is the loader's business, already valid);
        // an extension's rules are imported rules owned by a hand-written entry.
        let imported = own_group.is_some() || is_extension_rule(groups, *o, pattern);
        if !imported {
            continue;
        }
        let outers: Vec<&str> = enclosing(pattern).collect();
        for outer in outers.into_iter().rev() {
            if dropped.contains(outer) {
                continue;
            }
            let Some(&outer_owner) = owner.get(&(ns, outer.to_owned())) else {
                continue;
            };
            if root(outer_owner, groups, hand) == root(*o, groups, hand) {
                continue;
            }
            // An extension's rule belongs to a hand-written entry, which may refine a new
            // (generated) entry's rule.
            if own_group.is_none() && matches!(outer_owner, Owner::Group(_)) {
                continue;
            }
            let joinable = own_group.filter(|&g| {
                groups
                    .get(g)
                    .is_some_and(|x| x.parent.is_none() && x.extends.is_none())
                    && root(outer_owner, groups, hand) != Owner::Group(g)
            });
            match joinable {
                Some(g) => {
                    if let Some(group) = groups.get_mut(g) {
                        group.parent = Some(outer_owner);
                    }
                }
                None => {
                    conflicts.push(format!(
                        "`{}` dropped: it lies inside `{}` of another family",
                        pattern.trim_end_matches('.'),
                        outer.trim_end_matches('.')
                    ));
                    dropped.insert(pattern.clone());
                    break;
                }
            }
        }
    }
    for group in groups.iter_mut() {
        for kind in [RuleKind::JavaPackage, RuleKind::Component] {
            if let Some(rules) = group.rules.get_mut(&kind) {
                rules.retain(|r| !dropped.contains(&kind.normalize(&r.pattern)));
            }
        }
    }
    owner.retain(|(k, p), _| *k != ns || !dropped.contains(p));
}

pub(super) fn is_extension_rule(groups: &[Group], owner: Owner, normalized: &str) -> bool {
    let Owner::Hand(h) = owner else { return false };
    groups.iter().any(|g| {
        g.extends == Some(h)
            && [RuleKind::JavaPackage, RuleKind::Component]
                .iter()
                .any(|k| {
                    g.rules
                        .get(k)
                        .is_some_and(|rs| rs.iter().any(|r| k.normalize(&r.pattern) == normalized))
                })
    })
}

/// An exact file name another family's glob also matches: the exact rule's entry joins the
/// glob's family when it can, otherwise the imported rule of the two is dropped.
pub(super) fn resolve_globs(
    groups: &mut [Group],
    owner: &HashMap<(RuleKind, String), Owner>,
    hand: &SignatureDb,
    conflicts: &mut Vec<String>,
) {
    for kind in [
        RuleKind::NativeLib,
        RuleKind::LibraryMarker,
        RuleKind::IosFramework,
        RuleKind::IosBundleId,
    ] {
        let mut rules: Vec<(&String, Owner)> = owner
            .iter()
            .filter(|((k, _), _)| *k == kind)
            .map(|((_, p), o)| (p, *o))
            .collect();
        rules.sort();
        let globs: Vec<(&String, Owner)> =
            rules.iter().filter(|(p, _)| is_glob(p)).copied().collect();
        let mut drop: BTreeSet<String> = BTreeSet::new();
        for (exact, exact_owner) in rules.iter().filter(|(p, _)| !is_glob(p)) {
            for (glob, glob_owner) in &globs {
                if !glob_matches(glob, exact)
                    || root(*glob_owner, groups, hand) == root(*exact_owner, groups, hand)
                {
                    continue;
                }
                // A hand-written exact name may refine a new entry's glob (the loader allows it).
                let hand_original = matches!(exact_owner, Owner::Hand(_))
                    && !is_imported(groups, *exact_owner, kind, exact);
                if hand_original && matches!(glob_owner, Owner::Group(_)) {
                    continue;
                }
                let joinable = match exact_owner {
                    Owner::Group(g) => groups
                        .get(*g)
                        .is_some_and(|x| x.parent.is_none() && x.extends.is_none())
                        .then_some(*g),
                    Owner::Hand(_) => None,
                };
                if let Some(g) = joinable
                    && root(*glob_owner, groups, hand) != Owner::Group(g)
                {
                    if let Some(group) = groups.get_mut(g) {
                        group.parent = Some(*glob_owner);
                    }
                    continue;
                }
                // Drop whichever of the two is imported (the exact name when both are).
                let victim = if matches!(exact_owner, Owner::Hand(_))
                    && !is_imported(groups, *exact_owner, kind, exact)
                {
                    (*glob).clone()
                } else {
                    (*exact).clone()
                };
                conflicts.push(format!(
                    "{} `{victim}` dropped: `{exact}` is matched by `{glob}` of another family",
                    kind.key()
                ));
                drop.insert(victim);
            }
        }
        for group in groups.iter_mut() {
            if let Some(rs) = group.rules.get_mut(&kind) {
                rs.retain(|r| !drop.contains(&r.pattern));
            }
        }
    }
}
