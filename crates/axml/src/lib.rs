//! appaudit-axml (under construction)
