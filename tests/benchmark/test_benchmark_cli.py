"""The benchmark commands through CliRunner: exit codes, formats, and privacy of the bytes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from support.benchmark import synthetic_rows, write_csv
from typer.testing import CliRunner

from salesmkt.cli import app


def _files(tmp_path: Path, n: int) -> list[Path]:
    out = []
    for i in range(n):
        rows = synthetic_rows(300 + i, {"sales": 6, "marketing": 5}, client=f"k{i}")
        out.append(write_csv(rows, tmp_path / f"client{i}.csv"))
    return out


def _add(runner: CliRunner, url: str, path: Path, client: str, *extra: str) -> None:
    args = ["benchmark", "add", str(path), "--client", client, "--consent", "--store", url]
    result = runner.invoke(app, [*args, "--date", "2026-10-01", *extra])
    assert result.exit_code == 0, result.output


def test_add_needs_consent(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    path = _files(tmp_path, 1)[0]
    result = runner.invoke(app, ["benchmark", "add", str(path), "--client", "a", "--store", url])
    assert result.exit_code == 2
    assert "without --consent" in result.output
    assert not (tmp_path / "s.sqlite").exists()


def test_add_list_show_remove(runner: CliRunner, tmp_path: Path, store_url: str) -> None:
    files = _files(tmp_path, 11)
    for i, path in enumerate(files):
        _add(runner, store_url, path, f"client-{i}", "--industry", "saas")
    listed = runner.invoke(app, ["benchmark", "list", "--store", store_url, "-f", "json"])
    assert listed.exit_code == 0
    assert len(json.loads(listed.stdout)) == 11
    show = ["benchmark", "show", str(files[0]), "--client", "client-0", "--store", store_url]
    result = runner.invoke(app, [*show, "--as-of", "2026-11-01", "-f", "json"])
    assert result.exit_code == 0, result.output
    placed = json.loads(result.stdout)
    total = next(c for c in placed["cells"] if c["scope"] == "sales" and c["metric"] == "total")
    assert total["peers"] == 10 and total["median"] is not None
    terminal = runner.invoke(app, [*show, "--as-of", "2026-11-01"], env={"COLUMNS": "80"})
    assert terminal.exit_code == 0
    assert max(len(line) for line in terminal.stdout.splitlines()) <= 80
    assert "Total score" in terminal.stdout
    md = runner.invoke(app, [*show, "--as-of", "2026-11-01", "-f", "markdown"])
    assert md.stdout.startswith("# Benchmark") and "| Total score |" in md.stdout
    removed = runner.invoke(
        app, ["benchmark", "remove", "--client", "client-3", "--store", store_url]
    )
    assert removed.exit_code == 0
    result = runner.invoke(app, [*show, "--as-of", "2026-11-01", "-f", "json"])
    cells = json.loads(result.stdout)["cells"]
    assert all(c["withheld"] and c["median"] is None for c in cells)  # 9 peers left
    again = runner.invoke(
        app, ["benchmark", "remove", "--client", "client-3", "--store", store_url]
    )
    assert again.exit_code == 1 and "not in" in again.output


def test_looser_rules_are_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    path = _files(tmp_path, 1)[0]
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    result = runner.invoke(app, ["benchmark", "show", str(path), "--store", url, "--min-orgs", "3"])
    assert result.exit_code == 2 and "only be made stricter" in result.output


def test_store_errors_are_one_line_and_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 500)
    for args in (["list"], ["export", str(tmp_path / "out.jsonl")]):
        result = runner.invoke(app, ["benchmark", *args, "--store", f"sqlite:///{bad}"])
        assert result.exit_code == 1
        assert result.output.count("\n") == 1 and "not a salesmkt benchmark store" in result.output
    assert not (tmp_path / "out.jsonl").exists()
    url = "postgresql+psycopg://u:pw@127.0.0.1:1/x?connect_timeout=2"
    result = runner.invoke(app, ["benchmark", "list", "--store", url])
    assert result.exit_code == 1 and "cannot reach" in result.output and "pw" not in result.output
    result = runner.invoke(app, ["benchmark", "list", "--store", "oracle://x"])
    assert result.exit_code == 2


def test_env_variable_names_the_store(runner: CliRunner, tmp_path: Path) -> None:
    path = _files(tmp_path, 1)[0]
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    result = runner.invoke(
        app,
        ["benchmark", "add", str(path), "--client", "e", "--consent"],
        env={"SALESMKT_STORE": url},
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env.sqlite").is_file()


def test_export_import_through_the_cli(runner: CliRunner, tmp_path: Path) -> None:
    files = _files(tmp_path, 2)
    a, b = f"sqlite:///{tmp_path / 'a.sqlite'}", f"sqlite:///{tmp_path / 'b.sqlite'}"
    _add(runner, a, files[0], "one")
    _add(runner, b, files[1], "two")
    out = tmp_path / "a.jsonl"
    assert runner.invoke(app, ["benchmark", "export", str(out), "--store", a]).exit_code == 0
    assert runner.invoke(app, ["benchmark", "export", str(out), "--store", a]).exit_code == 1
    result = runner.invoke(app, ["benchmark", "import", str(out), "--store", b])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["benchmark", "list", "--store", b, "-f", "json"])
    assert {r["client"] for r in json.loads(listed.stdout)} == {"one", "two"}
    missing = runner.invoke(app, ["benchmark", "import", str(tmp_path / "no.jsonl"), "--store", b])
    assert missing.exit_code == 1


def test_no_stored_byte_holds_a_respondent_code_or_a_comment(
    runner: CliRunner, tmp_path: Path
) -> None:
    db = tmp_path / "p.sqlite"
    url = f"sqlite:///{db}"
    secrets: set[str] = set()
    for i in range(3):
        rows = synthetic_rows(900 + i, {"sales": 7, "marketing": 6}, client=f"p{i}")
        secrets |= set(rows.respondent) | set(rows.comment)
        secrets |= {"secret", "remark", "wombat"}  # the words of every comment
        _add(runner, url, write_csv(rows, tmp_path / f"p{i}.csv"), f"client{i}")
    export = tmp_path / "all.jsonl"
    assert runner.invoke(app, ["benchmark", "export", str(export), "--store", url]).exit_code == 0
    with sqlite3.connect(db) as conn:  # the pages themselves, free space included
        conn.execute("VACUUM")
    blobs = [db.read_bytes(), export.read_bytes()]
    journal = [p for p in tmp_path.glob("p.sqlite*") if p != db]
    blobs += [p.read_bytes() for p in journal]
    for secret in secrets:
        for blob in blobs:
            assert secret.encode() not in blob, secret
            assert secret.upper().encode() not in blob.upper(), secret
    assert b"secret" not in blobs[0].lower() and b"wombat" not in blobs[1].lower()


@pytest.mark.parametrize("name", ["assessment.json"])
def test_a_saved_assessment_is_refused_with_a_reason(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text("{}", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    result = runner.invoke(
        app, ["benchmark", "add", str(path), "--client", "a", "--consent", "--store", url]
    )
    assert result.exit_code == 2 and "answer counts" in result.output
