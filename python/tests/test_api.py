"""scan(), read_policy() and audit() return exactly what the CLI prints, and raise what it says."""

from __future__ import annotations

import json
import sys
import threading
import zipfile
from pathlib import Path

import pytest

import appaudit
from appaudit import _native

from conftest import DEMO_APK, DEMO_POLICY, REPO, cli_error


def test_scan_equals_cli_json_on_demo_app(cli_json):
    assert appaudit.scan(DEMO_APK) == cli_json("scan", DEMO_APK, "--format", "json")


def test_scan_str_path_and_pathlib_agree():
    assert appaudit.scan(str(DEMO_APK)) == appaudit.scan(DEMO_APK)


def test_scan_bytes_equals_scan_path_when_named_alike():
    data = DEMO_APK.read_bytes()
    assert appaudit.scan(data, name=str(DEMO_APK)) == appaudit.scan(DEMO_APK)
    assert appaudit.scan(bytearray(data), name=str(DEMO_APK)) == appaudit.scan(DEMO_APK)


@pytest.fixture(scope="module")
def corpus_rows(corpus, cli):
    code, out, err = cli("scan", corpus, "--format", "jsonl", "-q")
    assert code in (0, 2), err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) > 40, f"only {len(rows)} corpus inputs"
    return rows


def test_scan_equals_cli_on_every_corpus_input(corpus, corpus_rows):
    inputs = appaudit.collect_inputs(corpus)
    assert [r.get("path") or r["source"]["path"] for r in corpus_rows] == inputs
    for path, row in zip(inputs, corpus_rows):
        if "error" in row:
            with pytest.raises(appaudit.AppauditError) as e:
                appaudit.scan(path)
            assert str(e.value) == row["error"]
        else:
            assert appaudit.scan(path) == row, path


def test_skip_code_scan_equals_cli(cli_json, corpus):
    apk = corpus / "io.appium.settings@8.0.10" / "apks" / "settings_apk-debug.apk"
    got = appaudit.scan(apk, skip_code_scan=True)
    assert got == cli_json("scan", apk, "--format", "json", "--skip-code-scan")
    assert got["data_access"] != appaudit.scan(apk)["data_access"]


def test_limits_equal_cli_flags(cli):
    code, out, err = cli("scan", DEMO_APK, "--format", "json", "--max-entries", "2")
    assert code == 2
    with pytest.raises(appaudit.ArchiveError) as e:
        appaudit.scan(DEMO_APK, limits={"max_entries": 2})
    assert str(e.value) == cli_error(err)
    with pytest.raises(appaudit.ArchiveError):
        appaudit.scan(DEMO_APK, limits=appaudit.Limits(max_entries=2))


@pytest.mark.parametrize("limits", [{"max_entries": 0}, {"max_dex_mib": 0}, {"max_total": 5}, {"max_entry_mib": "1"}])
def test_bad_limits_are_options_errors(limits):
    with pytest.raises(appaudit.OptionsError):
        appaudit.scan(DEMO_APK, limits=limits)


def test_missing_file_is_a_read_error_with_the_cli_message(cli, tmp_path):
    missing = tmp_path / "gone.apk"
    code, _, err = cli("scan", missing, "--format", "json")
    assert code == 2
    with pytest.raises(appaudit.ReadError) as e:
        appaudit.scan(missing)
    assert str(e.value) == cli_error(err)
    assert isinstance(e.value, OSError)


def test_corrupt_file_is_an_archive_error_with_the_cli_message(cli, tmp_path):
    bad = tmp_path / "truncated.apk"
    bad.write_bytes(DEMO_APK.read_bytes()[:1000])
    code, _, err = cli("scan", bad, "--format", "json")
    assert code == 2
    with pytest.raises(appaudit.ArchiveError) as e:
        appaudit.scan(bad)
    assert str(e.value) == cli_error(err)


def test_zip_that_is_no_app_is_unsupported(cli, tmp_path):
    z = tmp_path / "notes.apk"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("readme.txt", "not an app")
    code, _, err = cli("scan", z, "--format", "json")
    assert code == 2
    with pytest.raises(appaudit.UnsupportedInputError) as e:
        appaudit.scan(z)
    assert str(e.value) == cli_error(err)


def test_bad_signature_folder_is_a_setup_error(tmp_path):
    (tmp_path / "bad.toml").write_text("this is = not [valid")
    with pytest.raises(appaudit.SetupError):
        appaudit.scan(DEMO_APK, signatures=[tmp_path])


def test_read_policy_equals_cli_on_demo_and_samples(cli_json):
    files = [DEMO_POLICY, *sorted((REPO / "tests" / "policies" / "samples").iterdir())]
    assert any(f.suffix == ".pdf" for f in files) and any(f.suffix == ".docx" for f in files)
    for f in files:
        assert appaudit.read_policy(f) == cli_json("policy", f, "--format", "json"), f


