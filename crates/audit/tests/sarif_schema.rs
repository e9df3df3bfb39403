//! appaudit's SARIF validates against the official SARIF 2.1.0 schema (copied in this folder,
//! see SARIF-SCHEMA-NOTICE.md). The sample is the demo audit; `tests/audit_demo.rs` at the
//! repository root keeps it equal to the current output.

use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(include_str!("sarif-schema-2.1.0.json")).expect("schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema())
        .expect("the official schema compiles")
}

fn sample() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../samples/appaudit-demo.sarif"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("sample is JSON")
}

fn errors(instance: &Value) -> Vec<String> {
    validator()
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn demo_sarif_is_valid_sarif_2_1_0() {
    let sarif = sample();
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    let errs = errors(&sarif);
    assert!(errs.is_empty(), "{errs:#?}");
}

#[test]
fn the_validator_rejects_broken_sarif() {
    // Proves the validation above can fail: each mutation breaks one schema constraint.
    let mut bad_level = sample();
    bad_level["runs"][0]["results"][0]["level"] = Value::from("severe");
    assert!(!errors(&bad_level).is_empty());
    let mut bad_line = sample();
    let loc = &mut bad_line["runs"][0]["results"][0]["locations"][1]["physicalLocation"];
    loc["region"] = serde_json::json!({ "startLine": 0 });
    assert!(!errors(&bad_line).is_empty());
    let mut extra = sample();
    extra["runs"][0]["unknownProperty"] = Value::from(1);
    assert!(!errors(&extra).is_empty());
}
