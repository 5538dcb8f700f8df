"""`assessor selftest` exercises the real rubric, store, signing and verification."""

from __future__ import annotations

from assessor.cli.main import run_cli


def test_selftest_passes_on_a_working_installation(capsys) -> None:
    assert run_cli(["selftest"]) == 0
    out = capsys.readouterr().out
    assert out.count("[通过]") == 6
    assert "自检通过" in out


def test_selftest_reports_a_missing_rubric(monkeypatch, tmp_path, capsys) -> None:
    from assessor.core import paths
    from assessor.core.rubric import registry

    monkeypatch.setattr(registry, "default_rubric_path", lambda: tmp_path / "missing.json")
    assert run_cli(["selftest"]) == 1
    out = capsys.readouterr().out
    assert "[失败] 加载评估标准" in out and "无法读取文件" in out
    assert paths.default_rubric_path().is_file()
