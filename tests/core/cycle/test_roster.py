"""The roster: checked whole, stored whole, updated by USCC with history."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessor.core.cycle.roster_parse import parse_roster
from assessor.core.cycle.roster_store import (
    history,
    import_roster_file,
    missing_from_roster,
    roster,
)
from assessor.core.cycle.roster_template import ROSTER_SHEET, write_roster_template
from assessor.core.cycle.table_read import TableProblems
from assessor.core.problems import ProblemsError, UserError
from assessor.core.register.db import connect
from tests.roster_builders import HEADER, roster_rows, uscc, write_csv, write_xlsx
from tests.xlsx_bombs import padding, replace_parts, sheet_part, sheet_xml


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    connection = connect(tmp_path / "register", create=True)
    yield connection
    connection.close()


def _table_state(conn: sqlite3.Connection) -> list:
    return [
        list(map(tuple, conn.execute(f"SELECT * FROM {table}")))
        for table in ("roster_imports", "roster_centres", "roster_history")
    ]


def test_the_template_filled_in_excel_imports(tmp_path: Path, conn: sqlite3.Connection) -> None:
    template = write_roster_template(tmp_path / "template.xlsx")
    book = load_workbook(template)
    sheet = book[ROSTER_SHEET]
    assert [c.value for c in sheet[1]] == list(HEADER)
    sheet.append(["阳光托育", uscc("320102", 5), "320102001", "幸福路 1 号", "公办", 60, None])
    book.save(template)

    result = import_roster_file(conn, template, who="clerk")

    assert (result.rows, result.added) == (1, 1)
    [centre] = roster(conn)
    assert (centre.name, centre.district, centre.places, centre.operator.value) == (
        "阳光托育",
        "320102",
        60,
        "public",
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_gbk(tmp_path: Path, encoding: str) -> None:
    rows = roster_rows(30)
    centres = parse_roster(write_csv(tmp_path / "r.csv", rows, encoding=encoding))
    assert [c.name for c in centres] == [r[0] for r in rows]
    assert centres[3].filed_on.isoformat() == rows[3][6]


def test_every_bad_cell_is_named_by_sheet_row_and_column(tmp_path: Path) -> None:
    rows = roster_rows(5)
    rows[1][1] = rows[1][1][:17] + ("0" if rows[1][1][17] != "0" else "1")  # check digit
    rows[2][5] = "八十"
    rows[3][0] = ""
    rows[4][1] = rows[0][1]  # duplicate
    path = write_xlsx(tmp_path / "bad.xlsx", rows, sheet="一区")

    with pytest.raises(TableProblems) as caught:
        parse_roster(path)

    problems = caught.value.problems
    assert problems[0].startswith(
        "工作表「一区」第 3 行「统一社会信用代码」列：统一社会信用代码校验位错误"
    )
    assert "工作表「一区」第 4 行「托位数」列：应为整数，实际为「八十」" in problems
    assert "工作表「一区」第 5 行「机构名称」列：不能为空" in problems
    assert problems[3] == (
        f"工作表「一区」第 6 行「统一社会信用代码」列：{rows[0][1]} 与第 2 行重复"
    )
    assert len(problems) == 4
    assert "未导入任何内容" in str(caught.value)


def test_a_csv_row_is_named_by_file_and_line(tmp_path: Path) -> None:
    rows = roster_rows(3)
    rows[2][2] = "32010"
    path = write_csv(tmp_path / "名册.csv", rows, encoding="gbk")
    with pytest.raises(TableProblems) as caught:
        parse_roster(path)
    assert caught.value.problems == [
        "文件「名册.csv」第 4 行「行政区划代码」列：应为 6 位、9 位或 12 位数字，实际为「32010」"
    ]


def test_missing_required_column_is_refused(tmp_path: Path) -> None:
    header = ("统一社会信用代码", "地址")
    path = write_csv(tmp_path / "r.csv", [[uscc("320102", 1), "路"]], header=header)
    with pytest.raises(TableProblems, match="缺少必需的列「机构名称」「行政区划代码」"):
        parse_roster(path)


def test_a_bad_file_changes_nothing_already_imported(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    rows = roster_rows(50)
    import_roster_file(conn, write_xlsx(tmp_path / "good.xlsx", rows), who="clerk")
    before = _table_state(conn)
    rows[10][3] = "新地址"
    rows[49][1] = "91320102MA1234567"  # 17 characters
    with pytest.raises(
        TableProblems, match="第 51 行「统一社会信用代码」列：统一社会信用代码应为 18 位"
    ):
        import_roster_file(conn, write_xlsx(tmp_path / "bad.xlsx", rows), who="clerk")
    assert _table_state(conn) == before


def test_reimport_updates_by_uscc_and_keeps_history(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    rows = roster_rows(20)
    import_roster_file(conn, write_xlsx(tmp_path / "v1.xlsx", rows), who="clerk")
    rows[4][3] = "搬到新址 9 号"
    dropped = rows.pop(7)
    rows.append(["新开托育", uscc("320104", 999), "320104", "新路", "公办", 30, "2026-01-05"])

    result = import_roster_file(conn, write_csv(tmp_path / "v2.csv", rows), who="clerk")

    assert (result.added, result.updated, result.unchanged, result.not_in_file) == (1, 1, 18, 1)
    entries = history(conn, rows[4][1])
    assert [e.address for _, e in entries] == ["幸福路 5 号", "搬到新址 9 号"]
    assert len(history(conn, rows[5][1])) == 1
    assert dropped[1] in {c.uscc for c in roster(conn)}  # kept, not erased
    assert len(roster(conn)) == 21


def test_assessed_centres_missing_from_the_roster_are_listed(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    import_roster_file(conn, write_xlsx(tmp_path / "r.xlsx", roster_rows(3)), who="clerk")
    conn.execute("PRAGMA foreign_keys = OFF")  # documents without their batch and file rows
    rostered = roster(conn)[0].uscc
    for number, code in enumerate([rostered, uscc("320199", 1), uscc("320199", 1)]):
        conn.execute(
            "INSERT INTO documents (sha256, assessment_id, version, centre_uscc, centre_name,"
            " centre_address, division_code, care_types, centre_kind, places, cycle,"
            " assessor_ids, assessor_names, total, max_total, grade, vetoes_fired, rubric_sha256,"
            " rubric_code, signer_name, signer_id, cert_serial, cert_issuer, signed_at, training,"
            " batch_id, current) VALUES (?, ?, 1, ?, '未备案托育', '', '320199', '[]',"
            " 'institution', 0, '2026', '[]', '[]', '0', '1000', 'A', '[]', '', '', '', '', '',"
            " '', '2026-01-01T00:00:00Z', 0, 1, 1)",
            (f"{number:064x}", f"a{number}", code),
        )
    [missing] = missing_from_roster(conn)
    assert (missing.uscc, missing.name, missing.assessments) == (uscc("320199", 1), "未备案托育", 2)


def test_a_workbook_bomb_is_refused_before_parsing(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", roster_rows(3))
    bomb = replace_parts(good, tmp_path / "bomb.xlsx", {"xl/bomb.xml": padding(60)})
    with pytest.raises(ProblemsError, match="解压后有 60 MB，超过上限"):
        import_roster_file(conn, bomb, who="clerk")
    assert roster(conn) == []


def test_a_million_row_sheet_is_refused_within_the_row_limit(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", roster_rows(3))
    huge = replace_parts(
        good, tmp_path / "huge.xlsx", {sheet_part(1): sheet_xml(1_000_000, dimension=None)}
    )
    with pytest.raises(ProblemsError, match="超过 10000 行"):
        import_roster_file(conn, huge, who="clerk")
    assert roster(conn) == []


def test_a_million_line_csv_is_refused(tmp_path: Path, conn: sqlite3.Connection) -> None:
    path = tmp_path / "million.csv"
    path.write_bytes("机构名称,统一社会信用代码,行政区划代码\n".encode() + b"a,b,c\n" * 1_000_000)
    with pytest.raises(UserError, match="超过 10000 行，超出上限，未导入任何内容"):
        import_roster_file(conn, path, who="clerk")
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as out:
        out.truncate(200 * 1024 * 1024)  # sparse: 200 MB of nothing
    with pytest.raises(UserError, match="过大"):
        import_roster_file(conn, huge, who="clerk")
    assert roster(conn) == []


def test_a_file_that_is_no_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"\xff\xfe\x00\x81\x30" * 10)
    with pytest.raises(UserError, match="无法识别文字编码，请另存为 UTF-8 或 GBK 编码的 CSV"):
        parse_roster(path)
