//! appaudit-dex (under construction)
