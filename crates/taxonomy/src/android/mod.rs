//! Compiled Android lookups: framework APIs, static fields, superclasses, string
//! markers and permissions, all keyed for allocation-free lookups from bytecode.
//!
//! * `types`: the rule records (API, marker, permission) the tables hold;
//! * `rules`: [`AndroidRules`], compiled once from the taxonomy, and its lookups;
//! * `method_scan`: [`MethodScan`], the per-method pairing of calls, argument strings
//!   and reflective names.

mod method_scan;
mod rules;
mod types;

pub use method_scan::MethodScan;
pub use rules::AndroidRules;
pub use types::{
    ApiRule, ClassHandle, DataTypeId, DataTypeMeta, MarkerCondition, MarkerRule, PermissionInfo,
    RuleKind,
};

pub(crate) fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::{AndroidRules, DataTypeId};
    use crate::Taxonomy;

    pub(crate) fn rules() -> AndroidRules {
        AndroidRules::new(&Taxonomy::builtin().expect("builtin taxonomy"))
    }

    pub(crate) fn ids(rules: &AndroidRules, types: &[DataTypeId]) -> Vec<String> {
        let mut v: Vec<String> = types
            .iter()
            .filter_map(|t| rules.data_type(*t))
            .map(|m| m.id.clone())
            .collect();
        v.sort();
        v
    }
}
