"""Rectification items from registered assessments, deadlines, rates, and the signed notice."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from assessor.core.clock import now_utc
from assessor.core.cycle.rect_notice import notice_pdf
from assessor.core.cycle.rectification import (
    BASIC,
    INDICATOR,
    deadlines,
    items,
    open_items,
    rates,
    set_deadlines,
)
from assessor.core.document.model import parse_assessment
from assessor.core.problems import UserError
from assessor.core.register.db import connect
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.pdf_signature import verify_pdf
from assessor.core.signing.verification import load_trust_roots
from tests.core.register.builders import Commission, assessment, signed, uscc


def _register(tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions):
    files = []
    records = []
    for n, division in ((1, "350102"), (2, "350102"), (3, "350103")):
        record = assessment(rubric, n, division=division, day=dt.date(2026, 5, 4))
        path = tmp_path / f"a{n}.json"
        path.write_bytes(signed(rubric, record, signer))
        files.append(path)
        records.append(record)
    run_import(tmp_path / "register", files, options)
    return connect(tmp_path / "register"), records, files


def test_items_are_the_indicators_below_full_marks_with_deadlines_by_kind(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    conn, records, files = _register(tmp_path, rubric, signer, options)
    set_deadlines(conn, {BASIC: 15, INDICATOR: 60})
    assert deadlines(conn) == {BASIC: 15, INDICATOR: 60}

    opened = open_items(conn)

    maxima = {ind.id: ind.max for ind in rubric.indicators}
    expected = {}
    for record, file in zip(records, files, strict=True):
        unmet = {
            v.indicator
            for v in parse_assessment(file.read_bytes(), "x").result.vetoes
            if v.status == "unmet"
        }
        for entry in record.scores:
            if not entry.na and entry.score is not None and entry.score < maxima[entry.indicator]:
                expected[(record.id, entry.indicator)] = (
                    BASIC if entry.indicator in unmet else INDICATOR
                )
    found = items(conn)
    assert opened == len(found) == len(expected) > 0
    assert {(i.assessment_id, i.indicator_id): i.kind for i in found} == expected
    assert BASIC in expected.values() and INDICATOR in expected.values()
    for item in found:
        days = 15 if item.kind == BASIC else 60
        assert item.due_on == dt.date(2026, 5, 4) + dt.timedelta(days=days)
        assert item.state == "open"
    assert open_items(conn) == 0  # opened once per assessment

    by_district = {r.group: r for r in rates(conn, dt.date(2026, 6, 1), "district")}
    per_district = Counter(i.district for i in found)
    assert {d: r.items for d, r in by_district.items()} == dict(per_district)
    late = {r.group: r.overdue for r in rates(conn, dt.date(2026, 6, 1), "kind")}
    assert late.get(BASIC, 0) == sum(k == BASIC for k in expected.values())
    assert late.get(INDICATOR, 0) == 0
    conn.close()


def test_bad_deadlines_are_refused(tmp_path: Path) -> None:
    conn = connect(tmp_path / "r", create=True)
    with pytest.raises(UserError, match="整改期限应为 1—3650 天"):
        set_deadlines(conn, {BASIC: 0})
    assert deadlines(conn)[BASIC] == 30
    conn.close()


def test_the_notice_lists_the_items_with_deadlines_and_is_signed(
    tmp_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    options: ImportOptions,
    plan_key: SigningKey,
    commission: Commission,
) -> None:
    conn, records, _ = _register(tmp_path, rubric, signer, options)
    open_items(conn)
    centre = uscc(1, "350102")
    pdf = notice_pdf(conn, centre, plan_key, "测试市卫生健康委员会", now_utc())
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "整改通知书" in text and "测试市卫生健康委员会" in text
    # The commission signs as the issuer of the notice, not as an assessor.
    assert "测试市卫生健康委员会（签发证书编号 WJW-PLAN）" in text
    assert "签发证书编号：WJW-PLAN" in text  # the PAdES stamp
    assert "评估员：" not in text and "评估员编号" not in text
    assert centre in text and records[0].id in text
    for item in items(conn, uscc=centre):
        assert item.indicator_id in text
        assert f"{item.due_on.year} 年 {item.due_on.month} 月 {item.due_on.day} 日" in text
    checked = verify_pdf(pdf, load_trust_roots([commission.ca_cert]), allow_training=False)
    assert checked.ok, checked.reasons
    with pytest.raises(UserError, match="没有待整改事项"):
        notice_pdf(conn, uscc(9, "350102"), plan_key, "测试市卫生健康委员会", now_utc())
    conn.close()
