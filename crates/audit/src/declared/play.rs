//! A Google Play Data safety CSV compared with an Android app (rules AA301 and AA304).

use std::collections::BTreeMap;

use appaudit_model::Inventory;
use appaudit_taxonomy::Taxonomy;

use super::csv::{self, Record};
use super::{DeclaredError, absent, quote, utf8};
use crate::declare::{DeclareEvidence, PlayDataType, draft_play};
use crate::model::{AppEvidence, Finding};
use crate::rules::RuleId;
use crate::rules::{Knowledge, SeverityOf};

/// How many pieces of evidence of one kind a finding lists.
const SAMPLES: usize = 3;

/// The required columns, as `appaudit declare --store play --format csv` names them.
const REQUIRED: [&str; 4] = ["category", "data_type", "collected", "shared"];

/// A Data safety form read from CSV.
#[derive(Debug, Clone)]
pub struct PlayForm {
    /// One row per data type, in file order.
    pub rows: Vec<PlayRow>,
}

/// One row of the form.
#[derive(Debug, Clone)]
pub struct PlayRow {
    /// The row number (the header is row 1).
    pub row: usize,
    /// The line it starts on.
    pub line: usize,
    /// The row's text as written.
    pub text: String,
    /// Google's category (`Personal info`).
    pub category: String,
    /// Google's data type (`Phone number`).
    pub data_type: String,
    /// Declared collected.
    pub collected: bool,
    /// Declared shared.
    pub shared: bool,
}

impl PlayRow {
    fn declares(&self) -> bool {
        self.collected || self.shared
    }
}

