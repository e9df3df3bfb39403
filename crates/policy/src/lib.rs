//! appaudit-policy (under construction)