def test_read_policy_equals_cli_on_real_policies(cli_json, shared):
    files = sorted(p for p in (shared / "policies").rglob("*") if p.is_file() and p.name != "README.md")
    assert len(files) >= 15
    for f in files:
        assert appaudit.read_policy(str(f)) == cli_json("policy", f, "--format", "json"), f


def test_read_policy_text_equals_the_file():
    text = DEMO_POLICY.read_text(encoding="utf-8")
    assert appaudit.read_policy(text, format="text") == appaudit.read_policy(DEMO_POLICY)
    html = REPO / "tests" / "policies" / "samples" / "en_html_sdk_table.html"
    assert appaudit.read_policy(html.read_text(encoding="utf-8")) == appaudit.read_policy(html)


def test_missing_policy_is_a_policy_error_with_the_cli_message(cli, tmp_path):
    missing = tmp_path / "privacy.txt"
    code, _, err = cli("policy", missing, "--format", "json")
    assert code == 2
    with pytest.raises(appaudit.PolicyError) as e:
        appaudit.read_policy(str(missing))
    assert str(e.value) == cli_error(err)


def test_audit_equals_cli_json_on_demo(cli_json):
    got = appaudit.audit(DEMO_APK, DEMO_POLICY)
    assert got == cli_json("audit", DEMO_APK, "--policy", DEMO_POLICY, "--format", "json")
    assert got["verdict"] == "fail"


def test_audit_fail_on_and_config_equal_cli(cli_json, tmp_path):
    config = tmp_path / "appaudit.toml"
    config.write_text('fail_on = "medium"\n[severity]\nAA101 = "low"\n')
    got = appaudit.audit(DEMO_APK, DEMO_POLICY, config=config)
    want = cli_json("audit", DEMO_APK, "--policy", DEMO_POLICY, "--format", "json", "--config", config)
    assert got == want and got["fail_on"] == "medium"
    got = appaudit.audit(DEMO_APK, DEMO_POLICY, fail_on="info")
    assert got == cli_json("audit", DEMO_APK, "--policy", DEMO_POLICY, "--format", "json", "--fail-on", "info")


def test_audit_errors_carry_the_cli_message(cli, tmp_path):
    missing = tmp_path / "gone.apk"
    code, _, err = cli("audit", missing, "--policy", DEMO_POLICY, "--format", "json")
    assert code == 2
    with pytest.raises(appaudit.ReadError) as e:
        appaudit.audit(missing, DEMO_POLICY)
    assert str(e.value) == cli_error(err)
    assert "\n  caused by: " in str(e.value)
    bad = tmp_path / "appaudit.toml"
    bad.write_text("fail_on = [")
    code, _, err = cli("audit", DEMO_APK, "--policy", DEMO_POLICY, "--config", bad)
    assert code == 2
    with pytest.raises(appaudit.ConfigError) as e:
        appaudit.audit(DEMO_APK, DEMO_POLICY, config=bad)
    assert str(e.value) == cli_error(err)
    with pytest.raises(appaudit.OptionsError):
        appaudit.audit(DEMO_APK, DEMO_POLICY, fail_on="severe")
    with pytest.raises(appaudit.OptionsError):
        appaudit.audit(DEMO_APK, DEMO_POLICY, profile="nonesuch")
    assert appaudit.audit(DEMO_APK, DEMO_POLICY, profile="all") == appaudit.audit(DEMO_APK, DEMO_POLICY)


@pytest.mark.parametrize("profile", ["cn", "apple", "play"])
def test_audit_profiles_equal_cli(cli_json, profile):
    got = appaudit.audit(DEMO_APK, DEMO_POLICY, profile=profile)
    assert got == cli_json("audit", DEMO_APK, "--policy", DEMO_POLICY, "--format", "json", "--profile", profile)


def test_collect_inputs_is_what_scan_dir_finds(corpus, corpus_rows):
    found = appaudit.collect_inputs(corpus)
    assert found == [r.get("path") or r["source"]["path"] for r in corpus_rows]
    assert all(appaudit.is_scannable_name(Path(p).name) or Path(p).is_dir() for p in found)
    assert not appaudit.is_scannable_name("notes.txt")


def test_the_gil_is_released_while_rust_scans(corpus):
    """While one thread is inside the Rust scan of an 18 MB APK (80 ms in a release build,
    seconds in a debug one), this thread keeps counting: with the GIL held it could count only
    for one switch interval (0.5 ms here) before the call, a few thousand at most."""
    big = corpus / "appium-uiautomator2-server@10.6.6" / "apks" / "appium-uiautomator2-server-v10.6.6.apk"
    entered = threading.Event()
    result = {}

    def work():
        entered.set()
        result["json"] = _native.scan_path(str(big))

    old = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    t = threading.Thread(target=work)
    t.start()
    entered.wait()
    ticks = 0
    while t.is_alive():
        ticks += 1
    t.join()
    sys.setswitchinterval(old)
    assert json.loads(result["json"])["app"]["package"] == "io.appium.uiautomator2.server"
    assert ticks > 50_000, ticks
