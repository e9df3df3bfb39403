//! The collector that merges facts over slices and archive members, and its final sort.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::names::format_version;
use super::{Container, MAX_ITEMS, MAX_STRING_LEN, MachOFacts, SliceFacts};

/// Collects facts while the parse walks slices and members.
#[derive(Default)]
pub(super) struct Collector {
    pub(super) slices: Vec<SliceFacts>,
    pub(super) platforms: BTreeSet<String>,
    pub(super) min_os: BTreeMap<String, u32>,
    pub(super) encrypted: bool,
    pub(super) install_name: Option<String>,
    pub(super) linked_libraries: BTreeSet<String>,
    pub(super) defined_classes: BTreeSet<String>,
    pub(super) undefined_classes: BTreeSet<String>,
    pub(super) objc_class_names: BTreeSet<String>,
    pub(super) selectors: BTreeSet<String>,
    pub(super) undefined_symbols: BTreeSet<String>,
    pub(super) defined_symbols: HashSet<String>,
    pub(super) swift_types: BTreeSet<String>,
    pub(super) warnings: Vec<String>,
    pub(super) truncated: BTreeSet<&'static str>,
}

impl Collector {
    pub(super) fn insert(&mut self, list: List, value: &str) {
        if value.is_empty() || value.len() > MAX_STRING_LEN {
            return;
        }
        let (set, name) = match list {
            List::Libraries => (&mut self.linked_libraries, "linked libraries"),
            List::DefinedClasses => (&mut self.defined_classes, "defined classes"),
            List::UndefinedClasses => (&mut self.undefined_classes, "imported classes"),
            List::ClassNames => (&mut self.objc_class_names, "ObjC class names"),
            List::Selectors => (&mut self.selectors, "selectors"),
            List::Undefined => (&mut self.undefined_symbols, "imported symbols"),
            List::Swift => (&mut self.swift_types, "Swift types"),
        };
        if set.len() >= MAX_ITEMS {
            if !set.contains(value) {
                self.truncated.insert(name);
            }
            return;
        }
        if !set.contains(value) {
            set.insert(value.to_owned());
        }
    }
}

#[derive(Clone, Copy)]
pub(super) enum List {
    Libraries,
    DefinedClasses,
    UndefinedClasses,
    ClassNames,
    Selectors,
    Undefined,
    Swift,
}

impl Collector {
    pub(super) fn finish(self, container: Container) -> MachOFacts {
        let mut warnings = self.warnings;
        for list in &self.truncated {
            warnings.push(format!("only the first {MAX_ITEMS} {list} kept"));
        }
        // In an archive, one member's undefined symbol may be defined by another member.
        let imported_symbols: Vec<String> = self
            .undefined_symbols
            .into_iter()
            .filter(|s| !self.defined_symbols.contains(s))
            .collect();
        let imported_classes: Vec<String> = self
            .undefined_classes
            .into_iter()
            .filter(|c| !self.defined_classes.contains(c))
            .collect();
        let mut archs: Vec<String> = Vec::new();
        for slice in &self.slices {
            for arch in slice.arch.split('+').filter(|a| !a.is_empty()) {
                if !archs.iter().any(|a| a == arch) {
                    archs.push(arch.to_owned());
                }
            }
        }
        MachOFacts {
            container,
            archs,
            platforms: self.platforms.into_iter().collect(),
            min_os: self.min_os.values().min().copied().map(format_version),
            encrypted: self.encrypted,
            install_name: self.install_name,
            linked_libraries: self.linked_libraries.into_iter().collect(),
            defined_classes: self.defined_classes.into_iter().collect(),
            imported_classes,
            objc_class_names: self.objc_class_names.into_iter().collect(),
            selectors: self.selectors.into_iter().collect(),
            imported_symbols,
            swift_types: self.swift_types.into_iter().collect(),
            slices: self.slices,
            warnings,
        }
    }
}
