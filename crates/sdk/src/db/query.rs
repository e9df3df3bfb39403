//! Look-ups: entries by index and id, where each came from, and their families.

use super::SignatureDb;
use crate::schema::Sdk;

impl SignatureDb {
    /// Every SDK, in load order (a [`crate::Hit`]'s `sdk` indexes this slice).
    pub fn sdks(&self) -> &[Sdk] {
        &self.sdks
    }

    /// The SDK with this id.
    pub fn get(&self, id: &str) -> Option<&Sdk> {
        self.index_of(id).and_then(|i| self.sdks.get(i))
    }

    /// The index in [`Self::sdks`] of the SDK with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Whether the SDK at `index` comes from a generated (imported) file.
    pub fn is_generated(&self, index: usize) -> bool {
        self.generated.get(index).copied().unwrap_or(false)
    }

    /// The file the SDK at `index` was loaded from.
    pub fn origin(&self, index: usize) -> Option<&str> {
        self.origins.get(index).map(String::as_str)
    }

    /// Whether `ancestor` is `index` itself or reachable through its `parent` chain.
    pub fn is_within(&self, index: usize, ancestor: usize) -> bool {
        let mut current = Some(index);
        // The chain is acyclic after validation; the bound guards a database built otherwise.
        for _ in 0..=self.sdks.len() {
            match current {
                Some(i) if i == ancestor => return true,
                Some(i) => {
                    current = self
                        .sdks
                        .get(i)
                        .and_then(|s| s.parent.as_deref())
                        .and_then(|p| self.index_of(p))
                }
                None => return false,
            }
        }
        false
    }

    /// The top of an entry's parent chain (itself when it has no parent).
    pub fn family_root(&self, index: usize) -> usize {
        let mut current = index;
        for _ in 0..=self.sdks.len() {
            match self
                .sdks
                .get(current)
                .and_then(|s| s.parent.as_deref())
                .and_then(|p| self.index_of(p))
            {
                Some(parent) => current = parent,
                None => break,
            }
        }
        current
    }
}
