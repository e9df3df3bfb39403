//! Inputs that once crashed a parser, replayed forever.

/// Found by the `macho` fuzz target: an LC_MAIN entry offset whose `__TEXT`
/// segment has `fileoff > vmaddr` made goblin's unchecked `vmaddr - fileoff`
/// overflow and panic (goblin 0.10.7, src/mach/mod.rs:280). It must be a clean
/// error naming the load command instead.
#[test]
fn regression_lc_main_entry_overflow_is_a_clean_error() {
    let bytes = include_bytes!("data/regression_lc_main_entry_overflow.macho");
    let result = appaudit_ios::MachOFacts::parse(bytes);
    match result {
        Err(e) => assert!(e.to_string().contains("LC_MAIN"), "{e}"),
        // A fat file may keep other slices: then the bad one must be a warning.
        Ok(facts) => assert!(
            facts.warnings.iter().any(|w| w.contains("LC_MAIN")),
            "{:?}",
            facts.warnings
        ),
    }
}
