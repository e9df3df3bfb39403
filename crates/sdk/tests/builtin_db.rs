//! Invariants of the signature database shipped in `sdk-signatures/`.

use std::collections::HashSet;

use appaudit_sdk::{Market, Matcher, RuleKind, SignatureDb};

fn db() -> SignatureDb {
    SignatureDb::builtin().unwrap_or_else(|e| panic!("builtin signatures: {e}"))
}

#[test]
fn builtin_loads_with_enough_sdks() {
    let db = db();
    let total = db.sdks().len();
    let cn = db.sdks().iter().filter(|s| s.market == Market::Cn).count();
    assert!(total >= 200, "only {total} SDKs");
    assert!(cn >= 80, "only {cn} Chinese-market SDKs");
}
