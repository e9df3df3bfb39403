//! appaudit-ios (under construction)