/// Reads a Data safety CSV; every category and data type must be one of Google's.
pub(crate) fn parse(
    path: &str,
    bytes: &[u8],
    taxonomy: &Taxonomy,
) -> Result<PlayForm, DeclaredError> {
    let text = utf8(path, bytes)?;
    let cell_error = |row: usize, column: &str, message: String| DeclaredError::Csv {
        path: path.to_owned(),
        row,
        column: column.to_owned(),
        message,
    };
    let records = csv::records(text).map_err(|e| {
        let column = if e.row == 1 {
            format!("{} (in the header)", e.field + 1)
        } else {
            // The header names the column, when the header itself parsed.
            csv::records(text.lines().next().unwrap_or_default())
                .ok()
                .and_then(|h| h.into_iter().next())
                .and_then(|h| h.fields.get(e.field).map(|f| f.trim().to_owned()))
                .unwrap_or_else(|| format!("{}", e.field + 1))
        };
        cell_error(e.row, &column, e.message.to_owned())
    })?;
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Err(DeclaredError::CsvHeader {
            path: path.to_owned(),
            column: "category",
        });
    };
    let names: Vec<String> = header
        .fields
        .iter()
        .map(|f| f.trim().to_ascii_lowercase())
        .collect();
    let mut index = [0usize; 4];
    for (slot, name) in index.iter_mut().zip(REQUIRED) {
        *slot = names
            .iter()
            .position(|n| n == name)
            .ok_or(DeclaredError::CsvHeader {
                path: path.to_owned(),
                column: name,
            })?;
    }
    let [category_at, type_at, collected_at, shared_at] = index;
    let catalogue = &taxonomy.google_play_data_safety.categories;
    let mut rows = Vec::new();
    for record in records {
        let Record {
            row,
            line,
            text,
            fields,
        } = record;
        if fields.len() > names.len() {
            return Err(cell_error(
                row,
                &format!("{} (beyond the header)", names.len() + 1),
                format!(
                    "the row has {} fields, the header {}",
                    fields.len(),
                    names.len()
                ),
            ));
        }
        let cell = |at: usize| -> Result<&str, DeclaredError> {
            fields.get(at).map(|f| f.trim()).ok_or_else(|| {
                cell_error(
                    row,
                    REQUIRED
                        .iter()
                        .zip(index)
                        .find(|(_, i)| *i == at)
                        .map_or("?", |(n, _)| n),
                    format!(
                        "the row ends after {} fields; the header has {}",
                        fields.len(),
                        names.len()
                    ),
                )
            })
        };
        let boolean = |at: usize, name: &str| -> Result<bool, DeclaredError> {
            let value = cell(at)?;
            match value.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Ok(true),
                "false" | "no" | "0" => Ok(false),
                _ => Err(cell_error(
                    row,
                    name,
                    format!("{value:?} is not true or false"),
                )),
            }
        };
        let category = cell(category_at)?;
        let Some(types) = catalogue.get(category) else {
            return Err(cell_error(
                row,
                "category",
                format!(
                    "{category:?} is not one of Google's Data safety categories ({})",
                    catalogue.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        let data_type = cell(type_at)?;
        if !types.iter().any(|t| t == data_type) {
            return Err(cell_error(
                row,
                "data_type",
                format!(
                    "{data_type:?} is not a data type of Google's category {category:?} ({})",
                    types.join(", ")
                ),
            ));
        }
        rows.push(PlayRow {
            row,
            line,
            category: category.to_owned(),
            data_type: data_type.to_owned(),
            collected: boolean(collected_at, "collected")?,
            shared: boolean(shared_at, "shared")?,
            text,
        });
    }
    Ok(PlayForm { rows })
}

fn app_evidence(inv: &Inventory, evidence: &[DeclareEvidence]) -> Vec<AppEvidence> {
    let mut out = Vec::new();
    for kind in ["call_site", "api", "permission", "sdk"] {
        for e in evidence.iter().filter(|e| e.kind == kind).take(SAMPLES) {
            let location = match kind {
                "permission" => inv
                    .permissions
                    .iter()
                    .find(|p| p.name == e.value)
                    .map(|p| p.declared_in.clone())
                    .filter(|d| !d.is_empty()),
                _ => e.file.clone(),
            };
            out.push(AppEvidence {
                kind: if kind == "sdk" { "sdk_usage" } else { kind }.into(),
                location,
                value: e.value.clone(),
                sdk: e.sdk.clone(),
            });
        }
    }
    out
}

fn readers(row: &PlayDataType) -> String {
    let mut who: Vec<String> = Vec::new();
    if row.app_code {
        who.push("the app's own code".to_owned());
    }
    who.extend(row.sdks.iter().map(|s| s.name.clone()));
    who.extend(row.libraries.iter().map(|s| s.name.clone()));
    if who.is_empty() {
        who.push("a bundled SDK of that purpose".to_owned());
    }
    who.join(", ")
}

/// The findings of a Data safety form against the app's draft.
pub(crate) fn compare(
    inv: &Inventory,
    path: &str,
    form: &PlayForm,
    know: Knowledge<'_>,
    severity: SeverityOf<'_>,
) -> Result<Vec<Finding>, DeclaredError> {
    let draft = draft_play(inv, know.taxonomy, know.signatures)?;
    // Duplicate rows of a type: what any of them declares counts.
    let mut declared: BTreeMap<(&str, &str), Vec<&PlayRow>> = BTreeMap::new();
    for r in &form.rows {
        declared
            .entry((r.category.as_str(), r.data_type.as_str()))
            .or_default()
            .push(r);
    }
    let mut findings = Vec::new();
    let missing = RuleId::DeclaredDataMissing;
    for row in &draft.data_types {
        let key = (row.category.as_str(), row.data_type.as_str());
        let rows = declared.get(&key).map(Vec::as_slice).unwrap_or_default();
        // A source that maps to several Google types (`Photos / Videos`) is declared by any of
        // them: the draft asks to pick.
        let siblings: Vec<&PlayRow> = draft
            .data_types
            .iter()
            .filter(|o| {
                row.choose_among_alternatives
                    && o.category == row.category
                    && o.sources.iter().any(|s| row.sources.contains(s))
            })
            .filter_map(|o| declared.get(&(o.category.as_str(), o.data_type.as_str())))
            .flatten()
            .copied()
            .collect();
        let rows: Vec<&PlayRow> = if rows.is_empty() {
            siblings
        } else {
            rows.to_vec()
        };
        let collected = rows.iter().any(|r| r.declares());
        let shared = rows.iter().any(|r| r.shared);
        let name = if row.data_type == row.category {
            row.data_type.clone()
        } else {
            format!("{} ({})", row.data_type, row.category)
        };
        let file_side = || match rows.first() {
            Some(r) => quote(
                path,
                &r.text,
                Some(r.line),
                format!(
                    "row {}: collected {}, shared {}",
                    r.row,
                    rows.iter().any(|r| r.collected),
                    shared
                ),
            ),
            None => absent(path, format!("the form has no row for {name}")),
        };
        let (lowered, message) = if row.collected && !collected {
            let how = if row.basis == "code" {
                format!("is read by {}", readers(row))
            } else {
                format!(
                    "is collected by the purpose of {}, which the app calls",
                    readers(row)
                )
            };
            (
                false,
                format!("{name} {how}, but the Data safety form does not declare it collected"),
            )
        } else if row.collected && !row.sdks.is_empty() && !shared {
            let names: Vec<&str> = row.sdks.iter().map(|s| s.name.as_str()).collect();
            (
                true,
                format!(
                    "{name} is read by third-party SDKs ({}), but the form declares it not shared (right only if they process it solely as your service providers)",
                    names.join(", ")
                ),
            )
        } else if !row.collected && rows.is_empty() {
            let why = if row.basis == "permission_only" {
                "a requested permission grants it (no read seen in code)"
            } else {
                "an SDK of that purpose is bundled (never called)"
            };
            (
                true,
                format!("{name}: {why}, and the Data safety form has no row for it"),
            )
        } else {
            continue;
        };
        let base = severity(missing);
        let mut f = Finding::new(
            missing,
            if lowered { base.lowered() } else { base },
            message,
        );
        f.data_type = Some(row.data_type.clone());
        f.app_evidence = app_evidence(inv, &row.evidence);
        f.policy_evidence.push(file_side());
        findings.push(f);
    }
    let unsupported = RuleId::DeclaredWithoutEvidence;
    for ((category, data_type), rows) in &declared {
        let shown = draft
            .data_types
            .iter()
            .any(|r| r.category == *category && r.data_type == *data_type);
        let Some(r) = rows.iter().find(|r| r.declares()) else {
            continue;
        };
        if shown {
            continue;
        }
        let mut f = Finding::new(
            unsupported,
            severity(unsupported),
            format!(
                "{data_type} ({category}) is declared {}, but the app shows no sign of it (no permission, API, call site or SDK)",
                if r.collected { "collected" } else { "shared" }
            ),
        );
        f.data_type = Some((*data_type).to_owned());
        f.policy_evidence
            .push(quote(path, &r.text, Some(r.line), format!("row {}", r.row)));
        findings.push(f);
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<PlayForm, DeclaredError> {
        parse("f.csv", text.as_bytes(), &Taxonomy::builtin().unwrap())
    }

    #[test]
    fn reads_the_columns_declare_writes_and_ignores_the_rest() {
        let text = format!(
            "{}\nContacts,Contacts,true,false,code,true,,,,contacts,android.permission.READ_CONTACTS,,\n\"Personal info\",\"Phone number\",FALSE,no,permission_only,,,,,,,,\n",
            crate::declare::PLAY_CSV_COLUMNS.join(",")
        );
        let form = parse_text(&text).unwrap();
        assert_eq!(form.rows.len(), 2);
        let r = &form.rows[1];
        assert_eq!((r.row, r.line), (3, 3));
        assert_eq!(
            (
                r.category.as_str(),
                r.data_type.as_str(),
                r.collected,
                r.shared
            ),
            ("Personal info", "Phone number", false, false)
        );
        assert!(form.rows[0].collected && !form.rows[0].shared);
    }

    #[test]
    fn a_minimal_header_in_any_order_is_enough() {
        let form =
            parse_text("shared, Data_Type ,collected,category\ntrue,Contacts,true,Contacts\n")
                .unwrap();
        assert!(form.rows[0].shared && form.rows[0].collected);
    }

    #[test]
    fn errors_name_the_row_and_the_column_header() {
        let head = "category,data_type,collected,shared\n";
        let cases = [
            (
                "Contacts,Contacts,maybe,false\n",
                "f.csv: row 2, column collected: \"maybe\" is not true or false",
            ),
            (
                "Contacts,Contacts,true\n",
                "f.csv: row 2, column shared: the row ends after 3 fields; the header has 4",
            ),
            (
                "Contacts,Contacts,true,false,extra\n",
                "f.csv: row 2, column 5 (beyond the header): the row has 5 fields, the header 4",
            ),
            (
                "Contacts,Contacts,true,false\nContacts,\"Cont\nacts,true,false\n",
                "f.csv: row 3, column data_type: a quoted field is not closed before the end of the file",
            ),
        ];
        for (body, want) in cases {
            let err = parse_text(&format!("{head}{body}"))
                .unwrap_err()
                .to_string();
            assert_eq!(err, want);
        }
        let err = parse_text(&format!("{head}Contacts,Phone number,true,false\n"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("f.csv: row 2, column data_type: \"Phone number\" is not a data type of Google's category \"Contacts\""),
            "{err}"
        );
        let err = parse_text(&format!("{head}Contact,Contacts,true,false\n"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("f.csv: row 2, column category:"), "{err}");
        let err = parse_text("category,type,collected,shared\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no `data_type` column"), "{err}");
        assert!(
            parse_text("")
                .unwrap_err()
                .to_string()
                .contains("no `category`")
        );
    }
}
