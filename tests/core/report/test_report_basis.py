"""The report says what each indicator rests on, how many rest on what, and, for a 家庭托育点,
what the rubric says about its scope."""

from __future__ import annotations

import dataclasses
import re

import pytest

from assessor.core.assessment.model import CentreKind
from assessor.core.report.fonts import CHINESE_CANNOT_START
from assessor.core.report.render import HOME_SCOPE_NOTICE
from assessor.core.rubric.basis import basis_sources
from assessor.core.rubric.registry import default_rubric
from tests.core.report.helpers import Rendered, render, scored_assessment


def flat(text: str) -> str:
    """pdftotext breaks lines where the layout wraps; compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def _render(tmp_path_factory: pytest.TempPathFactory, kind: CentreKind) -> Rendered:
    scored = scored_assessment(default_rubric())
    centre = scored.assessment.centre.model_copy(update={"kind": kind})
    assessment = scored.assessment.model_copy(update={"centre": centre})
    out = tmp_path_factory.mktemp("basis") / f"{kind.value}.pdf"
    return render(dataclasses.replace(scored, assessment=assessment), out)


@pytest.fixture(scope="module")
def institution(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return _render(tmp_path_factory, CentreKind.institution)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return _render(tmp_path_factory, CentreKind.home)


def test_every_indicator_shows_its_basis(institution: Rendered) -> None:
    text = flat(institution.text())
    rubric = institution.scored.rubric
    # A row may run over a page break, which puts the footer inside it: compare the start.
    missing = [
        ind.id
        for ind in rubric.indicators
        if flat("依据：" + "".join(basis_sources(rubric.rubric, ind.basis, book_marks=False)))[:30]
        not in text
    ]
    assert missing == []


def test_the_report_counts_what_indicators_rest_on(institution: Rendered) -> None:
    text = flat(institution.text())
    assert "132项指标中，111项依据国家规定，8项依据标准已知文本，13项为本项目拟定。" in text


def test_a_home_report_carries_the_rubric_scope_on_the_cover_and_every_page(
    home: Rendered, institution: Rendered
) -> None:
    pages = home.text().split("\f")[:-1]
    assert "适用范围：家庭托育点不在WS/T821—2023的适用范围内" in flat(pages[0])
    assert all(HOME_SCOPE_NOTICE in page for page in pages)
    assert HOME_SCOPE_NOTICE not in institution.text()
    assert "适用范围：" not in institution.text()


def test_basis_notes_never_hold_two_closing_marks_in_a_row() -> None:
    # ReportLab hangs one closing mark in the margin, not two: such a pair can start a line.
    rubric = default_rubric()
    pairs = {
        (ind.id, note[k : k + 2])
        for ind in rubric.indicators
        if ind.basis is not None
        for note in [ind.basis.note]
        for k in range(len(note) - 1)
        if note[k] in CHINESE_CANNOT_START and note[k + 1] in CHINESE_CANNOT_START
    }
    assert pairs == set()
