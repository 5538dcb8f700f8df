"""`assessor selftest` exercises the real rubric, store, signing and verification."""

from __future__ import annotations

from assessor.cli.main import run_cli


def test_selftest_passes_on_a_working_installation(capsys) -> None:
    assert run_cli(["selftest"]) == 0
    out = capsys.readouterr().out
    assert out.count("[通过]") == 8
    assert "[通过] 培训比对" in out and "131/132 项与参考评分一致" in out
    assert "自检通过" in out


def test_selftest_reports_a_missing_rubric(monkeypatch, tmp_path, capsys) -> None:
    from assessor.core import paths
    from assessor.core.rubric import registry

    monkeypatch.setattr(registry, "default_rubric_path", lambda: tmp_path / "missing.json")
    assert run_cli(["selftest"]) == 1
    out = capsys.readouterr().out
    assert "[失败] 加载评估标准" in out and "无法读取文件" in out
    assert paths.default_rubric_path().is_file()


def test_selftest_names_a_main_window_that_does_not_open(monkeypatch, capsys) -> None:
    import sys

    from assessor.devtools import selftest

    broken = [sys.executable, "-c", "import sys; sys.exit('无法连接显示服务器')"]
    monkeypatch.setattr(selftest, "app_command", lambda: broken)
    assert run_cli(["selftest"]) == 1
    out = capsys.readouterr().out
    assert out.count("[通过]") == 7
    assert "[失败] 桌面程序主窗口" in out and "退出码 1：无法连接显示服务器" in out
