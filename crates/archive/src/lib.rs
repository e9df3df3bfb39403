//! appaudit-archive (under construction)
