//! Table header roles (name, purpose, data, package, link, permission, company columns).

use super::*;

/// Column roles of an SDK/permission table, from its header row.
#[derive(Debug, Clone, Default)]
pub(super) struct Roles {
    pub(super) name: Option<usize>,
    pub(super) purpose: Option<usize>,
    pub(super) data: Option<usize>,
    pub(super) package: Option<usize>,
    pub(super) link: Option<usize>,
    pub(super) permission: Option<usize>,
    pub(super) company: Option<usize>,
    pub(super) sdk_table: bool,
}

pub(super) fn classify_header_cell(cell: &str) -> Option<&'static str> {
    let c = cell.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| c.contains(w));
    if c.is_empty() || c.chars().count() > 24 {
        return None;
    }
    if has(&["包名", "package"]) {
        Some("package")
    } else if has(&[
        "链接",
        "link",
        "url",
        "官网",
        "隐私政策",
        "隐私权政策",
        "privacy policy",
    ]) {
        Some("link")
    } else if has(&["权限", "permission"]) {
        Some("permission")
    } else if has(&[
        "个人信息",
        "收集",
        "采集",
        "信息类型",
        "字段",
        "data",
        "information",
        "收集类型",
    ]) {
        Some("data")
    } else if has(&["目的", "用途", "功能", "purpose", "use", "function", "场景"]) {
        Some("purpose")
    } else if has(&[
        "公司",
        "第三方名称",
        "主体",
        "提供方",
        "company",
        "provider",
        "vendor",
    ]) {
        Some("company")
    } else if has(&["名称", "sdk", "name", "服务"]) {
        Some("name")
    } else {
        None
    }
}

/// Header roles per table id, and the set of header lines.
pub(super) fn table_roles(ctx: &Ctx<'_>) -> HashMap<usize, (usize, Roles)> {
    let mut out: HashMap<usize, (usize, Roles)> = HashMap::new();
    for (i, line) in ctx.lines.iter().enumerate() {
        let Some(row) = &line.row else { continue };
        if out.contains_key(&row.table) {
            continue;
        }
        let cells: Vec<&str> = row
            .cells
            .iter()
            .map(|r| line.text.get(r.clone()).unwrap_or_default())
            .collect();
        let mut roles = Roles::default();
        let mut count = 0;
        for (col, cell) in cells.iter().enumerate() {
            let Some(role) = classify_header_cell(cell) else {
                continue;
            };
            count += 1;
            let slot = match role {
                "package" => &mut roles.package,
                "link" => &mut roles.link,
                "permission" => &mut roles.permission,
                "data" => &mut roles.data,
                "purpose" => &mut roles.purpose,
                "company" => &mut roles.company,
                _ => &mut roles.name,
            };
            let strong_purpose = role == "purpose"
                && ["目的", "purpose", "用途"]
                    .iter()
                    .any(|w| cell.to_lowercase().contains(w));
            if slot.is_none() || strong_purpose {
                *slot = Some(col);
            }
        }
        if count >= 2 {
            roles.sdk_table = roles.package.is_some()
                || cells.iter().any(|c| c.to_lowercase().contains("sdk"))
                || (roles.company.is_some() && roles.purpose.is_some());
            out.insert(row.table, (i, roles));
        }
    }
    out
}

pub(super) fn is_header_line(
    roles: &HashMap<usize, (usize, Roles)>,
    line: &Line,
    i: usize,
) -> bool {
    line.row
        .as_ref()
        .and_then(|r| roles.get(&r.table))
        .is_some_and(|(h, _)| *h == i)
}

pub(super) fn roles_for<'r>(
    roles: &'r HashMap<usize, (usize, Roles)>,
    line: &Line,
) -> Option<&'r Roles> {
    line.row
        .as_ref()
        .and_then(|r| roles.get(&r.table))
        .map(|(_, r)| r)
}

pub(super) fn cell_text(line: &Line, col: Option<usize>) -> Option<&str> {
    let row = line.row.as_ref()?;
    let range = row.cells.get(col?)?;
    line.text
        .get(range.clone())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_cells_get_their_roles() {
        assert_eq!(classify_header_cell("SDK名称"), Some("name"));
        assert_eq!(classify_header_cell("第三方公司名称"), Some("company"));
        assert_eq!(classify_header_cell("收集的个人信息"), Some("data"));
        assert_eq!(classify_header_cell("使用目的"), Some("purpose"));
        assert_eq!(classify_header_cell("隐私政策链接"), Some("link"));
        assert_eq!(classify_header_cell("Package name"), Some("package"));
        assert_eq!(
            classify_header_cell("这是一个很长的单元格内容而不是表头它描述了很多东西和更多东西"),
            None
        );
    }
}
