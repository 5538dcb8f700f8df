"""The statistics in the workbook: a sheet with the two native charts (grade distribution,
dimension means), then one table sheet per list, each with frozen header and filter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from assessor.core.clock import beijing_text
from assessor.core.register.exports.xlsx_tables import finish_table, table_sheet
from assessor.core.register.stats_model import (
    GROUP_BY_LABELS,
    INSUFFICIENT,
    CentreEntry,
    Statistics,
)
from assessor.core.register.texts import CANDIDATES_TITLE, RED_LIST_TITLE

STATS_SHEET = "统计"
GRADE_HEADER_ROW = 5
CHART_ANCHOR_COLUMN = "J"


def _note(insufficient: bool) -> str:
    return INSUFFICIENT if insufficient else ""


def _bar_chart(title: str, y_title: str) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.legend = None
    chart.height, chart.width = 7.5, 16
    return chart


def _categories(chart: BarChart, labels: Reference) -> None:
    """Text labels under the bars. openpyxl refers to categories as numbers by default, which
    Excel shows as 1, 2, 3… for text cells; a string reference shows the labels."""
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(labels)))


def _statistics_sheet(book: Workbook, stats: Statistics) -> None:
    sheet = book.create_sheet(STATS_SHEET)
    sheet.append(["托育机构质量评估统计"])
    sheet.append([f"范围：{stats.filter.describe()}；生成时间：{beijing_text(stats.generated_at)}"])
    sheet.append(["评估份数", stats.count, "平均总分", stats.mean_total, _note(stats.insufficient)])
    sheet.append([])
    sheet.append(["等级", "份数", "占比（%）"])
    for g in stats.grades.grades:
        sheet.append([g.grade, g.count, g.percent])
    grades_end = GRADE_HEADER_ROW + len(stats.grades.grades)
    sheet.append([])
    dims_header = grades_end + 2
    sheet.append(["维度", "名称", "平均得分率（%）", "中位数（%）", "最低（%）", "份数", "说明"])
    for d in stats.dimensions:
        sheet.append(
            [
                d.dimension,
                d.name,
                d.mean_percent,
                d.median_percent,
                d.min_percent,
                d.count,
                _note(d.insufficient),
            ]
        )
    dims_end = dims_header + len(stats.dimensions)

    grades = _bar_chart("等级分布", "份数")
    grades.add_data(
        Reference(sheet, min_col=2, min_row=GRADE_HEADER_ROW, max_row=grades_end),
        titles_from_data=True,
    )
    _categories(
        grades, Reference(sheet, min_col=1, min_row=GRADE_HEADER_ROW + 1, max_row=grades_end)
    )
    sheet.add_chart(grades, f"{CHART_ANCHOR_COLUMN}{GRADE_HEADER_ROW}")
    means = _bar_chart("各维度平均得分率", "%")
    means.add_data(
        Reference(sheet, min_col=3, min_row=dims_header, max_row=dims_end), titles_from_data=True
    )
    _categories(means, Reference(sheet, min_col=2, min_row=dims_header + 1, max_row=dims_end))
    means.y_axis.scaling.min, means.y_axis.scaling.max = 0, 100
    sheet.add_chart(means, f"{CHART_ANCHOR_COLUMN}{GRADE_HEADER_ROW + 17}")


def _table_sheet(
    book: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]
) -> WriteOnlyWorksheet:
    sheet = table_sheet(book, title, list(header))
    for row in rows:
        sheet.append(list(row))
    finish_table(sheet, len(header), len(rows))
    return sheet


_ENTRY_HEADER = (
    "机构名称",
    "统一社会信用代码",
    "行政区划代码",
    "评估日期",
    "总分",
    "等级",
    "未达标的基础指标",
    "评估编号",
    "版本",
)


def _entry_row(e: CentreEntry) -> list[Any]:
    return [
        e.name,
        e.uscc,
        e.division_code,
        e.visit_date,
        e.total,
        e.grade,
        "、".join(e.vetoes),
        e.assessment_id,
        e.version,
    ]


def write_statistics_sheets(book: Workbook, stats: Statistics) -> None:
    _statistics_sheet(book, stats)
    _table_sheet(
        book,
        "薄弱指标",
        ("指标", "名称", "维度", "平均得分率（%）", "份数", "说明"),
        [
            (i.indicator, i.short, i.dimension, i.mean_percent, i.count, _note(i.insufficient))
            for i in stats.weakest
        ],
    )
    _table_sheet(
        book,
        "基础指标",
        ("指标", "名称", "未达标份数", "评估份数", "未达标占比（%）", "说明"),
        [
            (v.indicator, v.short, v.fired, v.count, v.percent, _note(v.insufficient))
            for v in stats.vetoes
        ],
    )
    _table_sheet(book, CANDIDATES_TITLE, _ENTRY_HEADER, [_entry_row(e) for e in stats.candidates])
    _table_sheet(book, RED_LIST_TITLE, _ENTRY_HEADER, [_entry_row(e) for e in stats.red_list])
    _table_sheet(
        book,
        "复评变化",
        (
            "统一社会信用代码",
            "机构名称",
            "评估次数",
            "首次日期",
            "首次总分",
            "首次等级",
            "最近日期",
            "最近总分",
            "最近等级",
            "总分变化",
        ),
        [
            (
                r.uscc,
                r.name,
                r.assessments,
                r.first_date,
                r.first_total,
                r.first_grade,
                r.latest_date,
                r.latest_total,
                r.latest_grade,
                r.delta,
            )
            for r in stats.reassessments
        ],
    )
    _table_sheet(
        book,
        "评估员校准",
        ("评估员编号", "姓名", "评估份数", "可比份数", "与可比评估之差（分）", "说明"),
        [
            (
                c.assessor_id,
                c.name,
                c.assessments,
                c.count,
                c.mean_difference,
                _note(c.insufficient),
            )
            for c in stats.calibration
        ],
    )
    if stats.filter.by is not None:
        grades = [g.grade for g in stats.grades.grades]
        dims = [d.dimension for d in stats.dimensions]
        _table_sheet(
            book,
            f"按{GROUP_BY_LABELS[stats.filter.by]}",
            (
                "分组",
                "份数",
                "平均总分",
                *(f"{g} 级份数" for g in grades),
                *(f"维度{d}平均得分率（%）" for d in dims),
                "说明",
            ),
            [
                (
                    group.label,
                    group.count,
                    group.mean_total,
                    *({x.grade: x.count for x in group.grades.grades}.get(g, 0) for g in grades),
                    *({x.dimension: x.mean_percent for x in group.dimensions}.get(d) for d in dims),
                    _note(group.insufficient),
                )
                for group in stats.groups
            ],
        )
