//! The HTML dashboard in a real headless browser (Debian's `chromium`, with `fonts-noto-cjk`):
//! it loads from a file with the network off, its own script runs under its CSP, every
//! finding, summary count, SDK and the who-reads-what heat map are in the rendered DOM with
//! the numbers of the JSON report of the same audit, the filters work, nothing overflows the
//! page at 1280 and 800 pixels, and a screenshot per case is not blank and shows the verdict
//! colour in the first screen. Screenshots are kept under `target/html-screenshots/`.
//! Needs `chromium` (`apt-get install -y chromium`); set `APPAUDIT_SKIP_BROWSER=1` to skip knowingly.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn chromium() -> Option<&'static str> {
    for candidate in ["chromium", "chromium-browser"] {
        if Command::new(candidate)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Some(candidate);
        }
    }
    if std::env::var("APPAUDIT_SKIP_BROWSER").as_deref() == Ok("1") {
        return None;
    }
    panic!(
        "chromium is not installed: `apt-get install -y chromium` (or set APPAUDIT_SKIP_BROWSER=1)"
    );
}

/// Runs headless chromium on `page` with `extra` flags (bounded by `timeout`); returns stdout.
fn browse(browser: &str, page: &Path, width: u32, height: u32, extra: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = vec![
        "120".into(),
        browser.into(),
        "--headless".into(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--hide-scrollbars".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--no-first-run".into(),
        "--disable-sync".into(),
        "--lang=en-US".into(),
        format!("--window-size={width},{height}"),
        format!("--user-data-dir={}", profile.path().display()),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args.push(format!("file://{}", page.display()));
    let output = Command::new("timeout")
        .args(&args)
        .output()
        .expect("run chromium");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Measures the laid-out page and exercises the filters; writes a JSON object into `#probe`.
/// Run on a copy of the report without its CSP (the probe is not one of the hashed scripts).
const PROBE: &str = r#"<script>(function(){
var d=document.documentElement, r={};
r.scrollWidth=d.scrollWidth; r.clientWidth=d.clientWidth;
var all=[].slice.call(document.querySelectorAll('section.finding'));
r.findings=all.length;
r.filtersShown=!document.getElementById('filters').hidden;
var sel=document.querySelector('#filters select[name=severity]');
r.bySeverity={};
[].slice.call(sel.options).forEach(function(o){ if(!o.value) return;
  sel.value=o.value; sel.dispatchEvent(new Event('change'));
  r.bySeverity[o.value]={shown:all.filter(function(e){return !e.hidden;}).length,
    label:document.getElementById('shown').textContent,
    wrong:all.filter(function(e){return !e.hidden && e.getAttribute('data-severity')!==o.value;}).length};
});
sel.value=''; sel.dispatchEvent(new Event('change'));
var sdk=document.querySelector('#filters select[name=sdk]');
r.bySdk={};
[].slice.call(sdk.options).forEach(function(o){ if(!o.value) return;
  sdk.value=o.value; sdk.dispatchEvent(new Event('change'));
  r.bySdk[o.value]=all.filter(function(e){return !e.hidden;}).length;
});
sdk.value=''; sdk.dispatchEvent(new Event('change'));
r.afterReset=all.filter(function(e){return !e.hidden;}).length;
r.wide=[].slice.call(document.querySelectorAll('body *')).filter(function(e){
  if (e.closest('.scroll') && !e.classList.contains('scroll')) return false;
  return e.getBoundingClientRect().right > d.clientWidth + 1;
}).map(function(e){return e.tagName+'#'+e.id+'.'+e.className;}).slice(0,8);
var v=document.getElementById('verdict').getBoundingClientRect();
r.verdictTop=v.top; r.verdictBottom=v.bottom;
r.heatCols=[].slice.call(document.querySelectorAll('#heatmap text.col')).map(function(t){return t.querySelector('title').textContent;});
r.heatRows=document.querySelectorAll('#heatmap text.row').length;
r.heatCells=document.querySelectorAll('#heatmap rect.cell').length;
r.matrixRows=document.querySelectorAll('#matrix tbody tr').length;
r.sdkRows=document.querySelectorAll('#sdk-table tbody tr').length;
r.cards={};
['severity','disclosure'].forEach(function(k){
  [].slice.call(document.querySelectorAll('[data-'+k+']')).forEach(function(li){
    if (li.tagName==='LI') r.cards[li.getAttribute('data-'+k)]=+li.querySelector('b').textContent; });
});
r.categories={};
[].slice.call(document.querySelectorAll('#card-sdks li[data-category]')).forEach(function(li){
  r.categories[li.getAttribute('data-category')]=parseInt(li.querySelector('b').textContent,10); });
r.navTargets=[].slice.call(document.querySelectorAll('nav a')).map(function(a){
  return !!document.getElementById(a.getAttribute('href').slice(1)); });
r.fontFamily=getComputedStyle(document.body).fontFamily;
var p=document.createElement('pre'); p.id='probe'; p.textContent=JSON.stringify(r);
document.body.appendChild(p);
})();</script>"#;

/// Pixels of a PNG (8-bit RGB or RGBA, non-interlaced, as chromium writes them), as RGB rows.
fn png_pixels(path: &Path) -> (usize, usize, Vec<[u8; 3]>) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let (mut width, mut height, mut channels) = (0usize, 0usize, 0usize);
    let mut idat = Vec::new();
    let mut pos = 8;
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let data = &bytes[pos + 8..pos + 8 + len];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[0..4].try_into().unwrap()) as usize;
                height = u32::from_be_bytes(data[4..8].try_into().unwrap()) as usize;
                assert_eq!(data[8], 8, "bit depth");
                channels = match data[9] {
                    2 => 3,
                    6 => 4,
                    other => panic!("PNG colour type {other}"),
                };
                assert_eq!(data[12], 0, "interlaced PNG");
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        pos += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .unwrap();
    let stride = width * channels;
    assert_eq!(raw.len(), height * (stride + 1), "PNG data size");
    let mut prev = vec![0u8; stride];
    let mut pixels = Vec::with_capacity(width * height);
    for row in raw.chunks(stride + 1) {
        let filter = row[0];
        let mut cur = row[1..].to_vec();
        for i in 0..stride {
            let a = if i >= channels { cur[i - channels] } else { 0 };
            let b = prev[i];
            let c = if i >= channels { prev[i - channels] } else { 0 };
            let add = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                other => panic!("PNG filter {other}"),
            };
            cur[i] = cur[i].wrapping_add(add);
        }
        for px in cur.chunks(channels) {
            pixels.push([px[0], px[1], px[2]]);
        }
        prev = cur;
    }
    (width, height, pixels)
}

