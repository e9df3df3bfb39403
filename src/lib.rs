//! appaudit
