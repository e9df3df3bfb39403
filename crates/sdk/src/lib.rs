//! appaudit-sdk (under construction)
