"""s3:// inputs through pyarrow's S3 filesystem, against a local S3 server (moto): listing,
globs, reading and hashing give what the same files on local disk give."""

from __future__ import annotations

import json
import socket

import pyarrow.fs as pafs
import pytest

import appaudit
from appaudit import batch

import moto.server as moto_server  # moto[server]: installed by .ci/run


@pytest.fixture(scope="module")
def s3(monkeypatch_module):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    env = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for k, v in env.items():
        monkeypatch_module.setenv(k, v)
    fs = pafs.S3FileSystem(endpoint_override=f"127.0.0.1:{port}", scheme="http", access_key="test", secret_key="test", region="us-east-1", allow_bucket_creation=True)
    fs.create_dir("apps")
    yield fs
    server.stop()


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_s3_inputs_equal_local_files(s3, corpus):
    folder = corpus / "io.appium.settings@8.0.10"
    local = appaudit.collect_inputs(folder)
    assert local
    for p in local:
        rel = p[len(str(folder)) + 1 :]
        with open(p, "rb") as f, s3.open_output_stream(f"apps/in/{rel}") as out:
            out.write(f.read())
    with s3.open_output_stream("apps/in/notes.txt") as out:
        out.write(b"not an app")

    items = batch.expand_inputs(["s3://apps/in/"])
    want = [f"s3://apps/in/{p[len(str(folder)) + 1:]}" for p in local]
    assert [i["path"] for i in items] == want  # notes.txt is not an input, as for scan DIR
    assert [i["path"] for i in batch.expand_inputs(["s3://apps/in/**.apk"])] == [w for w in want if w.endswith(".apk")]

    for item, path in zip(items, local):
        remote = batch.scan_one(item["path"], None, None, batch.ScanSettings())
        here = batch.scan_one(path, None, None, batch.ScanSettings())
        assert remote.get("error") is None, remote.get("error")
        assert remote["sha256"] == here["sha256"]
        inv_remote, inv_here = json.loads(remote["inventory"]), json.loads(here["inventory"])
        assert inv_remote["source"]["path"] == item["path"]
        inv_remote["source"]["path"] = inv_here["source"]["path"]
        assert inv_remote == inv_here

    missing = batch.scan_one("s3://apps/in/gone.apk", None, None, batch.ScanSettings())
    assert missing["error_kind"] == "ReadError" and "gone.apk" in missing["error"]
