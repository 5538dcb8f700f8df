"""Register exports read back the way their users read them: CSV as Excel decodes it, the
workbook with openpyxl, the PDF with pdftotext and pdftoppm."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart

from assessor.core.problems import UserError
from assessor.core.register.db import connect
from assessor.core.register.exports.run import ExportRequest
from assessor.core.register.register import Register
from assessor.core.register.review import Selection, set_state
from assessor.core.register.rows import ReviewState
from assessor.core.register.stats_model import GroupBy, StatsFilter
from tests.core.register.stats import expected
from tests.core.register.stats.corpus import ASSESSORS, Corpus, current_documents

NATIONAL_NAMES = ["机构名称", "统一社会信用代码", "行政区划代码", "地址", "机构性质"]


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel on Chinese Windows needs the UTF-8 BOM"
    assert b"\r\n" in raw
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_register_csv(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "登记表.csv"
    written = Register(corpus.register).export(StatsFilter(), ExportRequest(csv=out))
    rows = _read_csv(out)
    header, body = rows[0], rows[1:]
    docs = {d["id"]: d for d in current_documents(corpus.files)}
    assert written == {"csv": len(docs)} and len(body) == len(docs)
    assert header[:5] == NATIONAL_NAMES
    for row in body:
        cell = dict(zip(header, row, strict=True))
        doc = docs[cell["评估编号"]]
        assert cell["机构名称"] == doc["centre"]["name"]
        assert cell["统一社会信用代码"] == doc["centre"]["uscc"]
        assert cell["行政区划代码"] == doc["centre"]["division_code"]
        assert cell["地址"] == doc["centre"]["address"]
        assert expected.exact(cell["总分"]) == expected.exact(doc["result"]["total"])
        assert cell["等级"] == doc["result"]["grade"]
        assert cell["版本"] == str(doc["version"])
        assert cell["审核状态"] == "待审核"
        assert cell["培训/样例"] == "否"
        assert cell["机构性质"] in {"公办", "民办非营利", "民办营利", "用人单位办", "幼儿园托班"}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_register_csv_opens_in_libreoffice(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "register.csv"
    Register(corpus.register).export(StatsFilter(), ExportRequest(csv=out))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(out)],
        check=True, timeout=120, capture_output=True,
    )  # fmt: skip
    sheet = load_workbook(tmp_path / "register.xlsx").active
    assert [c.value for c in sheet[1]][:5] == NATIONAL_NAMES


def test_public_list_has_confirmed_centres_and_nothing_personal(
    corpus: Corpus, register_copy: Path, tmp_path: Path
) -> None:
    docs = sorted(current_documents(corpus.files), key=lambda d: d["id"])
    chosen = docs[:7]
    conn = connect(register_copy)
    set_state(
        conn,
        Selection(assessment_ids=[d["id"] for d in chosen]),
        ReviewState.confirmed,
        who="审核员",
    )
    conn.close()
    out = tmp_path / "公示.csv"
    Register(register_copy).export(StatsFilter(), ExportRequest(public=out))
    rows = _read_csv(out)
    assert rows[0] == ["机构名称", "地址", "等级", "评估日期", "有效期至"]
    got = sorted(tuple(r) for r in rows[1:])
    # Two current assessments of one centre in one calendar year are flagged: held back.
    per_cycle = Counter((d["centre"]["uscc"], d["visit"]["date"][:4]) for d in docs)
    wanted = []
    for d in chosen:
        if per_cycle[(d["centre"]["uscc"], d["visit"]["date"][:4])] > 1:
            continue
        visit = dt.date.fromisoformat(d["visit"]["date"])
        until = visit.replace(year=visit.year + 3) - dt.timedelta(days=1)
        wanted.append((d["centre"]["name"], d["centre"]["address"], d["result"]["grade"],
                       visit.isoformat(), until.isoformat()))  # fmt: skip
    assert got == sorted(wanted)
    text = out.read_text(encoding="utf-8-sig")
    for name, assessor_id in ASSESSORS:
        assert name not in text and assessor_id not in text
    for d in chosen:
        assert d["centre"]["uscc"] not in text and d["id"] not in text


def test_workbook_sheets_scores_and_native_charts(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "登记表.xlsx"
    Register(corpus.register).export(StatsFilter(by=GroupBy.district), ExportRequest(xlsx=out))
    book = load_workbook(out)
    docs = {d["id"]: d for d in current_documents(corpus.files)}
    assert book.sheetnames[:8] == [
        "登记表", "4 办托条件", "5 托育队伍", "6 保育照护", "7 卫生保健", "8 养育支持",
        "9 安全保障", "10 机构管理",
    ]  # fmt: skip
    assert {"统计", "薄弱指标", "基础指标", "示范候选", "警示名单", "复评变化", "评估员校准",
            "按行政区划"} <= set(book.sheetnames)  # fmt: skip
    register = book["登记表"]
    assert register.max_row == len(docs) + 1
    for name in book.sheetnames:
        if name != "统计":
            assert book[name].freeze_panes == "A2", name
            assert book[name].auto_filter.ref.startswith("A1:"), name
    assert register.auto_filter.ref.endswith(str(len(docs) + 1))

    safety = book["9 安全保障"]
    header = [c.value for c in safety[1]]
    for row in safety.iter_rows(min_row=2, values_only=True):
        doc = docs[row[2]]
        scores = {s["indicator"]: s for s in doc["scores"]}
        dim = next(d for d in doc["result"]["dimensions"] if d["id"] == "9")
        assert expected.exact(row[5]) == expected.exact(dim["score"])
        for title, value in zip(header[6:], row[6:], strict=True):
            entry = scores[title.split(" ")[0]]
            if entry["na"]:
                assert value == "不适用"
            else:
                assert expected.exact(value) == expected.exact(entry["score"])

    sheet = book["统计"]
    charts = sheet._charts
    assert len(charts) == 2 and all(isinstance(c, BarChart) for c in charts)
    grades, dims = charts
    counts = expected.grade_counts(docs.values())
    values = _cells(sheet, grades.series[0].val.numRef.f)
    labels = _cells(sheet, grades.series[0].cat.strRef.f)
    assert dict(zip(labels, values, strict=True)) == {g: counts.get(g, 0) for g in "ABCD"}
    figures = expected.dimension_figures(list(docs.values()))
    means = _cells(sheet, dims.series[0].val.numRef.f)
    assert means == [float(figures[d][1]) for d in ("4", "5", "6", "7", "8", "9", "10")]


def _cells(sheet, ref: str) -> list:
    area = ref.split("!")[1].replace("$", "")
    return [row[0].value for row in sheet[area]]


def test_statistics_pdf_counts_only_what_may_be_published(
    corpus: Corpus, register_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "统计报告.pdf"
    reg = Register(register_copy)
    # Nothing confirmed: the report would be empty, so nothing is written.
    with pytest.raises(UserError, match="未写入文件") as refused:
        reg.export(StatsFilter(), ExportRequest(report=out, public=tmp_path / "公示.csv"))
    assert "尚未确认" in str(refused.value)
    assert not out.exists() and not (tmp_path / "公示.csv").exists()

    docs = current_documents(corpus.files)
    held = expected.held_by_same_centre(docs)
    result = reg.set_review(Selection(), ReviewState.confirmed, who="审核员")
    assert (result.changed, result.skipped_total) == (len(docs) - len(held), len(held))
    kept = [d for d in docs if d["id"] not in held]
    reg.export(StatsFilter(by=GroupBy.operator), ExportRequest(report=out))
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = "".join(text.split())
    assert "托育机构质量评估统计报告" in text
    assert f"当前版本的评估{len(kept)}份" in flat
    if held:
        assert f"另有{len(held)}份暂不列入：有待核实事项{len(held)}份" in flat
    for heading in ("各维度得分率", "基础指标", "示范候选", "警示名单", "复评机构的变化",
                    "评估员尺度校准", "按机构性质分组"):  # fmt: skip
        assert heading in text
    assert str(expected.mean_total(kept)) in text
    assert "样本不足" in text  # some operator groups have fewer than five assessments
    assert "培训/样例" not in text
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "2", str(out),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    assert len(list(tmp_path.glob("page-*.png"))) == 2


def test_failed_export_leaves_no_file_and_says_why(corpus: Corpus, tmp_path: Path) -> None:
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(UserError, match="无法写入"):
        Register(corpus.register).export(StatsFilter(), ExportRequest(csv=blocker / "a.csv"))
    target = tmp_path / "a.csv"
    target.write_text("旧内容", encoding="utf-8")
    with pytest.raises(UserError):
        Register(tmp_path / "没有登记库").export(StatsFilter(), ExportRequest(csv=target))
    assert target.read_text(encoding="utf-8") == "旧内容"