struct Case {
    name: &'static str,
    apk: PathBuf,
    policy: PathBuf,
}

/// Writes the HTML and JSON reports of one audit; returns (html path, parsed JSON).
fn audit_both(case: &Case, dir: &Path) -> (PathBuf, serde_json::Value) {
    let html = dir.join(format!("{}.html", case.name));
    let json = dir.join(format!("{}.json", case.name));
    for (format, out) in [("html", &html), ("json", &json)] {
        let (code, _, stderr) = appaudit(&[
            "audit",
            case.apk.to_str().unwrap(),
            "--policy",
            case.policy.to_str().unwrap(),
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(code == 0 || code == 1, "{stderr}");
    }
    let report = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    (html, report)
}

fn screenshots_dir() -> PathBuf {
    let dir = repo().join("target/html-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn check_case(browser: &str, case: &Case) {
    let dir = tempfile::tempdir().unwrap();
    let (html, report) = audit_both(case, dir.path());
    let source = std::fs::read_to_string(&html).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let sdks = report["inventory"]["sdks"].as_array().unwrap();
    let disclosures = report["disclosures"].as_array().unwrap();

    // Self-contained: nothing to fetch, one script (ours), a CSP that forbids loading.
    // (A policy may quote a URL as text; only markup that would fetch it matters.)
    for needle in [
        "<link",
        "src=",
        "href=\"http",
        "href=\"//",
        "url(",
        "@import",
    ] {
        assert!(
            !source.contains(needle),
            "{}: external content: {needle}",
            case.name
        );
    }
    assert_eq!(source.matches("<script").count(), 1, "{}", case.name);
    assert!(source.contains("content=\"default-src 'none'; style-src 'sha256-"));

    // 1. The page as shipped: its script ran under its own CSP (filters un-hidden, count set).
    let dom = browse(browser, &html, 1280, 900, &["--dump-dom"]);
    assert!(dom.contains("</html>"), "{}: no DOM", case.name);
    assert!(
        dom.contains("<div id=\"filters\">"),
        "{}: the filter script did not run under the page's CSP",
        case.name
    );
    for (i, f) in findings.iter().enumerate() {
        let rule = f["rule"].as_str().unwrap();
        let section = format!("id=\"finding-{}\" data-rule=\"{rule}\"", i + 1);
        assert!(dom.contains(&section), "finding {} ({rule}) missing", i + 1);
    }
    assert!(!dom.contains(&format!("id=\"finding-{}\"", findings.len() + 1)));
    let verdict = report["verdict"].as_str().unwrap().to_uppercase();
    assert!(dom.contains(&format!("id=\"verdict\">{verdict}<")));

    // 2. Layout and behaviour, measured in the page at two widths.
    let probed = dir.path().join(format!("{}-probe.html", case.name));
    let csp_start = source
        .find("<meta http-equiv=\"Content-Security-Policy\"")
        .unwrap();
    let csp_end = csp_start + source[csp_start..].find('>').unwrap() + 1;
    let without_csp = format!("{}{}", &source[..csp_start], &source[csp_end..]);
    std::fs::write(
        &probed,
        without_csp.replace("</body></html>", &format!("{PROBE}</body></html>")),
    )
    .unwrap();
    for width in [1280u32, 800] {
        let dom = browse(browser, &probed, width, 900, &["--dump-dom"]);
        let start = dom.find("<pre id=\"probe\">").expect("probe ran") + 16;
        let end = start + dom[start..].find("</pre>").unwrap();
        let text = dom[start..end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        let r: serde_json::Value = serde_json::from_str(&text).unwrap();
        let ctx = format!("{} at {width}px: {r}", case.name);
        assert!(
            r["scrollWidth"].as_u64() <= r["clientWidth"].as_u64(),
            "horizontal overflow: {ctx}"
        );
        assert_eq!(r["wide"], serde_json::json!([]), "elements too wide: {ctx}");
        assert_eq!(r["findings"].as_u64(), Some(findings.len() as u64), "{ctx}");
        assert_eq!(r["filtersShown"], true, "{ctx}");
        // Severity filter: exactly the JSON's findings of that severity are shown.
        for (sev, got) in r["bySeverity"].as_object().unwrap() {
            let want = findings.iter().filter(|f| f["severity"] == *sev).count();
            assert_eq!(got["shown"].as_u64(), Some(want as u64), "{sev}: {ctx}");
            assert_eq!(got["label"].as_str(), Some(want.to_string().as_str()));
            assert_eq!(got["wrong"].as_u64(), Some(0), "{ctx}");
        }
        // SDK filter: the findings whose SDK, or evidence SDK, is that one.
        for (sdk, got) in r["bySdk"].as_object().unwrap() {
            let want = findings
                .iter()
                .filter(|f| {
                    f["sdk"].as_str() == Some(sdk)
                        || f["app_evidence"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|e| e["sdk"].as_str() == Some(sdk))
                })
                .count();
            assert_eq!(got.as_u64(), Some(want as u64), "{sdk}: {ctx}");
        }
        assert_eq!(r["afterReset"].as_u64(), Some(findings.len() as u64));
        // Summary cards equal the JSON's counts.
        for sev in ["high", "medium", "low", "info"] {
            assert_eq!(
                r["cards"][sev].as_u64(),
                report["summary"][sev].as_u64(),
                "{sev}: {ctx}"
            );
        }
        for class in ["clear", "vague", "omitted", "incorrect"] {
            let want = disclosures
                .iter()
                .filter(|d| d["disclosure"] == class)
                .count();
            assert_eq!(
                r["cards"][class].as_u64(),
                Some(want as u64),
                "{class}: {ctx}"
            );
        }
        for (category, n) in r["categories"].as_object().unwrap() {
            let want = sdks.iter().filter(|s| s["category"] == *category).count();
            assert_eq!(n.as_u64(), Some(want as u64), "{category}: {ctx}");
        }
        let categorised: u64 = r["categories"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(categorised, sdks.len() as u64);
        // The heat map: SDK names (not ids) as columns, one row per data type, one cell per reader.
        let mut readers: Vec<Option<&str>> = disclosures
            .iter()
            .flat_map(|d| d["readers"].as_array().unwrap())
            .map(|r| r["sdk"].as_str())
            .collect();
        readers.sort();
        readers.dedup();
        let names: Vec<String> = readers
            .iter()
            .map(|id| match id {
                None => "app".to_owned(),
                Some(id) => sdks
                    .iter()
                    .find(|s| s["id"] == *id)
                    .and_then(|s| s["name"].as_str())
                    .unwrap_or(id)
                    .to_owned(),
            })
            .collect();
        assert_eq!(r["heatCols"], serde_json::json!(names), "{ctx}");
        assert_eq!(r["heatRows"].as_u64(), Some(disclosures.len() as u64));
        let cells: usize = disclosures
            .iter()
            .map(|d| d["readers"].as_array().unwrap().len())
            .sum();
        assert_eq!(r["heatCells"].as_u64(), Some(cells as u64), "{ctx}");
        assert_eq!(r["matrixRows"].as_u64(), Some(disclosures.len() as u64));
        assert_eq!(r["sdkRows"].as_u64(), Some(sdks.len() as u64));
        assert!(
            r["navTargets"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t == true),
            "a navigation link has no target: {ctx}"
        );
        // The verdict is on the first screen.
        assert!(r["verdictBottom"].as_f64().unwrap() < 900.0, "{ctx}");
        assert!(
            r["fontFamily"]
                .as_str()
                .unwrap()
                .contains("Noto Sans CJK SC")
        );
    }

    // 3. Screenshots: not blank, the verdict's colour in the first screen.
    let shots = screenshots_dir();
    for width in [1280u32, 800] {
        let png = shots.join(format!("{}-{width}.png", case.name));
        let _ = std::fs::remove_file(&png);
        browse(
            browser,
            &html,
            width,
            900,
            &[&format!("--screenshot={}", png.display())],
        );
        let (w, h, pixels) = png_pixels(&png);
        assert_eq!((w, h), (width as usize, 900), "{}", png.display());
        let background = pixels
            .iter()
            .filter(|p| p[0] > 240 && p[1] > 240 && p[2] > 240)
            .count();
        let ink = pixels.len() - background;
        assert!(
            ink * 20 > pixels.len(),
            "{}: mostly blank ({ink} of {} pixels drawn)",
            png.display(),
            pixels.len()
        );
        // FAIL is #c62828, PASS #2e7d32 (style.css); allow for anti-aliasing.
        let target: [u8; 3] = if verdict == "FAIL" {
            [0xc6, 0x28, 0x28]
        } else {
            [0x2e, 0x7d, 0x32]
        };
        let near = pixels
            .iter()
            .filter(|p| p.iter().zip(target).all(|(a, b)| a.abs_diff(b) <= 8))
            .count();
        assert!(
            near > 200,
            "{}: verdict colour not on screen",
            png.display()
        );
    }
}

#[test]
fn dashboard_renders_the_demo_audit_in_headless_chromium() {
    let Some(browser) = chromium() else { return };
    check_case(
        browser,
        &Case {
            name: "demo",
            apk: repo().join("samples/appaudit-demo.apk"),
            policy: repo().join("samples/appaudit-demo-privacy.txt"),
        },
    );
}

#[test]
fn dashboard_renders_a_chinese_policy_case_in_headless_chromium() {
    let Some(browser) = chromium() else { return };
    // The demo app against a Chinese policy with an SDK table: Chinese quotes in the evidence.
    let case = Case {
        name: "zh-policy",
        apk: repo().join("samples/appaudit-demo.apk"),
        policy: repo().join("tests/policies/samples/zh_sdk_table.html"),
    };
    check_case(browser, &case);
    let dir = tempfile::tempdir().unwrap();
    let (html, report) = audit_both(&case, dir.path());
    let source = std::fs::read_to_string(html).unwrap();
    let quote = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["policy_evidence"].as_array().unwrap())
        .find_map(|e| e["quote"].as_str().filter(|q| !q.is_ascii()))
        .expect("a Chinese quote in the evidence");
    assert!(source.contains(quote.replace('&', "&amp;").replace('<', "&lt;").as_str()));
    // The machine has a CJK font for the screenshot (fonts-noto-cjk, installed by .ci/run).
    let fonts = tool("fc-list", &[":lang=zh"]);
    assert!(fonts.contains("Noto Sans CJK"), "fonts-noto-cjk missing");
}
