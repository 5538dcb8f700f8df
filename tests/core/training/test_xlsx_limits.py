"""Hostile sample workbooks get the limits rubric workbooks get (one spreadsheet engine): a
million rows, a zip bomb, a sheet that lies about its size all end fast with a clear error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assessor.core.problems import Problem, ProblemsError
from assessor.core.rubric.registry import default_rubric
from assessor.core.training.sample import load_sample
from assessor.core.training.xlsx import sample_from_xlsx, sample_to_xlsx
from assessor.core.training.xlsx_layout import DOSSIER, SHEET_ORDER
from assessor.core.xlsx_forms.workbook import MAX_ROWS
from tests.training_samples import plain_sample_paths
from tests.xlsx_bombs import padding, replace_parts, sheet_part, sheet_xml

DOSSIER_SHEET = sheet_part(SHEET_ORDER.index(DOSSIER) + 1)


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> Path:
    sample = load_sample(plain_sample_paths()[0])
    return sample_to_xlsx(sample, tmp_path_factory.mktemp("x") / "s.xlsx", default_rubric())


def problems_of(path: Path) -> list[Problem]:
    started = time.perf_counter()
    with pytest.raises(ProblemsError) as caught:
        sample_from_xlsx(path)
    # Generous for a shared machine; the unguarded reader took 39 s on a million rows.
    assert time.perf_counter() - started < 10
    return caught.value.problems


def test_a_zip_bomb_is_refused_by_its_declared_size(table: Path, tmp_path: Path) -> None:
    bomb = replace_parts(table, tmp_path / "bomb.xlsx", {"xl/bomb.xml": padding(60)})
    assert bomb.stat().st_size < 1024 * 1024
    (problem,) = problems_of(bomb)
    assert problem.where == "bomb.xlsx" and "解压后有 60 MB，超过上限 50 MB" in problem.message


def test_a_sheet_claiming_a_million_rows_is_refused(table: Path, tmp_path: Path) -> None:
    liar = replace_parts(
        table, tmp_path / "liar.xlsx", {DOSSIER_SHEET: sheet_xml(3, dimension="A1:G1000000")}
    )
    (problem,) = problems_of(liar)
    assert "过大（声明的范围到 G1000000）" in problem.message


@pytest.mark.parametrize("dimension", [None, "A1:G3"])
def test_more_rows_than_the_limit_are_refused_whatever_the_sheet_claims(
    table: Path, tmp_path: Path, dimension: str | None
) -> None:
    many = replace_parts(
        table, tmp_path / "many.xlsx", {DOSSIER_SHEET: sheet_xml(MAX_ROWS * 3, dimension=dimension)}
    )
    (problem,) = problems_of(many)
    assert f"超过 {MAX_ROWS} 行" in problem.message


def test_a_file_that_is_no_workbook_is_a_chinese_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    (problem,) = problems_of(junk)
    assert "不是有效的 Excel 工作簿" in problem.message
