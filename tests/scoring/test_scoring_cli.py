"""`pledges score` on SYNTHETIC data folders written by the test."""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

from scoring_synth import TODAY, complaints_board, pledge, term

from pledges.cli import main
from pledges.scoring.report import run_score


def write_board(tmp_path: Path) -> Path:
    data = complaints_board({"aa": 5, "bb": 8, "cc": 12})
    data.add(pledge("aa-auto", "aa", [term("repair-time", 2, "working-days", payment="automatic")]))
    return data.write(tmp_path / "data")


def test_json_output(tmp_path, capsys):
    root = write_board(tmp_path)
    assert main(["score", "--data", str(root), "--format", "json", "--today", TODAY.isoformat()]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"method_version", "method_changes", "today", "pledges", "providers", "scoreboards"}
    assert out["scoreboards"] == [{"sector": "telecoms", "country": "GB", "rows": ["aa", "bb", "cc"]}]
    assert out["pledges"]["aa-auto"]["grade"] == "A"
    assert out["pledges"]["aa-auto"]["latest"]["verdict"] == "no-data"
    assert out["providers"]["aa"]["sectors"]["telecoms"]["rank_label"] == "1"


def test_table_output(tmp_path, capsys):
    root = write_board(tmp_path)
    assert main(["score", "--data", str(root), "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "SCOREBOARD telecoms (GB)" in out
    assert "aa-auto" in out and "no-data" in out
    assert out.index(" aa ") < out.index(" bb ") < out.index(" cc ")


def test_args_may_be_none(tmp_path, capsys, monkeypatch):
    root = write_board(tmp_path)
    monkeypatch.setenv("PLEDGES_TODAY", TODAY.isoformat())
    assert run_score(Namespace(data=root, format=None, today=None)) == 0
    assert "SCOREBOARD" in capsys.readouterr().out


def test_bad_data_prints_problems_and_exits_1(tmp_path, capsys):
    root = write_board(tmp_path)
    bad = root / "series" / "bb--src--complaints-per-100k.yaml"
    bad.write_text(bad.read_text().replace("value: 8.0", "value: eight"), encoding="utf-8")
    assert "value: eight" in bad.read_text()
    before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    assert main(["score", "--data", str(root), "--format", "json", "--today", TODAY.isoformat()]) == 1
    captured = capsys.readouterr()
    assert f"{bad}:" in captured.out and "'value' must be a number" in captured.out
    assert "Traceback" not in captured.out + captured.err
    assert not captured.out.lstrip().startswith("{")  # no half a scoreboard
    assert before == {p: p.read_bytes() for p in root.rglob("*.yaml")}


def test_missing_folder_exits_1(tmp_path, capsys):
    assert main(["score", "--data", str(tmp_path / "nope")]) == 1
    assert "data folder not found" in capsys.readouterr().out


def test_internal_error_is_one_line_not_a_traceback(tmp_path, capsys, monkeypatch):
    import pledges.scoring.report as report

    root = write_board(tmp_path)

    def boom(dataset, today):
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr(report, "compute", boom)
    monkeypatch.delenv("PLEDGES_DEBUG", raising=False)
    assert main(["score", "--data", str(root), "--today", TODAY.isoformat()]) == 2
    captured = capsys.readouterr()
    assert "synthetic failure" in captured.err and "Traceback" not in captured.err
    assert captured.out == ""
