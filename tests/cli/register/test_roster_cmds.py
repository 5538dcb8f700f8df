"""`assessor register roster template|import|list|missing` through the real command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessor.cli.main import run_cli
from tests.roster_builders import roster_rows, uscc, write_csv


def test_template_import_list_and_a_refused_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register = tmp_path / "register"
    template = tmp_path / "t.xlsx"
    assert run_cli(["register", "roster", "template", "-o", str(template)]) == 0
    book = load_workbook(template)
    book.active.append(["阳光托育", uscc("320102", 1), "320102", "路 1 号", "公办", 60])
    book.save(template)

    assert run_cli(["register", "roster", "import", str(template), "--db", str(register)]) == 0
    assert "共 1 家机构，新增 1，更新 0，未变 0" in capsys.readouterr().out

    rows = roster_rows(4)
    rows[2][1] = rows[2][1][:-1] + ("A" if rows[2][1][-1] != "A" else "B")
    bad = write_csv(tmp_path / "bad.csv", rows, encoding="gbk")
    assert run_cli(["register", "roster", "import", str(bad), "--db", str(register)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：名册 bad.csv 有 1 处错误，未导入任何内容：")
    assert "文件「bad.csv」第 4 行「统一社会信用代码」列：统一社会信用代码校验位错误" in err

    assert run_cli(["register", "roster", "list", "--db", str(register)]) == 0
    out = capsys.readouterr().out
    assert f"{uscc('320102', 1)}  320102  阳光托育  60" in out
    assert "共 1 家机构。" in out

    assert run_cli(["register", "roster", "missing", "--db", str(register)]) == 0
    assert "不在名册中的机构：0 家。" in capsys.readouterr().out


def test_an_unsupported_file_type_is_a_chinese_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "roster.xls"
    path.write_bytes(b"old excel")
    assert run_cli(["register", "roster", "import", str(path), "--db", str(tmp_path / "r")]) == 1
    assert "不支持的文件类型：roster.xls（请使用 .xlsx 或 .csv）" in capsys.readouterr().err
