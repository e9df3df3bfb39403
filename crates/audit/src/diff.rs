//! `appaudit diff old.apk new.apk`: SDKs, permissions and data types that appeared or vanished.

use std::collections::BTreeSet;

use appaudit_model::Inventory;
use serde::Serialize;

/// What was added and removed in one dimension.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Change {
    /// In the new build only.
    pub added: Vec<String>,
    /// In the old build only.
    pub removed: Vec<String>,
}

impl Change {
    fn between(old: BTreeSet<String>, new: BTreeSet<String>) -> Change {
        Change {
            added: new.difference(&old).cloned().collect(),
            removed: old.difference(&new).cloned().collect(),
        }
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// Differences between two builds.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InventoryDiff {
    /// The old file.
    pub old: String,
    /// The new file.
    pub new: String,
    /// SDK ids.
    pub sdks: Change,
    /// Permission names.
    pub permissions: Change,
    /// Data types read in code (by the app or an SDK).
    pub data_types: Change,
    /// `reader → data type` pairs (`umeng-common → imei`, `app → clipboard`).
    pub readers: Change,
}

impl InventoryDiff {
    /// Whether the builds are the same in every dimension compared.
    pub fn is_empty(&self) -> bool {
        self.sdks.is_empty()
            && self.permissions.is_empty()
            && self.data_types.is_empty()
            && self.readers.is_empty()
    }
}

fn code_reads(inv: &Inventory) -> BTreeSet<String> {
    inv.data_access
        .iter()
        .filter(|a| !a.accessors.is_empty())
        .map(|a| a.data_type.clone())
        .collect()
}

fn reader_pairs(inv: &Inventory) -> BTreeSet<String> {
    inv.data_access
        .iter()
        .flat_map(|a| {
            a.accessors
                .iter()
                .map(move |x| format!("{} → {}", x.sdk.as_deref().unwrap_or("app"), a.data_type))
        })
        .collect()
}

/// Compares two inventories.
pub fn diff(old: &Inventory, new: &Inventory) -> InventoryDiff {
    InventoryDiff {
        old: old.source.path.clone(),
        new: new.source.path.clone(),
        sdks: Change::between(
            old.sdks.iter().map(|s| s.id.clone()).collect(),
            new.sdks.iter().map(|s| s.id.clone()).collect(),
        ),
        permissions: Change::between(
            old.permissions.iter().map(|p| p.name.clone()).collect(),
            new.permissions.iter().map(|p| p.name.clone()).collect(),
        ),
        data_types: Change::between(code_reads(old), code_reads(new)),
        readers: Change::between(reader_pairs(old), reader_pairs(new)),
    }
}
